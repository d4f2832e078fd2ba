import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP API: notifications (bureau) and the jobs beside the server")
struct NotificationRouteTests {
    @Test("GET /v1/notifications lists the outbox by applicant and status for admins; /metrics counts it")
    func list() async throws {
        let f = try ServerFixture.make("api_notifications")
        for id in f.offered {
            try f.connection.query(
                "INSERT INTO applicant_contacts (city, applicant_id, name, email) VALUES ('c1', $1, 'Someone', $2)",
                [id, "\(id.lowercased())@example.test"])
        }
        try f.connection.query("UPDATE offers SET deadline = now() + interval '10 minutes'")
        #expect(try f.store().queueReminders(within: 3600) == 2)
        let first = f.offered[0]
        try await f.test { client in
            let admin = bearer(f.adminKey)
            try await client.execute(uri: "/v1/notifications", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let list = r.object["notifications"] as? [[String: Any]]
                #expect(list?.count == 2)
                #expect(list?.allSatisfy { $0["kind"] as? String == "offer_reminder" && $0["status"] as? String == "pending" } == true)
                #expect(list?.allSatisfy { ($0["idempotency_key"] as? String)?.hasPrefix("anju-c1-reminder-") == true } == true)
                #expect((r.object["counts"] as? [String: Int])?["pending"] == 2)
                #expect(!r.text.contains("@example.test"))  // ids and states, no addresses
            }
            try await client.execute(uri: "/v1/notifications?applicant=\(first)&round=R1", method: .get, headers: admin) { r in
                #expect((r.object["notifications"] as? [[String: Any]])?.map { $0["applicant_id"] as? String } == [first])
            }
            try await client.execute(uri: "/v1/notifications?status=sent", method: .get, headers: admin) { r in
                #expect((r.object["notifications"] as? [[String: Any]])?.isEmpty == true)
            }
            try await client.execute(uri: "/v1/notifications?status=lost", method: .get, headers: admin) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_argument")
            }
            try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(f.operatorX)) { r in
                r.expectProblem(.forbidden, code: "forbidden")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.text.contains(#"anju_notifications{status="pending"} 2"#))
                #expect(r.text.contains(#"anju_notifications{status="sent"} 0"#))
            }
        }
    }

    @Test("the offer-expiry service expires due offers while the server runs")
    func expiryService() async throws {
        let f = try ServerFixture.make("api_expiry_service")
        var configuration = f.configuration
        configuration.expiryInterval = .milliseconds(100)
        let first = f.offered[0]
        try f.connection.query("UPDATE offers SET deadline = now() - interval '1 second' WHERE applicant_id = $1", [first])
        try await testApplication(configuration) { _ in
            let deadline = ContinuousClock.now + .seconds(20)
            while try f.connection.query("SELECT 1 FROM offers WHERE status = 'expired'").isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(try f.connection.query("SELECT applicant_id FROM offers WHERE status = 'expired'").map { $0[0] } == [first])
        #expect(try f.connection.query("SELECT actor FROM audit_log WHERE action = 'offer.expire'").map { $0[0] } == ["system:expiry"])
    }
}
