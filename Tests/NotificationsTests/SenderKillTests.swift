import Foundation
import Harness
import Postgres
import PostgresTestSupport
import Store
import TestSupport
import Testing

/// `anju notify send` as the timer or the operator runs it, killed with SIGKILL at random
/// moments: the at-least-once promise, measured.
@Suite("Notifications: a killed sender")
struct SenderKillTests {
    /// The `anju` beside the test bundle, else `.build/debug/anju` (`ANJU_EXECUTABLE` wins).
    static let executable: String = {
        if let path = ProcessInfo.processInfo.environment["ANJU_EXECUTABLE"], !path.isEmpty { return path }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("anju")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests.path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/anju").path
    }()

    @Test("SIGKILL at random moments, repeated: nothing lost, resends only under the same key, order kept")
    func killedAtRandom() async throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        try smtp.start()
        try hook.start()
        let town = try DeliveryTests.town("senderkill", applicants: 150)
        try town.runRound("R1")
        try town.connection.query("UPDATE offers SET deadline = now() + interval '10 minutes'")
        let environment = [
            "DATABASE_URL": town.url, "ANJU_CITY": town.city, "ANJU_SMTP_URL": smtp.url, "ANJU_WEBHOOK_URL": hook.url,
            "ANJU_MAIL_FROM": "bureau@anju.test", "ANJU_NOTIFY_LEASE_SECONDS": "1", "ANJU_NOTIFY_BACKOFF_BASE": "0.1",
            "ANJU_NOTIFY_BACKOFF_MAX": "0.5", "ANJU_REMINDER_HOURS": "1",
        ]
        var random = SplitMix64(seed: 2026_12_06)
        let output = NSTemporaryDirectory() + "anju-notify-kill-\(getpid()).out"
        defer { unlink(output) }
        var kills = 0
        for _ in 0..<15 {
            let sender = try BackgroundProcess([Self.executable, "notify", "send", "--interval", "0.05"], environment: environment, output: output)
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...150, using: &random)))
            kill(sender.pid, SIGKILL)
            _ = sender.wait()
            kills += 1
            if try town.int("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0 { break }
        }
        // What the killed senders held is taken again once their leases run out.
        try await Task.sleep(for: .milliseconds(1200))
        let last = try BackgroundProcess.run([Self.executable, "notify", "send", "--once"], environment: environment)
        #expect(last.status == 0, "\(last.output)")
        let total = try town.int("SELECT count(*) FROM outbox")
        #expect(total == 150 * 2 * 2)  // offer and reminder, email and webhook
        #expect(try town.int("SELECT count(*) FROM outbox WHERE status = 'sent'") == total)
        let (order, repeats) = try DeliveryTests.arrivals(town, smtp: smtp, hook: hook)
        #expect(order == (try DeliveryTests.outboxOrder(town)))
        print("notify kill test: \(kills) SIGKILLs, \(total) messages, \(repeats) resent under their key (\(String(format: "%.2f", Double(repeats) / Double(max(1, kills)))) per kill)")
    }

    /// The one window in which at-least-once delivery resends: the receiver has accepted a
    /// message and the sender dies before recording it. The receivers hold their first
    /// message open after accepting it, and the test kills the sender right then — once on
    /// each channel — so the resend is certain, not left to a random kill's timing.
    @Test("SIGKILL between the receiver's acceptance and the record: exactly that message again, under its key")
    func killedAfterAcceptance() async throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        try smtp.start(holding: 1)
        try hook.start(holding: 1)
        let town = try DeliveryTests.town("senderheld", applicants: 6)
        try town.runRound("R1")
        let environment = [
            "DATABASE_URL": town.url, "ANJU_CITY": town.city, "ANJU_SMTP_URL": smtp.url, "ANJU_WEBHOOK_URL": hook.url,
            "ANJU_MAIL_FROM": "bureau@anju.test", "ANJU_NOTIFY_LEASE_SECONDS": "1", "ANJU_NOTIFY_BACKOFF_BASE": "0.1",
            "ANJU_NOTIFY_BACKOFF_MAX": "0.5",
            // The sender waits on a held message until it is killed, however late the test
            // gets to it on a loaded machine.
            "ANJU_NOTIFY_TIMEOUT_SECONDS": "600",
        ]
        let output = NSTemporaryDirectory() + "anju-notify-held-\(getpid()).out"
        defer { unlink(output) }
        /// `channel key` of each message a receiver holds (an event's email and webhook share its key).
        func heldKeys() -> [String] {
            [("email", smtp), ("webhook", hook)].flatMap { channel, receiver in
                receiver.printed.split(separator: "\n").filter { $0.hasPrefix("held ") }.map { channel + " " + $0.dropFirst(5) }
            }
        }
        // Each sender runs until a receiver holds a message it accepted, and is killed then.
        // A sender may reach both receivers before the test sees the first hold (it keeps a
        // connection per channel): then one kill covers both, and no second one is needed.
        var kills = 0
        while heldKeys().count < 2 && kills < 2 {
            let before = Set(heldKeys())
            let sender = try BackgroundProcess(
                [Self.executable, "notify", "send", "--interval", "0.05"], environment: environment, output: output)
            let deadline = ContinuousClock.now + .seconds(180)
            while heldKeys().count <= before.count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(heldKeys().count > before.count, "receivers printed: \(smtp.printed) \(hook.printed)")
            Foundation.kill(sender.pid, SIGKILL)
            _ = sender.wait()
            kills += 1
            // Accepted but not recorded: still pending, claimed by the dead sender.
            for key in Set(heldKeys()).subtracting(before) {
                let held = key.split(separator: " ").map(String.init)
                #expect(try town.int(
                    "SELECT count(*) FROM outbox WHERE channel = $1 AND idempotency_key = $2 AND status = 'pending' AND claimed_by IS NOT NULL",
                    held) == 1, "\(key)")
            }
            try await Task.sleep(for: .milliseconds(1100))  // the dead sender's lease runs out
        }
        #expect(heldKeys().count == 2, "receivers printed: \(smtp.printed) \(hook.printed)")
        let last = try BackgroundProcess.run([Self.executable, "notify", "send", "--once"], environment: environment)
        #expect(last.status == 0, "\(last.output)")
        let total = try town.int("SELECT count(*) FROM outbox")
        #expect(total == 6 * 2)
        #expect(try town.int("SELECT count(*) FROM outbox WHERE status = 'sent'") == total)
        let (order, repeats) = try DeliveryTests.arrivals(town, smtp: smtp, hook: hook)
        #expect(order == (try DeliveryTests.outboxOrder(town)))
        // Exactly the two held messages arrived twice, each time under its own key.
        #expect(repeats == 2)
        // An event's email and webhook share its key: count arrivals per channel.
        let arrivals = smtp.received().map { "email " + ($0["key"] ?? "") } + hook.received().map { "webhook " + ($0["key"] ?? "") }
        let twice = Set(arrivals.filter { key in arrivals.filter { $0 == key }.count == 2 })
        #expect(twice == Set(heldKeys()))
        #expect(arrivals.allSatisfy { key in arrivals.filter { $0 == key }.count <= 2 })
        print("notify held-kill test: \(kills) SIGKILL(s) after acceptance, \(repeats) resent, each under its key")
    }
}
