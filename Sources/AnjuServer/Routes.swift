import Foundation
import Hummingbird
import Logging
import Store

/// How `anju serve` is set up.
public struct ServerConfiguration: Sendable {
    /// A `postgresql://` URL or conninfo ("" uses the `PG*` environment).
    public var databaseURL: String
    public var city: String
    public var host: String
    public var port: Int
    /// Connections (and database threads) at most.
    public var poolSize: Int
    /// How long a request waits for a free connection before a 503.
    public var acquireTimeout: Duration

    /// Twice the processor count (at least 2): enough connections to keep the database busy
    /// while others wait on the network, few enough that threads do not crowd the cores —
    /// on this project's 2-core machines, 8 connections gave up to 8% more lookups per
    /// second than 4 but 1.4-4× their p99 latency (BENCHMARKS.md).
    public static var defaultPoolSize: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    public init(
        databaseURL: String, city: String = "default", host: String = "127.0.0.1", port: Int = 8080,
        poolSize: Int = ServerConfiguration.defaultPoolSize,
        acquireTimeout: Duration = .seconds(5)
    ) {
        self.databaseURL = databaseURL
        self.city = city
        self.host = host
        self.port = port
        self.poolSize = poolSize
        self.acquireTimeout = acquireTimeout
    }
}

/// The API's routes over a connection pool. `router()` is the seam tests call; `application`
/// adds the listening address for `anju serve`.
public struct Routes: Sendable {
    /// Largest request body accepted; larger is 413.
    public static let maxBodyBytes = 64 * 1024

    public let pool: ConnectionPool<DatabaseSession>
    public let metrics: ServerMetrics
    public let logger: Logger

    public init(pool: ConnectionPool<DatabaseSession>, metrics: ServerMetrics = ServerMetrics(), logger: Logger) {
        self.pool = pool
        self.metrics = metrics
        self.logger = logger
    }

    /// A pool of `configuration.poolSize` sessions on the configured database and city.
    public static func makePool(_ configuration: ServerConfiguration) -> ConnectionPool<DatabaseSession> {
        let url = configuration.databaseURL
        let city = configuration.city
        return ConnectionPool(size: configuration.poolSize, acquireTimeout: configuration.acquireTimeout) {
            try DatabaseSession(url: url, city: city)
        }
    }

    /// Every route, behind the problem/metrics/log middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestObserver(metrics: metrics, logger: logger))
        addHealth(to: router)
        addApplicantRoutes(to: router)
        addOperatorRoutes(to: router)
        addAdminRoutes(to: router)
        addDocuments(to: router)
        addStatusPage(to: router)
        router.answerOtherMethodsWith405()
        return router
    }

    /// The application `anju serve` runs (`runService()` stops it on SIGTERM/SIGINT).
    public func application(_ configuration: ServerConfiguration) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "anju"),
            logger: logger)
    }

    /// Runs `body` with the caller's verified credentials and a session, on a pool thread.
    func authenticated<T: Sendable>(
        _ request: Request, _ body: @escaping @Sendable (Caller, DatabaseSession) throws -> T
    ) async throws -> T {
        try await authenticated(try PresentedCredentials(from: request), body)
    }

    /// `authenticated(_:_:)` for credentials already read from the request.
    func authenticated<T: Sendable>(
        _ presented: PresentedCredentials, _ body: @escaping @Sendable (Caller, DatabaseSession) throws -> T
    ) async throws -> T {
        try await pool.withConnection { session in
            try body(try presented.verify(in: session), session)
        }
    }

    // MARK: Health and metrics

    private func addHealth(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            JSONBody.response(["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            do {
                try await pool.withConnection { session in try session.reader.checkReachable() }
                return JSONBody.response(["status": "ready"])
            } catch {
                throw Problem.unavailable("not_ready", "the database cannot be reached")
            }
        }
        router.get("/metrics") { _, _ in
            let rounds = await pool.withConnectionOrNil { session in try session.reader.roundCountsByStatus() }
            let text = metrics.render(pool: pool.statistics, roundsByStatus: rounds)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

extension ConnectionPool {
    /// `withConnection`, or nil on any failure (for best-effort figures).
    func withConnectionOrNil<T: Sendable>(_ body: @escaping @Sendable (Resource) throws -> T) async -> T? {
        try? await withConnection(body)
    }
}

/// A path parameter that is an offer id; anything else is answered like an unknown offer.
func offerID(_ context: some RequestContext) throws -> Int64 {
    guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
        throw Problem.notFound("offer_not_found", "no such offer")
    }
    return id
}
