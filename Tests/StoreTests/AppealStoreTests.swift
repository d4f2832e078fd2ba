import Foundation
import Postgres
import PostgresTestSupport
import Store
import Testing

@Suite("Appeals, excuses and lapsing refusals")
struct AppealStoreTests {
    /// Applicant A1 suspended by two refusals in round R1 (`policy`'s offers section):
    /// a decline, then an expiry. Returns the two offer ids.
    private func suspended(_ db: StoreFixtures, offers: String = #"{"max_refusals": 2}"#) throws -> [Int64] {
        try db.round("R1", policy: #"{"round_date": "2026-12-01", "seed": "t", "offers": \#(offers)}"#)
        try db.slot("S1")
        try db.slot("S2")
        try db.applicant("A1")
        let store = try db.store(actor: "applicant:A1")
        let first = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        #expect(try store.decline(offer: first).applicantStanding == .waiting)
        let second = try db.offer(round: "R1", slot: "S2", applicant: "A1", deadlineIn: "-1 minute")
        #expect(try db.store(actor: "system:expiry").expireDue() == 1)
        #expect(try db.applicantState("A1") == ("suspended", 2))
        return [first, second]
    }

    private func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as StoreError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test("a decline and then an expiry suspend; each is a dated refusal row that counts")
    func suspensionByDeclineAndExpiry() throws {
        let db = try StoreFixtures.migrated("appealsuspend")
        let offers = try suspended(db)
        let records = try db.store().refusalRecords("A1")
        #expect(records.map(\.offerID) == offers.reversed())
        #expect(records.map(\.kind) == ["expired", "declined"])
        #expect(records.allSatisfy { $0.standing == .counts && $0.lapsesAt == nil })
    }

    @Test("a suspended applicant files one appeal; a second open one and a non-suspended applicant are refused")
    func filing() throws {
        let db = try StoreFixtures.migrated("appealfile")
        try suspended(db)
        try db.applicant("A2")
        let store = try db.store(actor: "applicant:A1")
        let appeal = try store.fileAppeal(applicant: "A1", reason: "  I was in hospital.\r\nPlease reconsider.  ")
        #expect(appeal.status == .open)
        #expect(appeal.reason == "I was in hospital.\nPlease reconsider.")
        #expect(appeal.refusalsAtFiling == 2)
        #expect(try db.auditCount(action: "appeal.file", entityID: String(appeal.id)) == 1)
        #expect(code { _ = try store.fileAppeal(applicant: "A1", reason: "again") } == "appeal_open")
        #expect(code { _ = try store.fileAppeal(applicant: "A2", reason: "why not") } == "applicant_not_suspended")
        #expect(code { _ = try store.fileAppeal(applicant: "nobody", reason: "x") } == "applicant_not_found")
        #expect(try db.int("SELECT count(*) FROM appeals") == 1)
        // The partial unique index holds the rule whatever a client does.
        #expect(throws: PostgresError.self) {
            try db.connection.query("INSERT INTO appeals (city, applicant_id, reason, refusals_at_filing) VALUES ('c1', 'A1', 'x', 2)")
        }
    }

    @Test("appeal text: required, at most 2000 characters, no control characters (no NUL reaches PostgreSQL)", arguments: [
        ("", "is required"), ("   \n ", "is required"), (String(repeating: "长", count: 2001), "2001 characters"),
        ("bad\u{0}byte", "U+0000"), ("escape\u{1B}[31m", "U+001B"), ("bell\u{7}", "U+0007"), ("del\u{7F}", "U+007F"),
    ])
    func appealText(reason: String, message: String) throws {
        let db = try StoreFixtures.migrated("appealtext")
        try suspended(db)
        let error = #expect(throws: StoreError.self) { try db.store().fileAppeal(applicant: "A1", reason: reason) }
        #expect(error?.code == .invalidAppeal)
        #expect(error?.problems.first?.location == .field("reason"))
        #expect(error?.description.contains(message) == true)
        #expect(try db.int("SELECT count(*) FROM appeals") == 0)
        #expect(try db.store().fileAppeal(applicant: "A1", reason: String(repeating: "长", count: 2000)).status == .open)
    }

    @Test("reinstating with reinstated_refusals 0 forgives every refusal; with 1 keeps the newest")
    func reinstateEachPolicy() throws {
        for kept in [0, 1] {
            let db = try StoreFixtures.migrated("appealreinstate\(kept)")
            let offers = try suspended(db, offers: #"{"max_refusals": 2, "reinstated_refusals": \#(kept)}"#)
            let filed = try db.store(actor: "applicant:A1").fileAppeal(applicant: "A1", reason: "I was ill")
            let answered = try db.store(actor: "cli:bureau").reinstate(appeal: filed.id, note: "doctor's note seen")
            #expect(answered.status == .reinstated)
            #expect(answered.refusalsAfter == kept)
            #expect(answered.note == "doctor's note seen")
            #expect(answered.answeredBy == "cli:bureau")
            #expect(answered.applicantStatus == "waiting")
            #expect(try db.applicantState("A1") == ("waiting", kept))
            let records = try db.store().refusalRecords("A1")
            // Newest first: the expiry is kept when one is kept.
            #expect(records.map(\.standing) == (kept == 0 ? [.forgiven, .forgiven] : [.counts, .forgiven]))
            #expect(records.last?.offerID == offers[0])
            #expect(try db.auditCount(action: "appeal.reinstate", entityID: String(filed.id)) == 1)
            #expect(try db.auditCount(action: "applicant.reinstate", entityID: "A1") == 1)
        }
    }

    @Test("a bad reinstated_refusals (not below max_refusals) is an invalid policy and changes nothing")
    func badReinstatePolicy() throws {
        let db = try StoreFixtures.migrated("appealbadpolicy")
        try suspended(db)
        try db.connection.query(#"UPDATE rounds SET policy = '{"offers": {"max_refusals": 2, "reinstated_refusals": 2}}'"#)
        let filed = try db.store().fileAppeal(applicant: "A1", reason: "please")
        #expect(code { _ = try db.store().reinstate(appeal: filed.id) } == "invalid_policy")
        #expect(try db.applicantState("A1") == ("suspended", 2))
        #expect(try db.store().appeal(filed.id).status == .open)
    }

    @Test("upholding keeps the suspension with a reason code and a note; an answer is final (409)")
    func upholdAndAnswerTwice() throws {
        let db = try StoreFixtures.migrated("appealuphold")
        try suspended(db)
        let store = try db.store(actor: "cli:bureau")
        let filed = try store.fileAppeal(applicant: "A1", reason: "too far")
        #expect(code { _ = try store.uphold(appeal: filed.id, reason: "because") } == "invalid_appeal")
        #expect(code { _ = try store.uphold(appeal: filed.id, reason: nil) } == "invalid_appeal")
        let upheld = try store.uphold(appeal: filed.id, reason: "no_good_cause", note: "The commute was within your limit.")
        #expect(upheld.status == .upheld && upheld.upholdReason == .noGoodCause)
        #expect(try db.applicantState("A1") == ("suspended", 2))
        #expect(code { _ = try store.uphold(appeal: filed.id, reason: "other") } == "appeal_answered")
        #expect(code { _ = try store.reinstate(appeal: filed.id) } == "appeal_answered")
        #expect(code { _ = try store.reinstate(appeal: 999_999) } == "appeal_not_found")
        #expect(try db.auditCount(action: "appeal.uphold") == 1)
        #expect(try db.auditCount(action: "appeal.reinstate") == 0)
        // Upheld, the applicant may appeal again.
        #expect(try store.fileAppeal(applicant: "A1", reason: "new evidence").status == .open)
        #expect(try store.appeals(status: .open).count == 1)
        #expect(try store.appeals(status: nil).count == 2)
    }

    @Test("an appeal of an applicant who is no longer suspended is refused")
    func noLongerSuspended() throws {
        let db = try StoreFixtures.migrated("appealnolonger")
        try suspended(db)
        let store = try db.store()
        let filed = try store.fileAppeal(applicant: "A1", reason: "please")
        try db.connection.query("UPDATE applicants SET status = 'withdrawn' WHERE applicant_id = 'A1'")
        #expect(code { _ = try store.reinstate(appeal: filed.id) } == "applicant_not_suspended")
        #expect(code { _ = try store.uphold(appeal: filed.id, reason: "other") } == "applicant_not_suspended")
        #expect(try store.appeal(filed.id).status == .open)
    }

    @Test("excusing a refusal drops the count by one; under the limit a suspended applicant is reinstated and the open appeal answered")
    func excuseUnderLimit() throws {
        let db = try StoreFixtures.migrated("appealexcuse")
        let offers = try suspended(db)
        let filed = try db.store(actor: "applicant:A1").fileAppeal(applicant: "A1", reason: "I was ill")
        let store = try db.store(actor: "cli:bureau")
        let excuse = try store.excuse(offer: offers[1], reason: "in hospital on the deadline")
        #expect(excuse.refusalsBefore == 2 && excuse.refusals == 1)
        #expect(excuse.reinstated && excuse.applicantStanding == .waiting)
        #expect(excuse.answeredAppeal == filed.id)
        #expect(try db.applicantState("A1") == ("waiting", 1))
        let appeal = try store.appeal(filed.id)
        #expect(appeal.status == .reinstated && appeal.refusalsAfter == 1)
        #expect(appeal.note == nil)  // the excused refusal says why, in the applicant's language
        #expect(try store.refusalRecords("A1").map(\.standing) == [.excused, .counts])
        #expect(try db.auditCount(action: "offer.excuse", entityID: String(offers[1])) == 1)
        #expect(try db.auditCount(action: "applicant.reinstate", entityID: "A1") == 1)
        #expect(code { _ = try store.excuse(offer: offers[1], reason: "again") } == "refusal_excused")
        #expect(code { _ = try store.excuse(offer: offers[0], reason: nil) } == "invalid_appeal")
        // The other one too: down to zero, never below.
        #expect(try store.excuse(offer: offers[0], reason: "the flat was unsafe").refusals == 0)
    }

    @Test("the applicant is told: the suspension, the appeal answered, the reinstatement — each once, by key, in the change's transaction")
    func appealMessages() throws {
        let db = try StoreFixtures.migrated("appealmessages")
        try db.round("R1", policy: #"{"round_date": "2026-12-01", "seed": "t", "offers": {"max_refusals": 2}}"#)
        try db.slot("S1")
        try db.slot("S2")
        try db.applicant("A1")
        try db.connection.query(
            "INSERT INTO applicant_contacts (city, applicant_id, name, phone, language) VALUES ($1, 'A1', '王芳', '13800000001', 'zh-CN')",
            [db.city])
        _ = try db.store(actor: "applicant:A1").decline(offer: try db.offer(round: "R1", slot: "S1", applicant: "A1"))
        _ = try db.offer(round: "R1", slot: "S2", applicant: "A1", deadlineIn: "-1 minute")
        #expect(try db.store(actor: "system:expiry").expireDue() == 1)
        #expect(try db.applicantState("A1") == ("suspended", 2))
        func kinds() throws -> [String] {
            try db.connection.query("SELECT kind FROM outbox WHERE applicant_id = 'A1' ORDER BY message_id").map { $0[0] ?? "" }
        }
        #expect(try kinds() == ["offer_expired", "suspended"])
        let filed = try db.store(actor: "applicant:A1").fileAppeal(applicant: "A1", reason: "I was ill")
        let upheld = try db.store(actor: "cli:bureau").uphold(appeal: filed.id, reason: "missing_evidence", note: "请提供病历")
        #expect(upheld.status == .upheld)
        #expect(try kinds() == ["offer_expired", "suspended", "appeal_answered"])
        #expect(try db.value("SELECT payload->>'reason' FROM outbox WHERE kind = 'appeal_answered'") == "missing_evidence")
        // A second appeal, reinstated: answered and reinstated, each under its own key.
        let again = try db.store(actor: "applicant:A1").fileAppeal(applicant: "A1", reason: "here is the record")
        _ = try db.store(actor: "cli:bureau").reinstate(appeal: again.id)
        let afterReinstate = try kinds()
        #expect(afterReinstate == ["offer_expired", "suspended", "appeal_answered", "appeal_answered", "reinstated"])
        let keys = try db.connection.query("SELECT idempotency_key FROM outbox WHERE applicant_id = 'A1'").map { $0[0] ?? "" }
        #expect(Set(keys).count == keys.count)
        #expect(keys.contains("anju-\(db.city)-reinstated-appeal-\(again.id)"))
        // A change that fails leaves no message: answering the answered appeal again.
        #expect(code { _ = try db.store(actor: "cli:bureau").reinstate(appeal: again.id) } == "appeal_answered")
        #expect(try kinds().count == 5)
    }

    @Test("excusing a refusal that no longer counts (forgiven) leaves the count at zero, not below")
    func excuseNotBelowZero() throws {
        let db = try StoreFixtures.migrated("appealexcusezero")
        let offers = try suspended(db)
        let filed = try db.store().fileAppeal(applicant: "A1", reason: "please")
        _ = try db.store().reinstate(appeal: filed.id)
        #expect(try db.applicantState("A1") == ("waiting", 0))
        let excuse = try db.store().excuse(offer: offers[0], reason: "unsafe flat")
        #expect(excuse.refusalsBefore == 0 && excuse.refusals == 0 && !excuse.reinstated)
        #expect(try db.applicantState("A1") == ("waiting", 0))
    }

    @Test("excusing while still at the limit keeps the suspension; only refusals can be excused")
    func excuseStillSuspended() throws {
        let db = try StoreFixtures.migrated("appealexcusestill")
        try db.round("R1", policy: #"{"offers": {"max_refusals": 2}}"#)
        try db.slot("S1")
        try db.applicant("A1", status: "suspended")
        let offers = try db.pastRefusals("A1", count: 3, round: "R1")
        try db.connection.query("UPDATE applicants SET refusals = 3 WHERE applicant_id = 'A1'")
        let excuse = try db.store().excuse(offer: offers[0], reason: "fair")
        #expect(excuse.refusalsBefore == 3 && excuse.refusals == 2)
        #expect(!excuse.reinstated && excuse.applicantStanding == .suspended)
        #expect(try db.applicantState("A1") == ("suspended", 2))
        try db.connection.query("UPDATE applicants SET status = 'waiting' WHERE applicant_id = 'A1'")
        let live = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        #expect(code { _ = try db.store().excuse(offer: live, reason: "x") } == "offer_not_refused")
        #expect(code { _ = try db.store().excuse(offer: 999_999, reason: "x") } == "offer_not_found")
    }

    @Test("a refusal lapses after refusals_lapse_days on PostgreSQL's clock: just inside counts, just outside does not")
    func lapse() throws {
        let db = try StoreFixtures.migrated("appeallapse")
        try db.round("R1", policy: #"{"offers": {"max_refusals": 2, "refusals_lapse_days": 30}}"#)
        try db.slot("S1")
        try db.slot("S2")
        try db.applicant("A1")
        try db.applicant("A2")
        let store = try db.store()
        // Each has one old refusal made under the 30-day policy.
        for (applicant, slot) in [("A1", "S1"), ("A2", "S2")] {
            let id = try db.offer(round: "R1", slot: slot, applicant: applicant)
            _ = try store.decline(offer: id)
        }
        try db.connection.query(
            "UPDATE refusals SET refused_at = now() - interval '30 days' + interval '2 seconds' WHERE applicant_id = 'A1'")
        try db.connection.query(
            "UPDATE refusals SET refused_at = now() - interval '30 days' - interval '1 second' WHERE applicant_id = 'A2'")
        #expect(try store.refusalRecords("A1").map(\.standing) == [.counts])
        #expect(try store.refusalRecords("A2").map(\.standing) == [.lapsed])
        #expect(try store.refusalRecords("A2").first?.lapsesAt != nil)
        // A second refusal: inside the window it suspends, outside it does not.
        try db.slot("S3")
        try db.slot("S4")
        let a1 = try db.offer(round: "R1", slot: "S3", applicant: "A1")
        let a2 = try db.offer(round: "R1", slot: "S4", applicant: "A2")
        #expect(try store.decline(offer: a1).applicantStanding == .suspended)
        let second = try store.decline(offer: a2)
        #expect(second.applicantStanding == .waiting && second.refusals == 1)
    }

    @Test("two bureau members answering one appeal at once: exactly one wins, the other gets appeal_answered")
    func concurrentAnswers() throws {
        for round in 0..<5 {
            let db = try StoreFixtures.migrated("appealrace\(round)")
            try suspended(db)
            let filed = try db.store().fileAppeal(applicant: "A1", reason: "please")
            let stores = [try db.storeOnNewConnection(actor: "cli:one"), try db.storeOnNewConnection(actor: "cli:two")]
            let errors = TestThreads.run(2) { k in
                if k == 0 { _ = try stores[0].reinstate(appeal: filed.id) } else { _ = try stores[1].uphold(appeal: filed.id, reason: "other") }
            }
            #expect(errors.count == 1)
            #expect(errors.first?.contains("appeal \(filed.id) was") == true)
            let appeal = try db.store().appeal(filed.id)
            #expect(try db.auditCount(action: "appeal.\(appeal.status == .upheld ? "uphold" : "reinstate")") == 1)
            #expect(try db.applicantState("A1").status == (appeal.status == .upheld ? "suspended" : "waiting"))
        }
    }
}
