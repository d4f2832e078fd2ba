import Hummingbird

/// How submissions are limited per client address (`RateLimitMiddleware`).
///
/// The defaults — 10 a minute, a burst of 10, per IPv4 address or IPv6 /64 — let one
/// person submit an application, correct it a few times after a 422, sign in to the status
/// page and answer an offer, all within a minute, and let a shared address (an employer's
/// office helping its workers apply, a campus or carrier-grade NAT) keep submitting one
/// every 6 seconds, 600 an hour; a flood from one address is held to the same, against a
/// server that takes hundreds a second (BENCHMARKS.md, `anju bench apply`).
public struct RateLimit: Sendable, Equatable {
    /// One limited route: a method and a route pattern as registered (`/status/accept`).
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: HTTPRequest.Method
        public var path: String
        public init(_ method: HTTPRequest.Method, _ path: String) {
            self.method = method
            self.path = path
        }
        public var description: String { "\(method.rawValue) \(path)" }
    }

    /// Submissions: applications (JSON and the HTML form), and the status page's sign-in and
    /// answers, whose tokens could otherwise be tried at the server's full speed.
    public static let submissionRoutes: Set<Route> = [
        Route(.post, "/v1/applications"), Route(.post, "/apply"),
        Route(.post, "/status"), Route(.post, "/status/accept"), Route(.post, "/status/decline"),
        // The status page's change and withdraw forms check id and token too.
        Route(.post, "/status/details"), Route(.post, "/status/update"), Route(.post, "/status/withdraw"),
        Route(.post, "/status/appeal"), Route(.post, "/status/objection"),
    ]

    /// Tokens refilled per minute per client; 0 turns the limit off.
    public var perMinute: Double
    /// Requests a client may send at once before the rate applies (the bucket's size).
    public var burst: Int
    /// Clients tracked at most (the least recently seen are forgotten first).
    public var maxClients: Int
    /// The routes limited; any other route is not.
    public var routes: Set<Route>
    /// Peers whose `X-Real-IP` header names the client (the reverse proxy); a request from
    /// any other peer is counted against the peer itself.
    public var trustedProxies: [AddressRange]

    public init(
        perMinute: Double = 10, burst: Int = 10, maxClients: Int = 100_000, routes: Set<Route> = RateLimit.submissionRoutes,
        trustedProxies: [AddressRange] = AddressRange.loopback
    ) {
        self.perMinute = perMinute
        self.burst = burst
        self.maxClients = maxClients
        self.routes = routes
        self.trustedProxies = trustedProxies
    }

    /// No limit at all (benchmarks of the server's own capacity).
    public static let off = RateLimit(perMinute: 0)

    public var isOn: Bool { perMinute > 0 && !routes.isEmpty }
}
