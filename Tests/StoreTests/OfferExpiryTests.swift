import PostgresTestSupport
import Store
import Testing

@Suite("Offers: expiry")
struct OfferExpiryTests {
    @Test("expireDue expires exactly the live offers past their deadline, each as a refusal")
    func expiresDue() throws {
        let db = try StoreFixtures.migrated("expiredue")
        try db.round("R1")
        for k in 1...5 {
            try db.slot("S\(k)")
            try db.applicant("A\(k)")
        }
        try db.connection.query("UPDATE applicants SET refusals = 1 WHERE applicant_id = 'A2'")
        try db.pastRefusals("A2", count: 1)
        let late1 = try db.offer(round: "R1", slot: "S1", applicant: "A1", deadlineIn: "-1 second")
        let late2 = try db.offer(round: "R1", slot: "S2", applicant: "A2", deadlineIn: "-3 days")
        let onTime = try db.offer(round: "R1", slot: "S3", applicant: "A3", deadlineIn: "1 hour")
        let answered = try db.offer(round: "R1", slot: "S4", applicant: "A4", deadlineIn: "-1 day", status: "declined")

        let store = try db.store(actor: "system:expiry")
        #expect(try store.expireDue() == 2)

        for id in [late1, late2] {
            let offer = try store.offer(id)
            #expect(offer.status == .expired)
            #expect(offer.answeredBy == "system:expiry")
            #expect(offer.answerReason == "declined by silence: not answered by the deadline")
            #expect(try db.auditCount(action: "offer.expire", entityID: String(id)) == 1)
        }
        #expect(try db.slotState("S1") == ("available", 2))
        #expect(try db.slotState("S2") == ("available", 2))
        #expect(try db.applicantState("A1") == ("waiting", 1))
        #expect(try db.applicantState("A2") == ("suspended", 2))  // default max_refusals 2
        #expect(try db.offerStatus(onTime) == "offered")
        #expect(try db.offerStatus(answered) == "declined")
        #expect(try db.slotState("S3") == ("offered", 1))
        #expect(try db.roundStatus("R1") == "run")  // the on-time offer is still live

        #expect(try store.expireDue() == 0)
        #expect(try db.auditCount(action: "offer.expire") == 2)
    }

    @Test("expiring a round's last live offer closes the round")
    func closesRound() throws {
        let db = try StoreFixtures.migrated("expirecloses")
        try db.round("R1")
        try db.round("R0", status: "closed")
        try db.slot("S1")
        try db.slot("S2")
        try db.applicant("A1")
        try db.applicant("A2")
        try db.offer(round: "R1", slot: "S1", applicant: "A1", deadlineIn: "-1 minute")
        try db.offer(round: "R1", slot: "S2", applicant: "A2", deadlineIn: "-2 minutes")
        #expect(try db.store().expireDue() == 2)
        #expect(try db.roundStatus("R1") == "closed")
        #expect(try db.auditCount(action: "round.close") == 1)
        #expect(try db.roundStatus("R0") == "closed")
    }

    @Test("a published round is closed too once settled")
    func closesPublished() throws {
        let db = try StoreFixtures.migrated("expirepublished")
        try db.round("R1", status: "published")
        try db.slot("S1")
        try db.applicant("A1")
        try db.offer(round: "R1", slot: "S1", applicant: "A1", deadlineIn: "-1 minute")
        #expect(try db.store().expireDue() == 1)
        #expect(try db.roundStatus("R1") == "closed")
    }

    @Test("expiry uses the round's max_refusals")
    func roundPolicy() throws {
        let db = try StoreFixtures.migrated("expirepolicy")
        try db.round("R1", policy: #"{"offers": {"max_refusals": 4}}"#)
        try db.slot("S1")
        try db.applicant("A1", refusals: 2)
        try db.offer(round: "R1", slot: "S1", applicant: "A1", deadlineIn: "-1 minute")
        #expect(try db.store().expireDue() == 1)
        #expect(try db.applicantState("A1") == ("waiting", 3))
        let details = try #require(try db.lastAuditDetails(action: "offer.expire"))
        #expect(details.contains(#""max_refusals": 4"#) && details.contains(#""refusals": 3"#))
    }

    @Test("another city's due offers are left alone")
    func otherCity() throws {
        let db = try StoreFixtures.migrated("expirecity")
        let other = try db.inCity("c2")
        try other.round("R1")
        try other.slot("S1")
        try other.applicant("A1")
        let id = try other.offer(round: "R1", slot: "S1", applicant: "A1", deadlineIn: "-1 minute")
        #expect(try db.store().expireDue() == 0)
        #expect(try db.offerStatus(id) == "offered")
        #expect(try other.store().expireDue() == 1)
    }
}
