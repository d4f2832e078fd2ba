import CoreMetrics
import Prometheus
import Store
import Synchronization

/// Request counters and latency histograms by route pattern, the pool's figures and the
/// city's rounds, recorded through the swift-metrics API into a Prometheus registry that
/// this object owns, and rendered by swift-prometheus in the text exposition format.
///
/// One registry per application, passed explicitly, never `MetricsSystem.bootstrap`: that is
/// once per process, so tests running applications in parallel would count into one another.
/// Route patterns, methods and statuses only: no ids, so the series stay few and say nothing
/// about anyone.
public final class ServerMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram's buckets.
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    static let requests = "anju_http_requests_total"
    static let latency = "anju_http_request_duration_seconds"
    static let rateLimited = "anju_rate_limited_total"
    static let roundStatuses = ["draft", "run", "published", "closed", "cancelled"]

    /// The pool's gauges (name, help, reading) as `/metrics` shows them.
    private static let poolGauges: [(String, String, @Sendable (PoolStatistics) -> Int)] = [
        ("anju_db_pool_size", "Connections the pool may hold.", { $0.size }),
        ("anju_db_pool_in_use", "Connections lent to requests now.", { $0.inUse }),
        ("anju_db_pool_idle", "Open connections waiting for a request.", { $0.idle }),
        ("anju_db_pool_waiting", "Requests waiting for a connection now.", { $0.waiting }),
    ]

    /// The pool's counters: running totals the pool keeps itself.
    private static let poolCounters: [(String, String, @Sendable (PoolStatistics) -> Int)] = [
        ("anju_db_pool_waits_total", "Requests that had to wait for a connection.", { $0.waits }),
        ("anju_db_pool_timeouts_total", "Requests that gave up waiting for a connection (503).", { $0.timeouts }),
        ("anju_db_connections_opened_total", "Connections opened.", { $0.opened }),
        ("anju_db_connections_discarded_total", "Connections closed because they broke.", { $0.discarded }),
    ]

    private static let help: [String: String] = {
        var help = [
            requests: "HTTP requests answered, by method, route pattern and status.",
            latency: "Time to answer a request, by route pattern.",
            "anju_database_up": "Whether the last scrape reached the database.",
            "anju_rounds": "The city's allocation rounds, by status.",
            "anju_notifications": "Messages to applicants in the outbox, by status (pending, sent, failed).",
            rateLimited: "Requests refused with 429 rate_limited, by route pattern.",
        ]
        for (name, text, _) in poolGauges + poolCounters { help[name] = text }
        return help
    }()

    private let registry = PrometheusCollectorRegistry()
    private let factory: DescribedMetricsFactory
    /// The pool's totals as last reported: a Prometheus counter only goes up by increments,
    /// so each scrape adds what the pool counted since the one before. Held for the whole
    /// scrape, so concurrent scrapes neither count twice nor show each other's half-updates.
    private let reported = Mutex([String: Int]())

    public init() {
        factory = DescribedMetricsFactory(
            registry: registry, help: Self.help,
            buckets: Self.buckets.map { .microseconds(Int64(($0 * 1_000_000).rounded())) })
    }

    /// Counts one finished request.
    public func record(method: String, route: String, status: Int, seconds: Double) {
        let (counter, timer) = handlers(method: method, route: route, status: status)
        counter.increment()
        timer.recordNanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// Counts one request refused by the rate limit (beside its 429 in the request counter:
    /// this one is what an alert on floods watches).
    public func countRateLimited(route: String) {
        let counter = rateLimitedCounters.withLock { counters in
            if let made = counters[route] { return made }
            let made = CoreMetrics.Counter(label: Self.rateLimited, dimensions: [("route", route)], factory: factory)
            counters[route] = made
            return made
        }
        counter.increment()
    }

    private let rateLimitedCounters = Mutex([String: CoreMetrics.Counter]())

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    /// The counter and timer of one method, route and status, made once: making them looks
    /// the series up in the registry (names and labels checked, labels hashed, a lock), which
    /// measured 20× the cost of counting (debug build), on every request.
    private let requestHandlers = Mutex([RequestKey: (CoreMetrics.Counter, CoreMetrics.Timer)]())

    private func handlers(method: String, route: String, status: Int) -> (CoreMetrics.Counter, CoreMetrics.Timer) {
        let key = RequestKey(method: method, route: route, status: status)
        if let made = requestHandlers.withLock({ $0[key] }) { return made }
        let made = (
            CoreMetrics.Counter(
                label: Self.requests, dimensions: [("method", method), ("route", route), ("status", String(status))],
                factory: factory),
            CoreMetrics.Timer(label: Self.latency, dimensions: [("route", route)], factory: factory)
        )
        return requestHandlers.withLock { handlers in
            if let earlier = handlers[key] { return earlier }
            handlers[key] = made
            return made
        }
    }

    /// The exposition text: requests, latency, pool and (when the database answered) rounds
    /// by status.
    public func render(pool: PoolStatistics, roundsByStatus: [String: Int]?, messagesByStatus: [String: Int]? = nil) -> String {
        reported.withLock { reported in
            for (name, _, reading) in Self.poolGauges {
                CoreMetrics.Gauge(label: name, factory: factory).record(reading(pool))
            }
            for (name, _, reading) in Self.poolCounters {
                let total = reading(pool)
                let counter = CoreMetrics.Counter(label: name, factory: factory)
                if total > reported[name, default: 0] {
                    counter.increment(by: total - reported[name, default: 0])
                    reported[name] = total
                }
            }
            CoreMetrics.Gauge(label: "anju_database_up", factory: factory).record(roundsByStatus == nil ? 0 : 1)
            for status in Self.roundStatuses {
                let gauge = CoreMetrics.Gauge(label: "anju_rounds", dimensions: [("status", status)], factory: factory)
                if let roundsByStatus {
                    gauge.record(roundsByStatus[status] ?? 0)
                } else {
                    // Unknown while the database is down: left out rather than shown stale.
                    gauge.destroy()
                }
            }
            for status in Store.messageStatuses {
                let gauge = CoreMetrics.Gauge(label: "anju_notifications", dimensions: [("status", status)], factory: factory)
                if let messagesByStatus { gauge.record(messagesByStatus[status] ?? 0) } else { gauge.destroy() }
            }
            return registry.emitToString()
        }
    }
}
