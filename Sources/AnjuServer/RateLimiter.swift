import Hummingbird
import NIOCore
import Synchronization

/// The rate limit's state: the bucket table behind a lock (each decision is a few dozen
/// nanoseconds of arithmetic, so one lock serves every event loop), and a monotonic clock.
final class RateLimiter: Sendable {
    let limit: RateLimit
    private let buckets: Mutex<TokenBuckets>
    private let now: @Sendable () -> Double

    /// - Parameter now: seconds on a monotonic clock (tests pass their own).
    init(_ limit: RateLimit, now: (@Sendable () -> Double)? = nil) {
        self.limit = limit
        buckets = Mutex(
            TokenBuckets(burst: max(1, limit.burst), perSecond: max(limit.perMinute, 1e-9) / 60, maxClients: max(1, limit.maxClients)))
        if let now {
            self.now = now
        } else {
            let start = ContinuousClock.now
            self.now = {
                let d = ContinuousClock.now - start
                return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
        }
    }

    /// The client a request is counted against: the `X-Real-IP` a trusted proxy set, else
    /// the peer. nil when there is no peer address (only the in-process router test client
    /// has none; every TCP connection has one).
    func client(peer: SocketAddress?, headers: HTTPFields) -> ClientAddress? {
        guard let peer else { return nil }
        if limit.trustedProxies.contains(where: { $0.contains(peer) }),
            let forwarded = headers[values: Self.realIP].last, let client = ClientAddress(text: forwarded)
        {
            return client
        }
        return ClientAddress(peer)
    }

    /// `X-Real-IP`, set by deploy/nginx/anju.conf to the client's address.
    static let realIP = HTTPFields.Element.Name("X-Real-IP")!

    func take(_ client: ClientAddress) -> TokenBuckets.Decision {
        let t = now()
        return buckets.withLock { $0.take(client, now: t) }
    }

    /// Buckets held now (for tests and diagnostics).
    var clients: Int { buckets.withLock { $0.count } }
}


/// Refuses a limited route's request over its client's rate with 429 `rate_limited` and
/// `Retry-After`, before the handler runs: the body is never read, nothing is written.
/// Added to the router before the routes, so it wraps every route added after it and sees
/// the matched route pattern (a path with a trailing slash is the same route).
struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = RateLimit.Route(request.method, context.endpointPath ?? request.uri.path)
        guard limiter.limit.routes.contains(route),
            let client = limiter.client(peer: context.remoteAddress, headers: request.headers)
        else { return try await next(request, context) }
        switch limiter.take(client) {
        case .allowed:
            return try await next(request, context)
        case .limited(let seconds):
            metrics.countRateLimited(route: route.path)
            throw Problem.rateLimited(retryAfter: seconds)
        }
    }
}

extension Problem {
    /// 429: this address sent more than its share; `Retry-After` says when one more is taken.
    static func rateLimited(retryAfter seconds: Int) -> Problem {
        var problem = Problem(
            .tooManyRequests, code: "rate_limited", title: "Too many requests",
            detail: "too many submissions from this address; try again in \(seconds) s")
        problem.headers[.retryAfter] = String(seconds)
        return problem
    }
}
