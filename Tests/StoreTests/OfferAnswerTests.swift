import Postgres
import PostgresTestSupport
import Store
import Testing

@Suite("Offers: accept and decline")
struct OfferAnswerTests {
    /// Round R1 (run), slot S1, applicant A1 holding live offer on S1; returns the offer id.
    private func oneLiveOffer(_ db: StoreFixtures, deadlineIn: String = "7 days", policy: String? = nil) throws -> Int64 {
        if let policy { try db.round("R1", policy: policy) } else { try db.round("R1") }
        try db.slot("S1")
        try db.applicant("A1")
        return try db.offer(round: "R1", slot: "S1", applicant: "A1", deadlineIn: deadlineIn)
    }

    @Test("accepting a live offer starts a tenancy, occupies the slot, houses the applicant, with one audit row")
    func acceptLive() throws {
        let db = try StoreFixtures.migrated("acceptlive")
        let id = try oneLiveOffer(db)
        let answer = try db.store(actor: "applicant:A1").accept(offer: id, reason: "  close to work  ")

        #expect(!answer.alreadyAnswered)
        #expect(answer.offer.status == .accepted)
        #expect(answer.offer.answeredBy == "applicant:A1")
        #expect(answer.offer.answerReason == "close to work")
        #expect(answer.offer.answeredAt != nil)
        #expect(answer.applicantStanding == .housed)
        #expect(answer.slotVersion == 2)
        #expect(answer.roundClosed)  // it was the round's only live offer
        #expect(answer.summary == "offer \(id) accepted: slot S1 occupied, applicant A1 housed (tenancy \(answer.tenancyID!)); round R1 closed")
        #expect(try db.slotState("S1") == ("occupied", 2))
        #expect(try db.applicantState("A1") == ("housed", 0))
        #expect(try db.int("SELECT count(*) FROM tenancies WHERE status = 'active' AND slot_id = 'S1' AND applicant_id = 'A1'") == 1)
        #expect(try db.value("SELECT tenancy_id::text FROM tenancies WHERE offer_id = $1", [String(id)]) == String(answer.tenancyID!))
        #expect(try db.auditCount(action: "offer.accept", entityID: String(id)) == 1)
        #expect(try db.value("SELECT actor FROM audit_log WHERE action = 'offer.accept'") == "applicant:A1")
        let details = try #require(try db.lastAuditDetails(action: "offer.accept"))
        #expect(details.contains(#""slot_version": 2"#) && details.contains(#""reason": "close to work""#))
        #expect(try db.roundStatus("R1") == "closed")
        #expect(try db.auditCount(action: "round.close", entityID: "R1") == 1)
    }

    @Test("accepting an accepted offer again succeeds as 'already accepted' with no new rows")
    func acceptIdempotent() throws {
        let db = try StoreFixtures.migrated("acceptagain")
        let id = try oneLiveOffer(db)
        let store = try db.store()
        let first = try store.accept(offer: id)
        let again = try store.accept(offer: id, reason: "again")

        #expect(again.alreadyAnswered)
        #expect(again.summary == "offer \(id) already accepted")
        #expect(again.tenancyID == first.tenancyID)
        #expect(again.slotVersion == 2)
        #expect(again.offer.answerReason == nil)  // the first answer stands
        #expect(try db.int("SELECT count(*) FROM tenancies") == 1)
        #expect(try db.auditCount(action: "offer.accept") == 1)
        #expect(try db.slotState("S1").version == 2)
    }

    @Test("an answered offer cannot be accepted", arguments: ["declined", "expired", "withdrawn"])
    func acceptAnswered(status: String) throws {
        let db = try StoreFixtures.migrated("acceptanswered")
        try db.round("R1")
        try db.slot("S1")
        try db.applicant("A1")
        let id = try db.offer(round: "R1", slot: "S1", applicant: "A1", status: status)
        let error = #expect(throws: StoreError.self) { try db.store().accept(offer: id) }
        guard let error, error.code == .offerAnswered, error.subject == .offer(id) else {
            Issue.record("expected offer_answered, got \(String(describing: error))")
            return
        }
        let message = error.description
        #expect(message.hasPrefix("offer \(id) was \(status) at "))
        #expect(message.hasSuffix(" by fixture; only a live offer can be accepted"))
        #expect(try db.int("SELECT count(*) FROM tenancies") == 0)
        #expect(try db.auditCount() == 0)
        #expect(try db.slotState("S1") == ("available", 1))
    }

    @Test("an offer past its deadline cannot be accepted, and nothing changes")
    func acceptLate() throws {
        let db = try StoreFixtures.migrated("acceptlate")
        let id = try oneLiveOffer(db, deadlineIn: "-1 second")
        let error = #expect(throws: StoreError.self) { try db.store().accept(offer: id) }
        guard let error, error.code == .offerDeadlinePassed, error.subject == .offer(id) else {
            Issue.record("expected offer_deadline_passed, got \(String(describing: error))")
            return
        }
        let message = error.description
        #expect(message.contains("offer \(id) passed its deadline 20"))
        #expect(message.contains("can no longer be accepted"))
        #expect(try db.offerStatus(id) == "offered")
        #expect(try db.slotState("S1") == ("offered", 1))
        #expect(try db.applicantState("A1") == ("offered", 0))
        #expect(try db.auditCount() == 0)
    }

    @Test("an unknown offer, or another city's, is not found for accept and decline")
    func notFound() throws {
        let db = try StoreFixtures.migrated("offernotfound")
        let id = try oneLiveOffer(db)
        let other = try db.inCity("c2").store()
        #expect(throws: StoreError(.offerNotFound, subject: .offer(id), "no offer \(id) in city c2")) { try other.accept(offer: id) }
        #expect(throws: StoreError(.offerNotFound, subject: .offer(id), "no offer \(id) in city c2")) { try other.decline(offer: id) }
        #expect(throws: StoreError(.offerNotFound, subject: .offer(id + 1000), "no offer \(id + 1000) in city c1")) { try db.store().accept(offer: id + 1000) }
        #expect(throws: StoreError(.offerNotFound, subject: .offer(id + 1000), "no offer \(id + 1000) in city c1")) { try db.store().decline(offer: id + 1000) }
        #expect(throws: StoreError(.offerNotFound, subject: .offer(id), "no offer \(id) in city c2")) { try other.offer(id) }
        #expect(try db.offerStatus(id) == "offered")
    }

    @Test("declining frees the slot, counts a refusal, sends the applicant back to waiting")
    func declineLive() throws {
        let db = try StoreFixtures.migrated("declinelive")
        let id = try oneLiveOffer(db)
        let answer = try db.store(actor: "applicant:A1").decline(offer: id, reason: "too far")

        #expect(answer.offer.status == .declined)
        #expect(answer.offer.answerReason == "too far")
        #expect(answer.offer.answeredBy == "applicant:A1")
        #expect(answer.applicantStanding == .waiting)
        #expect(answer.refusals == 1)
        #expect(answer.summary == "offer \(id) declined: slot S1 available again, applicant A1 waiting (1 refusal); round R1 closed")
        #expect(try db.slotState("S1") == ("available", 2))
        #expect(try db.applicantState("A1") == ("waiting", 1))
        #expect(try db.auditCount(action: "offer.decline", entityID: String(id)) == 1)
        let details = try #require(try db.lastAuditDetails(action: "offer.decline"))
        #expect(details.contains(#""refusals": 1"#) && details.contains(#""max_refusals": 2"#) && details.contains(#""reason": "too far""#))
    }

    @Test("declining a declined offer again changes nothing")
    func declineIdempotent() throws {
        let db = try StoreFixtures.migrated("declineagain")
        let id = try oneLiveOffer(db)
        let store = try db.store()
        try store.decline(offer: id, reason: "first")
        let again = try store.decline(offer: id, reason: "second")
        #expect(again.alreadyAnswered)
        #expect(again.summary == "offer \(id) already declined")
        #expect(again.offer.answerReason == "first")
        #expect(try db.applicantState("A1") == ("waiting", 1))
        #expect(try db.slotState("S1") == ("available", 2))
        #expect(try db.auditCount(action: "offer.decline") == 1)
    }

    @Test("an accepted, expired or withdrawn offer cannot be declined", arguments: ["accepted", "expired", "withdrawn"])
    func declineAnswered(status: String) throws {
        let db = try StoreFixtures.migrated("declineanswered")
        try db.round("R1")
        try db.slot("S1")
        try db.applicant("A1")
        let id = try db.offer(round: "R1", slot: "S1", applicant: "A1", status: status)
        let error = #expect(throws: StoreError.self) { try db.store().decline(offer: id) }
        guard let error, error.code == .offerAnswered, error.subject == .offer(id) else {
            Issue.record("expected offer_answered, got \(String(describing: error))")
            return
        }
        let message = error.description
        #expect(message.hasSuffix("only a live offer can be declined"))
        #expect(message.hasPrefix("offer \(id) was \(status)"))
        #expect(try db.applicantState("A1") == ("waiting", 0))
        #expect(try db.auditCount() == 0)
    }

    @Test("declining after a real acceptance is refused and the tenancy stays")
    func declineAfterAccept() throws {
        let db = try StoreFixtures.migrated("declineaccepted")
        let id = try oneLiveOffer(db)
        let store = try db.store()
        try store.accept(offer: id)
        let error = #expect(throws: StoreError.self) { try store.decline(offer: id) }
        #expect(error?.code == .offerAnswered)
        #expect(try db.offerStatus(id) == "accepted")
        #expect(try db.applicantState("A1") == ("housed", 0))
        #expect(try db.int("SELECT count(*) FROM tenancies WHERE status = 'active'") == 1)
    }

    @Test("a live offer past its deadline may still be declined: a refusal either way")
    func declineLate() throws {
        let db = try StoreFixtures.migrated("declinelate")
        let id = try oneLiveOffer(db, deadlineIn: "-1 hour")
        let answer = try db.store().decline(offer: id)
        #expect(answer.offer.status == .declined)
        #expect(try db.applicantState("A1") == ("waiting", 1))
    }

    @Test("refusals count up to the round's max_refusals, then the applicant is suspended", arguments: [
        (#"{"seed": "s"}"#, 2), (#"{"offers": {"max_refusals": 3, "response_days": 5}}"#, 3), (#"{"offers": {"max_refusals": 1}}"#, 1),
    ])
    func refusalsToSuspension(policy: String, maxRefusals: Int) throws {
        let db = try StoreFixtures.migrated("suspension")
        try db.round("R1", policy: policy)
        try db.applicant("A1")
        let store = try db.store()
        for k in 1...maxRefusals {
            try db.slot("S\(k)")
            let id = try db.offer(round: "R1", slot: "S\(k)", applicant: "A1")
            let answer = try store.decline(offer: id)
            #expect(answer.refusals == k)
            #expect(answer.applicantStanding == (k == maxRefusals ? .suspended : .waiting))
            #expect(try db.applicantState("A1") == (k == maxRefusals ? "suspended" : "waiting", k))
        }
    }

    @Test("refusals accumulate across rounds; each round's own max applies")
    func refusalsAcrossRounds() throws {
        let db = try StoreFixtures.migrated("refusalsrounds")
        try db.round("R1", status: "closed", policy: #"{"offers": {"max_refusals": 5}}"#)
        try db.round("R2", policy: #"{"offers": {"max_refusals": 2}}"#)
        try db.slot("S1")
        try db.applicant("A1", refusals: 1)
        let id = try db.offer(round: "R2", slot: "S1", applicant: "A1")
        #expect(try db.store().decline(offer: id).applicantStanding == .suspended)
        #expect(try db.applicantState("A1") == ("suspended", 2))
    }

    @Test("a bad offers value in the round's policy is invalid and changes nothing", arguments: [
        #"{"offers": {"max_refusals": "two"}}"#, #"{"offers": {"max_refusals": 0}}"#, #"{"offers": {"max_refusals": 2.5}}"#,
        #"{"offers": {"max_refusals": null}}"#,
    ])
    func badPolicy(policy: String) throws {
        let db = try StoreFixtures.migrated("badpolicy")
        let id = try oneLiveOffer(db, policy: policy)
        let error = #expect(throws: StoreError.self) { try db.store().decline(offer: id) }
        guard let error, error.code == .invalidPolicy, error.subject == .round("R1") else {
            Issue.record("expected invalid_policy, got \(String(describing: error))")
            return
        }
        let problems = error.problems.map(\.description)
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("round R1: policy offers.max_refusals is "))
        #expect(try db.offerStatus(id) == "offered")
        #expect(try db.applicantState("A1") == ("offered", 0))
    }

    @Test("offerPolicy reads defaults and set values, and names a bad one")
    func offerPolicy() throws {
        let db = try StoreFixtures.migrated("offerpolicy")
        try db.round("R1")
        try db.round("R2", status: "draft", policy: #"{"offers": {"response_days": 3}}"#)
        try db.round("R3", status: "draft", policy: #"{"offers": {"response_days": -1, "max_refusals": "x"}}"#)
        let store = try db.store()
        #expect(try store.offerPolicy(round: "R1") == .default)
        #expect(try store.offerPolicy(round: "R2") == OfferPolicy(responseDays: 3, maxRefusals: 2))
        #expect(
            throws: StoreError(
                .invalidPolicy, subject: .round("R3"),
                problems: [
                    StoreProblem("round R3: policy offers.response_days is -1; expected a whole number of at least 1"),
                    StoreProblem(#"round R3: policy offers.max_refusals is "x"; expected a whole number of at least 1"#),
                ])
        ) { try store.offerPolicy(round: "R3") }
        #expect(throws: StoreError(.roundNotFound, subject: .round("R9"), "no round R9 in city c1")) { try store.offerPolicy(round: "R9") }
    }

    @Test("a reason longer than 500 characters is refused; a blank one is no reason")
    func reasons() throws {
        let db = try StoreFixtures.migrated("reasons")
        let id = try oneLiveOffer(db)
        let store = try db.store()
        #expect(throws: StoreError(.invalidReason, problems: [StoreProblem("501 characters; at most 500 are kept", at: .field("reason"))])) {
            try store.decline(offer: id, reason: String(repeating: "字", count: 501))
        }
        #expect(try db.offerStatus(id) == "offered")
        #expect(try store.decline(offer: id, reason: " \n ").offer.answerReason == nil)
    }

    @Test("a round stays open while it has a live offer; a draft round is never closed")
    func roundClosing() throws {
        let db = try StoreFixtures.migrated("roundclosing")
        try db.round("R1")
        try db.round("R2", status: "draft", policy: "{}")
        for k in 1...3 {
            try db.slot("S\(k)")
            try db.applicant("A\(k)")
        }
        let a = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        let b = try db.offer(round: "R1", slot: "S2", applicant: "A2")
        let c = try db.offer(round: "R2", slot: "S3", applicant: "A3")
        let store = try db.store()
        #expect(try !store.accept(offer: a).roundClosed)
        #expect(try db.roundStatus("R1") == "run")
        #expect(try store.decline(offer: b).roundClosed)
        #expect(try db.roundStatus("R1") == "closed")
        #expect(try !store.decline(offer: c).roundClosed)
        #expect(try db.roundStatus("R2") == "draft")
    }

    @Test("offers are listed by id, filtered by round and status, never another city's")
    func listing() throws {
        let db = try StoreFixtures.migrated("offerlist")
        try db.round("R1")
        try db.round("R2")
        for k in 1...3 {
            try db.slot("S\(k)")
            try db.applicant("A\(k)")
        }
        let a = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        let b = try db.offer(round: "R2", slot: "S2", applicant: "A2")
        let c = try db.offer(round: "R2", slot: "S3", applicant: "A3", status: "declined")
        let other = try db.inCity("c2")
        try other.round("R1")
        try other.slot("S1")
        try other.applicant("A1")
        try other.offer(round: "R1", slot: "S1", applicant: "A1")

        let store = try db.store()
        #expect(try store.offers().map(\.id) == [a, b, c])
        #expect(try store.offers(round: "R2").map(\.id) == [b, c])
        #expect(try store.offers(status: .offered).map(\.id) == [a, b])
        #expect(try store.offers(round: "R2", status: .declined).map(\.id) == [c])
        let offer = try store.offer(b)
        #expect(offer.roundID == "R2" && offer.slotID == "S2" && offer.applicantID == "A2" && offer.status == .offered)
        #expect(offer.answeredAt == nil)
        #expect(offer.deadline.timeIntervalSince(offer.offeredAt) > 6.9 * 86_400)
    }

    @Test("retryingTransaction runs again after a deadlock or serialization failure, and only then")
    func retries() throws {
        let db = try StoreFixtures.migrated("retries")
        let store = try db.store()
        var runs = 0
        let value = try store.retryingTransaction { () throws -> Int in
            runs += 1
            try db.connection.query("INSERT INTO employers (city, employer_id, name) VALUES ('c1', $1, 'x')", ["E\(runs)"])
            if runs < 3 { throw PostgresError(sqlState: runs == 1 ? .deadlockDetected : .serializationFailure, message: "test", operation: "test") }
            return runs
        }
        #expect(value == 3)
        #expect(try db.value("SELECT string_agg(employer_id, ',') FROM employers") == "E3")  // the failed runs rolled back

        runs = 0
        #expect(throws: PostgresError.self) {
            try store.retryingTransaction(attempts: 4) { () throws -> Void in
                runs += 1
                throw PostgresError(sqlState: .deadlockDetected, message: "always", operation: "test")
            }
        }
        #expect(runs == 4)

        runs = 0
        #expect(throws: PostgresError.self) {
            try store.retryingTransaction { () throws -> Void in
                runs += 1
                throw PostgresError(sqlState: .uniqueViolation, message: "not retryable", operation: "test")
            }
        }
        #expect(runs == 1)
    }
}
