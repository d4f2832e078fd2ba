import AllocationFiles
import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP API: the bureau, health and metrics")
struct AdminRouteTests {
    @Test("rounds: list, summary with offer counts, results.csv equal to the stored results, the HTML report")
    func rounds() async throws {
        let f = try ServerFixture.make("api_admin_rounds")
        let expectedCSV = String(decoding: ResultsCSV.render(try f.store().results("R1").rows), as: UTF8.self)
        try await f.test { client in
            let admin = bearer(f.adminKey)
            try await client.execute(uri: "/v1/rounds", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let rounds = r.object["rounds"] as? [[String: Any]]
                #expect(rounds?.count == 1)
                #expect(rounds?.first?["round_id"] as? String == "R1")
                #expect(rounds?.first?["status"] as? String == "run")
            }
            try await client.execute(uri: "/v1/rounds/R1", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let summary = r.object["summary"] as? [String: Any]
                #expect(summary?["applicants"] as? Int == 4)
                #expect((r.object["offers"] as? [String: Int])?["offered"] == 2)
                #expect((r.object["round"] as? [String: Any])?["input_digest"] is String)
            }
            try await client.execute(uri: "/v1/rounds/R1/results.csv", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(r.text == expectedCSV)
                #expect(r.text.hasPrefix(ResultsCSV.header))
            }
            try await client.execute(uri: "/v1/rounds/R1/report.html", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(r.text.contains("<html") && r.text.contains("R1"))
            }
            for uri in ["/v1/rounds/NOPE", "/v1/rounds/NOPE/results.csv", "/v1/rounds/NOPE/report.html"] {
                try await client.execute(uri: uri, method: .get, headers: admin) { r in
                    r.expectProblem(.notFound, code: "round_not_found")
                }
            }
            // Only the bureau.
            for headers in [bearer(f.operatorX), applicant("A1", token: f.tokens["A1"]!)] {
                for uri in ["/v1/rounds", "/v1/rounds/R1", "/v1/rounds/R1/results.csv", "/v1/rounds/R1/report.html"] {
                    try await client.execute(uri: uri, method: .get, headers: headers) { r in
                        r.expectProblem(.forbidden, code: "forbidden")
                    }
                }
            }
            try await client.execute(uri: "/v1/rounds", method: .get) { r in
                r.expectProblem(.unauthorized, code: "unauthorized")
            }
        }
    }

    @Test("a draft round has no results: 409")
    func draftRound() async throws {
        let f = try ServerFixture.make("api_admin_draft")
        _ = try f.store().createRound(id: "R2", policy: Array(ServerFixture.policyJSON.utf8))
        try await f.test { client in
            try await client.execute(uri: "/v1/rounds/R2/results.csv", method: .get, headers: bearer(f.adminKey)) { r in
                r.expectProblem(.conflict, code: "round_not_run")
            }
            try await client.execute(uri: "/v1/rounds/R2", method: .get, headers: bearer(f.adminKey)) { r in
                #expect(r.status == .ok)
                #expect((r.object["round"] as? [String: Any])?["status"] as? String == "draft")
            }
        }
    }

    @Test("healthz, readyz, metrics (requests by route pattern, latency, pool, rounds); unknown routes are problems")
    func healthAndMetrics() async throws {
        let f = try ServerFixture.make("api_admin_health")
        try await f.test { client in
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "ready")
            }
            try await client.execute(uri: "/v1/applicants/A1", method: .get, headers: applicant("A1", token: f.tokens["A1"]!)) { _ in }
            try await client.execute(uri: "/no/such/route", method: .get) { r in
                r.expectProblem(.notFound, code: "route_not_found")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = r.text
                #expect(text.contains(#"anju_http_requests_total{method="GET",route="/v1/applicants/{id}",status="200"} 1"#))
                #expect(text.contains(#"anju_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
                #expect(text.contains(#"anju_http_request_duration_seconds_bucket{route="/readyz",le="+Inf"} 1"#))
                #expect(text.contains("anju_db_pool_size 4"))
                #expect(text.contains(#"anju_rounds{status="run"} 1"#))
                #expect(text.contains("anju_database_up 1"))
                #expect(!text.contains("A1"), "no applicant id in metrics")
                // Every sample line is `name{labels} value` or `name value`.
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    #expect(line.split(separator: " ").count == 2, "\(line)")
                }
            }
        }
    }

    @Test("/openapi.yaml is served and names every route")
    func openAPI() async throws {
        let f = try ServerFixture.make("api_admin_openapi", poolSize: 1)
        try await f.test { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text.hasPrefix("openapi: 3.1.0"))
                for path in [
                    "/healthz:", "/readyz:", "/metrics:", "/v1/applicants/{id}:", "/v1/offers/{id}/accept:",
                    "/v1/offers/{id}/decline:", "/v1/operator/slots:", "/v1/operator/slots/{id}/status:", "/v1/rounds:",
                    "/v1/rounds/{id}:", "/v1/rounds/{id}/results.csv:", "/v1/rounds/{id}/report.html:",
                ] {
                    #expect(r.text.contains("\n  \(path)\n"), "\(path)")
                }
            }
        }
    }
}
