import Foundation
import Harness
import Postgres
import PostgresTestSupport
import Store
import TestSupport
import Testing

/// The sender and the offer expiry as `anju serve` runs them: services beside the server,
/// with no timer and no `anju notify send`.
@Suite("Notifications: the jobs inside anju serve")
struct ServeJobsTests {
    @Test("serve delivers the outbox, expires a late offer and tells of it, and stops on SIGTERM")
    func serveRunsTheJobs() async throws {
        let smtp = try Receiver(.smtp), hook = try Receiver(.webhook)
        try smtp.start()
        try hook.start()
        let town = try DeliveryTests.town("servejobs", applicants: 5)
        try town.runRound("R1")
        try town.connection.query("UPDATE offers SET deadline = now() - interval '1 second' WHERE applicant_id = 'A1'")
        let output = NSTemporaryDirectory() + "anju-serve-jobs-\(getpid()).out"
        defer { unlink(output) }
        let serve = try BackgroundProcess(
            [SenderKillTests.executable, "serve", "--host", "127.0.0.1", "--port", "0", "--city", town.city, "--pool-size", "2"],
            environment: [
                "DATABASE_URL": town.url, "ANJU_SMTP_URL": smtp.url, "ANJU_WEBHOOK_URL": hook.url, "ANJU_MAIL_FROM": "bureau@anju.test",
                "ANJU_NOTIFY_INTERVAL": "0.1", "ANJU_EXPIRY_INTERVAL": "0.2", "SWIFT_BACKTRACE": "enable=no",
            ], output: output)
        defer { serve.stop(gracePeriod: .zero) }
        // Done when A1's offer has expired and nothing is left to send (its expiry message,
        // and the suspension that may follow, included).
        let deadline = ContinuousClock.now + .seconds(60)
        func settled() throws -> Bool {
            try town.int("SELECT count(*) FROM offers WHERE applicant_id = 'A1' AND status = 'expired'") == 1
                && town.int("SELECT count(*) FROM outbox WHERE kind = 'offer_expired'") == 2
                && town.int("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0
        }
        while try !settled(), ContinuousClock.now < deadline, serve.exitStatus() == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try settled(), "serve printed: \(serve.printed)")
        #expect(try town.int("SELECT count(*) FROM outbox WHERE kind = 'offer_made'") == 5 * 2)
        let (order, repeats) = try DeliveryTests.arrivals(town, smtp: smtp, hook: hook)
        #expect(order == (try DeliveryTests.outboxOrder(town)))
        #expect(repeats == 0)
        // The expiry was the service's: audited as its actor.
        #expect(try town.int("SELECT count(*) FROM audit_log WHERE action = 'offer.expire' AND actor = 'system:expiry'") == 1)
        kill(serve.pid, SIGTERM)
        let stopBy = ContinuousClock.now + .seconds(20)
        while serve.exitStatus() == nil, ContinuousClock.now < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(serve.exitStatus() == 0, "serve printed: \(serve.printed)")
        #expect(serve.printed.contains("notify:"))
        #expect(serve.printed.contains("offer-expiry: 1 offer(s) expired"))
        #expect(!serve.printed.contains("@example.test"))  // no address in the log
    }
}
