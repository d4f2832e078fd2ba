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
}
