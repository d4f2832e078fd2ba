import Hummingbird
import Logging
import Notifications
import ServiceLifecycle
import Store

/// The API as `anju serve` runs it and as the tests call it (`app.test(.router)`): the
/// router over a pool of `configuration.poolSize` database sessions, with the pool a service
/// of the application. Its service group starts the pool first and, on SIGTERM or SIGINT
/// (or at the end of a test), stops it last: after the server has answered the requests it
/// had accepted.
///
/// - Parameter beforeServing: runs once the pool is up, before the server listens (`anju
///   serve` checks the database with it); an error it throws stops the application and is
///   rethrown by `run()`/`runService()`.
public func buildApplication(
    _ configuration: ServerConfiguration, logger: Logger,
    beforeServing: @escaping @Sendable (ConnectionPool<DatabaseSession>) async throws -> Void = { _ in }
) -> Application<RouterResponder<AnjuRequestContext>> {
    let pool = ConnectionPool<DatabaseSession>.sessions(configuration)
    let standings = StandingCache()
    let router = buildRouter(
        pool: pool, metrics: ServerMetrics(), logger: logger, identityKey: configuration.identityKey,
        rateLimit: configuration.rateLimit, standings: standings)
    var warmer: [any Service] = []
    if let interval = configuration.standingWarmInterval {
        warmer.append(StandingWarmer(cache: standings, pool: pool, interval: interval, logger: logger))
    }
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "anju"),
        services: [pool] + backgroundJobs(configuration, logger: logger) + warmer,
        logger: logger)
    app.beforeServerStarts { try await beforeServing(pool) }
    return app
}

/// The jobs that run beside the server: the notification sender (when a channel is
/// configured) and the offer expiry (when an interval is), each with its own connection.
func backgroundJobs(_ configuration: ServerConfiguration, logger: Logger) -> [any Service] {
    var jobs: [any Service] = []
    if let notifier = configuration.notifier, !notifier.channels.isEmpty {
        let sender = NotificationSender(configuration: notifier)
        jobs.append(
            BackgroundJobService(
                name: "notify", interval: configuration.notifyInterval, databaseURL: configuration.databaseURL,
                city: configuration.city, actor: "system:notify", logger: logger
            ) { store in
                let report = try sender.sendDue(store)
                guard report.claimed > 0 else { return nil }
                return "\(report.sent) sent, \(report.retrying) to retry, \(report.refused) refused, \(report.cancelled) cancelled"
            })
    }
    if let interval = configuration.expiryInterval {
        jobs.append(
            BackgroundJobService(
                name: "offer-expiry", interval: interval, databaseURL: configuration.databaseURL, city: configuration.city,
                actor: "system:expiry", logger: logger
            ) { store in
                let expired = try store.expireDue()
                return expired == 0 ? nil : "\(expired) offer(s) expired"
            })
    }
    return jobs
}

/// Every route, grouped by audience, behind the problem/metrics/log middleware and the rate
/// limit (which covers `rateLimit.routes` among the routes added after it — every route,
/// including ones added later, e.g. `POST /apply`); the 405 answer for known paths goes
/// last, since it covers the routes added before it.
func buildRouter(
    pool: ConnectionPool<DatabaseSession>, metrics: ServerMetrics, logger: Logger, identityKey: IdentityKey? = nil,
    rateLimit: RateLimit = .off, standings: StandingCache = StandingCache()
) -> Router<AnjuRequestContext> {
    let router = Router(context: AnjuRequestContext.self)
    router.add(middleware: RequestObserver(metrics: metrics, logger: logger))
    if rateLimit.isOn {
        router.add(middleware: RateLimitMiddleware<AnjuRequestContext>(limiter: RateLimiter(rateLimit), metrics: metrics))
    }
    MonitoringController(pool: pool, metrics: metrics).addRoutes(to: router)
    ApplicantController(pool: pool, standings: standings).addRoutes(to: router)
    OperatorController(pool: pool).addRoutes(to: router)
    BureauController(pool: pool).addRoutes(to: router)
    ApplicationController(pool: pool, identityKey: identityKey).addRoutes(to: router)
    ReviewController(pool: pool).addRoutes(to: router)
    AppealController(pool: pool).addRoutes(to: router)
    ObjectionController(pool: pool).addRoutes(to: router)
    NotificationController(pool: pool).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    NoticePageController(pool: pool).addRoutes(to: router)
    let statusPage = StatusPageController(pool: pool, logger: logger, standings: standings)
    statusPage.addRoutes(to: router)
    ApplicationPageController(pool: pool, identityKey: identityKey, statusPage: statusPage).addRoutes(to: router)
    let filing = StatusPageFiling(pool: pool, statusPage: statusPage)
    AppealPageController(filing: filing).addRoutes(to: router)
    ObjectionPageController(filing: filing).addRoutes(to: router)
    router.answerOtherMethodsWith405()
    return router
}
