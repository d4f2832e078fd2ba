import Foundation
import Notifications
import Postgres
import PostgresTestSupport
import Store
import TestSupport
import Testing

/// Senders against real receivers: aiosmtpd and an HTTP hook on loopback.
@Suite("Notifications: delivery")
struct DeliveryTests {
    static func settings(_ smtp: Receiver, _ hook: Receiver) -> NotifierConfiguration {
        var c = NotifierConfiguration(smtpURL: smtp.url, mailFrom: "bureau@anju.test", webhookURL: hook.url)
        c.backoffBase = 0.1
        c.backoffMax = 0.4
        c.timeoutSeconds = 5
        return c
    }

    /// Every applicant has email and phone; the odd ones read English.
    static func town(_ label: String, applicants: Int) throws -> Town {
        let town = try Town.migrated(label)
        try town.slots(applicants)
        try town.applicants(applicants) { n in ("a\(n)@example.test", "+86138000\(10000 + n)", n % 2 == 1 ? "en" : "zh-CN") }
        return town
    }

    /// The outbox's keys per applicant and channel, in message order (cancelled ones, which
    /// are never sent, left out).
    static func outboxOrder(_ town: Town) throws -> [String: [String]] {
        var order: [String: [String]] = [:]
        for r in try town.connection.query(
            "SELECT applicant_id, channel, idempotency_key FROM outbox WHERE status <> 'cancelled' ORDER BY message_id")
        {
            order["\(r[0] ?? "")/\(r[1] ?? "")", default: []].append(r[2] ?? "")
        }
        return order
    }

    /// What the receivers got, first arrivals only, per applicant (by address) and channel,
    /// and how many arrivals repeated a key.
    static func arrivals(_ town: Town, smtp: Receiver, hook: Receiver) throws -> (order: [String: [String]], repeats: Int) {
        var applicantOf: [String: String] = [:]
        for r in try town.connection.query("SELECT applicant_id, email, phone FROM applicant_contacts") {
            applicantOf[r[1] ?? ""] = r[0] ?? ""
            applicantOf[r[2] ?? ""] = r[0] ?? ""
        }
        var order: [String: [String]] = [:]
        var seen = Set<String>()
        var repeats = 0
        for (channel, receiver) in [("email", smtp), ("webhook", hook)] {
            for m in receiver.received() {
                let key = m["key"] ?? ""
                #expect(m["header_key"] == key)
                guard seen.insert(channel + key).inserted else {
                    repeats += 1
                    continue
                }
                order["\(applicantOf[m["to"] ?? ""] ?? "?")/\(channel)", default: []].append(key)
            }
        }
        return (order, repeats)
    }

    @Test("messages are rendered in the applicant's language, in email and in the hook's JSON")
    func languages() throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        try smtp.start()
        try hook.start()
        let town = try Self.town("deliverylanguages", applicants: 2)
        try town.runRound("R1")
        let report = try NotificationSender(configuration: Self.settings(smtp, hook)).sendDue(try town.store())
        #expect(report.sent == 4)
        let mails = smtp.received(), hooks = hook.received()
        let english = try #require(mails.first { $0["to"] == "a1@example.test" })
        #expect(english["language"] == "en")
        #expect(english["subject"] == "A home is offered to you")
        #expect(english["body"]?.contains("Riverside Homes (Huangpu)") == true)
        #expect(english["body"]?.contains("(UTC+08:00)") == true)
        let chinese = try #require(mails.first { $0["to"] == "a2@example.test" })
        #expect(chinese["language"] == "zh-CN")
        #expect(chinese["subject"] == "您获得了配租房源")
        #expect(chinese["body"]?.contains("HuangpuRiverside Homes的房源") == true)
        #expect(hooks.first { $0["to"] == "+8613800010002" }?["body"]?.contains("请在") == true)
        #expect(hooks.first { $0["to"] == "+8613800010001" }?["body"]?.contains("Please accept or decline") == true)
        #expect(try town.int("SELECT count(*) FROM outbox WHERE status = 'sent'") == 4)
    }

    @Test("a batch goes over one kept connection per channel, not a connection per message")
    func connectionsKept() throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        try smtp.start()
        try hook.start()
        let town = try Self.town("deliverykept", applicants: 20)
        try town.runRound("R1")
        var settings = Self.settings(smtp, hook)
        settings.batchSize = 50
        let report = try NotificationSender(configuration: settings).sendDue(try town.store())
        #expect(report.sent == 40)
        for receiver in [smtp, hook] {
            let messages = receiver.received()
            #expect(messages.count == 20)
            // The client's port names its connection: one for the whole batch.
            #expect(Set(messages.map { $0["peer"] ?? "" }).count == 1, "\(receiver.kind): \(messages.map { $0["peer"] ?? "" })")
        }
    }

    @Test("a reminder whose offer was answered or ran out before it went out is cancelled, not sent")
    func answeredReminderCancelled() throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        try smtp.start()
        try hook.start()
        let town = try Self.town("deliveryanswered", applicants: 4)
        try town.runRound("R1")
        let store = try town.store()
        let sender = NotificationSender(configuration: Self.settings(smtp, hook))
        #expect(try sender.sendDue(store).sent == 4 * 2)  // the offers, before anything else
        try town.connection.query("UPDATE offers SET deadline = now() + interval '30 minutes'")
        #expect(try store.queueReminders(within: 3600) == 4 * 2)
        func offer(_ applicant: String) throws -> Int64 {
            Int64(try town.int("SELECT offer_id FROM offers WHERE applicant_id = $1", [applicant]))
        }
        // Queued while live; then A1 accepts, A2 declines, A3's deadline passes unexpired.
        _ = try store.accept(offer: try offer("A1"))
        _ = try store.decline(offer: try offer("A2"))
        try town.connection.query("UPDATE offers SET deadline = now() - interval '1 minute' WHERE applicant_id = 'A3'")
        let report = try sender.sendDue(store)
        #expect(report.cancelled == 3 * 2)
        let reminderKeys = Set(
            try town.connection.query("SELECT idempotency_key FROM outbox WHERE kind = 'offer_reminder'").map { $0[0] ?? "" })
        #expect(reminderKeys.count == 4)
        let arrived = (smtp.received() + hook.received()).map { $0["key"] ?? "" }.filter(reminderKeys.contains)
        #expect(arrived.count == 2)
        #expect(try town.int(
            "SELECT count(*) FROM outbox WHERE kind = 'offer_reminder' AND status = 'sent' AND applicant_id = 'A4'") == 2)
        #expect(try town.int(
            "SELECT count(*) FROM outbox WHERE kind = 'offer_reminder' AND status = 'cancelled' AND last_error LIKE 'not sent:%'") == 6)
        // Cancelled is final: a second pass sends nothing, and the counts name the state.
        #expect(try sender.sendDue(store).claimed == 0)
        #expect(try store.messageCounts()["cancelled"] == 6)
        #expect(try store.messages(status: "cancelled").count == 6)
    }

    @Test("both receivers down for a while: nothing lost, no event twice after deduplication, order kept")
    func receiversDown() async throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        let town = try Self.town("deliverydown", applicants: 12)
        try town.runRound("R1")
        // More messages per applicant: reminders for all, then expiries for four.
        try town.connection.query("UPDATE offers SET deadline = now() + interval '10 minutes'")
        let settings = Self.settings(smtp, hook)
        let store = try town.storeOnNewConnection()
        // Reminders queued now, not by the sender's first pass, which may come late on a
        // loaded machine: the four expiring offers below must have theirs pending.
        #expect(try store.queueReminders(within: 3600) == 12 * 2)
        let expected = try town.int("SELECT count(*) FROM outbox")
        let senderStop = Locked(false)
        let sender = NotificationSender(configuration: settings)
        let loop = Task {
            try await onOwnThread {
                while !senderStop.value {
                    _ = try sender.sendDue(store)
                    usleep(50_000)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(600))
        try town.connection.query("UPDATE offers SET deadline = now() - interval '1 second' WHERE applicant_id IN ('A1', 'A2', 'A3', 'A4')")
        #expect(try town.store(actor: "system:expiry").expireDue() == 4)
        try await Task.sleep(for: .milliseconds(900))
        #expect(try town.int("SELECT count(*) FROM outbox WHERE status = 'sent'") == 0)
        #expect(try town.int("SELECT count(*) FROM outbox WHERE attempts > 1") > 0)  // retried while down
        try smtp.start()
        try hook.start()
        let deadline = ContinuousClock.now + .seconds(60)
        while try town.int("SELECT count(*) FROM outbox WHERE status = 'pending'") > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        senderStop.withLock { $0 = true }
        try await loop.value
        let total = try town.int("SELECT count(*) FROM outbox")
        #expect(total > expected)  // expiries were queued
        // The four expired offers' reminders, still unsent when the offers expired, are
        // cancelled (both channels); everything else is sent.
        let states = try town.connection.query("SELECT applicant_id, kind, channel, status FROM outbox ORDER BY message_id")
            .map { r in (0..<4).map { r[$0] ?? "" }.joined(separator: " ") }
        #expect(try town.int(
            "SELECT count(*) FROM outbox WHERE status = 'cancelled' AND kind = 'offer_reminder' AND applicant_id IN ('A1', 'A2', 'A3', 'A4')") == 8,
            "\(states)")
        #expect(try town.int("SELECT count(*) FROM outbox WHERE status = 'sent'") == total - 8)
        let (order, repeats) = try Self.arrivals(town, smtp: smtp, hook: hook)
        #expect(order == (try Self.outboxOrder(town)))
        #expect(repeats == 0)
    }

    @Test("several senders at once never claim the same message")
    func severalSenders() async throws {
        let town = try Self.town("deliverysenders", applicants: 60)
        try town.runRound("R1")
        // Make every applicant's messages independent of order: reminders too, all due.
        try town.connection.query("UPDATE offers SET deadline = now() + interval '10 minutes'")
        _ = try town.store().queueReminders(within: 3600)
        let total = try town.int("SELECT count(*) FROM outbox")
        let stores = try (0..<4).map { _ in try town.storeOnNewConnection() }
        let start = ContinuousClock.now + .milliseconds(200)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (i, store) in stores.enumerated() {
                group.addTask {
                    try await onOwnThread(until: start) {
                        var mine: [Int64] = []
                        while true {
                            let batch = try store.claimMessages(sender: "s\(i)", channels: ["email", "webhook"], limit: 7, leaseSeconds: 600)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                            // Record as sent, so the applicant's next message can be claimed.
                            for m in batch { try store.markSent(m.id, sender: "s\(i)") }
                        }
                    }
                }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == total)
        #expect(Set(all).count == total)
        #expect(claims.filter { !$0.isEmpty }.count > 1)  // they did work side by side
    }

    @Test("a permanent refusal marks the message failed and frees the applicant's next one")
    func refusal() throws {
        let hook = try Receiver(.webhook)
        try hook.start()
        let town = try Town.migrated("deliveryrefusal")
        try town.applicants(1) { _ in (nil, "+8613800010001", "en") }
        try town.connection.query("UPDATE applicants SET status = 'pending_review', source = 'application'")
        let store = try town.store()
        _ = try store.review([ReviewDecision(applicantID: "A1", decision: .approve)])
        try town.slots(1)
        try town.runRound("R1")
        // The hook answers 422 on this path: refused for good, not retried.
        var settings = NotifierConfiguration(webhookURL: "http://127.0.0.1:\(hook.port)/reject")
        settings.backoffBase = 0.1
        let report = try NotificationSender(configuration: settings).sendDue(store)
        #expect(report.refused == 2)  // the approval, then the offer: not held back by the first
        #expect(try town.int("SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error = 'webhook: HTTP 422'") == 2)
        #expect(try town.int("SELECT sum(attempts) FROM outbox") == 2)
    }
}
