import Foundation
import Notifications
import Postgres
import PostgresTestSupport
import Store
import Testing
import TestSupport

@Suite("Outbox: messages written with their change")
struct OutboxWriteTests {
    @Test("a round's offers give one offer message per offer and channel; no contact, no message")
    func roundOffers() throws {
        let town = try Town.migrated("outboxround")
        try town.slots(30)
        // Every third has no contact; every fifth has a phone too (two channels).
        try town.applicants(40) { n in
            n % 3 == 0 ? nil : ("a\(n)@example.test", n % 5 == 0 ? "+8613800000\(100 + n)" : nil, n % 2 == 0 ? "en" : "zh-CN")
        }
        try town.runRound("R1")
        let offers = try town.connection.query("SELECT offer_id, applicant_id FROM offers WHERE round_id = 'R1'")
        #expect(offers.count == 30)
        var expected: [String] = []
        for o in offers {
            let n = Int((o[1] ?? "").dropFirst()) ?? 0
            if n % 3 == 0 { continue }
            expected.append("email:anju-c1-offer-\(o[0] ?? "")")
            if n % 5 == 0 { expected.append("webhook:anju-c1-offer-\(o[0] ?? "")") }
        }
        #expect(try town.keys(kind: "offer_made") == expected.sorted())
        #expect(try town.int("SELECT count(*) FROM outbox WHERE round_id = 'R1' AND status = 'pending'") == expected.count)
        let payload = try town.connection.query("SELECT payload->>'project', payload->>'deadline' FROM outbox LIMIT 1").first
        #expect(payload?[0] == "Riverside Homes")
        #expect(payload?[1]?.hasSuffix("Z") == true)
    }

    @Test("reminders are queued once per live offer within the window, however often the job runs")
    func remindersOnce() throws {
        let town = try Town.migrated("outboxremind")
        try town.slots(3)
        try town.applicants(3)
        try town.runRound("R1")
        let store = try town.store()
        #expect(try store.queueReminders(within: 3600) == 0)  // deadlines are 7 days away
        try town.connection.query("UPDATE offers SET deadline = now() + interval '30 minutes' WHERE applicant_id IN ('A1', 'A2')")
        #expect(try store.queueReminders(within: 3600) == 2)
        #expect(try store.queueReminders(within: 3600) == 0)
        #expect(try town.keys(kind: "offer_reminder").count == 2)
    }

    @Test("an expiry writes its message, and the suspension it causes writes one too")
    func expiry() throws {
        let town = try Town.migrated("outboxexpiry")
        try town.slots(2)
        try town.applicants(2)
        try town.runRound("R1")
        try town.connection.query("UPDATE offers SET deadline = now() - interval '1 second' WHERE applicant_id = 'A1'")
        #expect(try town.store(actor: "system:expiry").expireDue() == 1)
        let id = try town.int("SELECT offer_id FROM offers WHERE applicant_id = 'A1'")
        #expect(try town.keys(kind: "offer_expired") == ["email:anju-c1-expired-\(id)"])
        // The policy's max_refusals is 1: this refusal suspends.
        #expect(try town.keys(kind: "suspended") == ["email:anju-c1-suspended-\(id)"])
        #expect(try town.int("SELECT count(*) FROM outbox WHERE applicant_id = 'A2'") == 1)  // its offer only
    }

    @Test("a change that rolls back writes no message")
    func rolledBack() throws {
        let town = try Town.migrated("outboxrollback")
        try town.applicants(2)
        try town.connection.query("UPDATE applicants SET status = 'pending_review', source = 'application'")
        try town.connection.query("UPDATE applicants SET status = 'waiting' WHERE applicant_id = 'A2'")
        let store = try town.store()
        // A1 could be approved, A2 is not pending: the whole review is refused and rolled back.
        #expect(throws: StoreError.self) {
            try store.review([ReviewDecision(applicantID: "A1", decision: .approve), ReviewDecision(applicantID: "A2", decision: .approve)])
        }
        #expect(try town.int("SELECT count(*) FROM outbox") == 0)
        _ = try store.review([ReviewDecision(applicantID: "A1", decision: .reject, reason: "incomplete", note: "Send a payslip.")])
        #expect(try town.keys(kind: "application_rejected") == ["email:anju-c1-rejected-A1"])
        // A round that fails part-way leaves no offer messages either.
        try town.slots(1)
        _ = try store.createRound(id: "R1", policy: Town.policy)
        try town.connection.executeScript(
            """
            CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
            CREATE TRIGGER fail_round BEFORE UPDATE ON rounds FOR EACH ROW WHEN (NEW.status = 'run') EXECUTE FUNCTION fail();
            """)
        #expect(throws: (any Error).self) { try store.runRound("R1") }
        #expect(try town.int("SELECT count(*) FROM offers") == 0)
        #expect(try town.int("SELECT count(*) FROM outbox WHERE kind = 'offer_made'") == 0)
    }
}

@Suite("Message texts")
struct MessageTextTests {
    @Test("every kind reads in zh-CN and en, with no English sentence in Chinese and no Chinese in English")
    func everyKindInBothLanguages() {
        let payloads: [(String, [String: Any])] = [
            ("application_received", [:]), ("application_approved", [:]),
            ("application_rejected", ["reason": "incomplete", "note": "请补充收入证明"]),
            ("offer_made", ["round_id": "R1", "project": "人民广场公寓", "district": "黄浦", "deadline": "2026-12-08T10:00:00Z"]),
            ("offer_reminder", ["project": "人民广场公寓", "district": "黄浦", "deadline": "2026-12-08T10:00:00Z"]),
            ("offer_expired", ["project": "人民广场公寓", "district": "黄浦", "deadline": "2026-12-08T10:00:00Z"]),
            ("suspended", ["refusals": 2]),
            ("appeal_answered", ["status": "upheld", "reason": "missing_evidence"]),
            ("appeal_answered", ["status": "reinstated"]),
            ("reinstated", ["refusals": 1]),
        ]
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        var subjects: Set<String> = []
        for (kind, payload) in payloads {
            let zh = MessageText(language: "zh-CN", timeZone: zone).render(kind: kind, payload: payload, name: "王芳", applicantID: "ap-1")
            let en = MessageText(language: "en", timeZone: zone).render(kind: kind, payload: payload, name: "Wang Fang", applicantID: "ap-1")
            #expect(englishRuns(in: zh.subject).isEmpty, "\(kind)")
            #expect(englishRuns(in: zh.body).isEmpty, "\(kind): \(zh.body)")
            #expect(en.subject.range(of: #"\p{Han}"#, options: .regularExpression) == nil, "\(kind)")
            // The default text ("a message about your application") is for unknown kinds only.
            #expect(en.subject != "A message about your application", "\(kind)")
            subjects.insert(en.subject)
        }
        #expect(subjects.count == payloads.count)
    }
}
