import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The bureau's list routes read `status` and `limit` one way (`ListQuery`): every route
/// takes 1 and 10,000, refuses 0, 10,001 and what is not a whole number with 422
/// `invalid_argument`, and (where states are listed) takes `all`.
@Suite("HTTP API: the list routes' query")
struct ListQueryRouteTests {
    @Test("limit and status at their edges on every admin list route")
    func edges() async throws {
        let f = try ServerFixture.make("list_query")
        let admin = bearer(f.adminKey)
        let routes = ["/v1/appeals", "/v1/objections", "/v1/applications", "/v1/notifications"]
        try await f.test { client in
            for route in routes {
                for limit in ["1", "10000"] {
                    try await client.execute(uri: "\(route)?limit=\(limit)", method: .get, headers: admin) { r in
                        #expect(r.status == .ok, "\(route)?limit=\(limit)")
                    }
                }
                for limit in ["0", "10001", "-1", "ten", "1e3", "", "99999999999999999999"] {
                    try await client.execute(uri: "\(route)?limit=\(limit)", method: .get, headers: admin) { r in
                        r.expectProblem(.unprocessableContent, code: "invalid_argument")
                    }
                }
                try await client.execute(uri: "\(route)?status=nonsense", method: .get, headers: admin) { r in
                    r.expectProblem(.unprocessableContent, code: "invalid_argument")
                }
            }
            for route in routes.dropLast() {
                try await client.execute(uri: "\(route)?status=all", method: .get, headers: admin) { r in
                    #expect(r.status == .ok, "\(route)?status=all")
                }
            }
        }
    }
}
