import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The rate limit in the real application over real TCP (`.live`: the peer is 127.0.0.1, a
/// trusted proxy by default, so `X-Real-IP` names the client as nginx would): a flood from
/// one address is refused before anything is read or written, other addresses are served,
/// and every application answered 201 is stored — no more, no fewer.
@Suite("Rate limit: through the application")
struct RateLimitRouteTests {
    /// A valid application; `n` makes the person (identity number, phone) unique.
    static func application(_ n: Int) -> ByteBuffer {
        ByteBuffer(
            string: """
                {"category": "general", "household_size": 1, "gender": "female", "birth_date": "1990-01-0\(n % 9 + 1)",
                 "monthly_income": 6000, "work_lat": 31.23, "work_lon": 121.47, "work_district": "Huangpu", "needs_accessible": false,
                 "name": "Rate Test \(n)", "phone": "1380000\(String(format: "%04d", n))", "identity_number": "RL\(String(format: "%08d", n))"}
                """)
    }

    static func json(_ client: String) -> HTTPFields {
        [.contentType: "application/json", .acceptLanguage: "en", HTTPFields.Element.Name("X-Real-IP")!: client]
    }

    func applications(_ fixture: ServerFixture) throws -> Int {
        Int(try fixture.connection.query("SELECT count(*) FROM applicants WHERE city = 'c1' AND source = 'application'").first?[0] ?? "") ?? -1
    }

    @Test("a flood from one address: the burst gets 201, the rest 429 rate_limited with Retry-After; another address still gets 201; stored = 201s")
    func flood() async throws {
        let fixture = try ServerFixture.make("ratelimit_flood")
        var configuration = fixture.configuration
        configuration.port = 0
        // One token a minute: on a loaded machine the 24 requests once took over the 10 s a
        // faster rate refills in, and a fourth got through.
        configuration.rateLimit = RateLimit(perMinute: 1, burst: 3)
        let before = try applications(fixture)
        try await buildApplication(configuration, logger: quietLogger()).test(.live) { client in
            // 24 at once from one address.
            let statuses = try await withThrowingTaskGroup(of: (Int, String?, String).self) { group in
                for i in 0..<24 {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/applications", method: .post, headers: Self.json("203.0.113.7"), body: Self.application(i)
                        ) { r in
                            (Int(r.status.code), r.headers[.retryAfter], String(buffer: r.body))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = statuses.filter { $0.0 == 201 }
            let limited = statuses.filter { $0.0 == 429 }
            #expect(created.count == 3, "the burst: \(statuses.map(\.0))")
            #expect(limited.count == 21)
            for (_, retryAfter, body) in limited {
                // 6 a minute: a token every 10 s.
                #expect(retryAfter.flatMap { Int($0) }.map { (1...60).contains($0) } == true, "\(retryAfter ?? "no Retry-After")")
                #expect(body.contains(#""code":"rate_limited""#) && body.contains(#""status":429"#), "\(body)")
            }
            // Refused before the body is read: a body the route would answer 400 is 429 too.
            try await client.execute(
                uri: "/v1/applications", method: .post, headers: Self.json("203.0.113.7"), body: ByteBuffer(string: "{not json")
            ) { r in
                #expect(r.status == .tooManyRequests)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            // Other addresses have their own buckets, an IPv6 client its /64's.
            try await client.execute(
                uri: "/v1/applications", method: .post, headers: Self.json("198.51.100.20"), body: Self.application(100)
            ) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
            }
            for (i, address) in ["2001:db8:7:7::1", "2001:db8:7:7::2", "2001:db8:7:7:ffff::3"].enumerated() {
                try await client.execute(
                    uri: "/v1/applications", method: .post, headers: Self.json(address), body: Self.application(200 + i)
                ) { r in #expect(r.status == .created, "\(address)") }
            }
            try await client.execute(
                uri: "/v1/applications", method: .post, headers: Self.json("2001:db8:7:7::4"), body: Self.application(210)
            ) { r in #expect(r.status == .tooManyRequests, "a fourth address of the same /64") }
            // Routes not limited are not: reading the workplace list from the flooded address.
            try await client.execute(uri: "/v1/workplace-sites", method: .get, headers: Self.json("203.0.113.7")) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains(#"anju_rate_limited_total{route="/v1/applications"} 23"#), "\(text.split(separator: "\n").filter { $0.contains("rate_limited") })")
            }
        }
        // Nothing accepted was lost, nothing refused was written: 3 + 1 + 3 applications.
        #expect(try applications(fixture) - before == 7)
    }

    @Test("the status page's sign-in is limited too; X-Real-IP from a peer that is not a trusted proxy is ignored")
    func untrustedPeer() async throws {
        let fixture = try ServerFixture.make("ratelimit_peer")
        var configuration = fixture.configuration
        configuration.port = 0
        configuration.rateLimit = RateLimit(perMinute: 1, burst: 2, trustedProxies: [])
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await buildApplication(configuration, logger: quietLogger()).test(.live) { client in
            var statuses: [Int] = []
            for i in 0..<3 {
                var headers = form
                headers[HTTPFields.Element.Name("X-Real-IP")!] = "192.0.2.\(i + 1)"
                let body = ByteBuffer(string: "applicant_id=A1&token=\(fixture.tokens["A1"] ?? "")")
                statuses.append(try await client.execute(uri: "/status", method: .post, headers: headers, body: body) { Int($0.status.code) })
            }
            // Every request is 127.0.0.1's, whatever the header says.
            #expect(statuses == [200, 200, 429])
        }
    }

    @Test("RateLimit.off and --rate-limit 0: no limit at all")
    func off() async throws {
        let fixture = try ServerFixture.make("ratelimit_off")
        var configuration = fixture.configuration
        configuration.port = 0
        configuration.rateLimit = .off
        #expect(!RateLimit.off.isOn && RateLimit().isOn)
        try await buildApplication(configuration, logger: quietLogger()).test(.live) { client in
            for _ in 0..<15 {
                try await client.execute(
                    uri: "/status", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "applicant_id=A1&token=wrong")
                ) { #expect($0.status == .unauthorized) }
            }
        }
    }
}
