import Foundation
import Synchronization

/// Request counters and latency histograms by route pattern, rendered in the Prometheus
/// text exposition format (version 0.0.4). Route patterns, methods and statuses only: no
/// ids, so the series stay few and say nothing about anyone.
public final class ServerMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram's buckets.
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one finished request.
    public func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            if let bucket = Self.buckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[bucket] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.latency[route] = histogram
        }
    }

    /// The exposition text: requests, latency, pool and (when the database answered) rounds
    /// by status.
    public func render(pool: PoolStatistics, roundsByStatus: [String: Int]?) -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP anju_http_requests_total HTTP requests answered, by method, route pattern and status.\n"
        out += "# TYPE anju_http_requests_total counter\n"
        for key in snapshot.requests.keys.sorted(by: { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }) {
            out += "anju_http_requests_total{method=\"\(Self.escaped(key.method))\",route=\"\(Self.escaped(key.route))\",status=\"\(key.status)\"} \(snapshot.requests[key]!)\n"
        }
        out += "# HELP anju_http_request_duration_seconds Time to answer a request, by route pattern.\n"
        out += "# TYPE anju_http_request_duration_seconds histogram\n"
        for route in snapshot.latency.keys.sorted() {
            let histogram = snapshot.latency[route]!
            let label = "route=\"\(Self.escaped(route))\""
            var cumulative = 0
            for (bound, count) in zip(Self.buckets, histogram.counts) {
                cumulative += count
                out += "anju_http_request_duration_seconds_bucket{\(label),le=\"\(Self.number(bound))\"} \(cumulative)\n"
            }
            out += "anju_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)\n"
            out += "anju_http_request_duration_seconds_sum{\(label)} \(Self.number(histogram.sum))\n"
            out += "anju_http_request_duration_seconds_count{\(label)} \(histogram.count)\n"
        }
        let gauges: [(String, String, Int)] = [
            ("anju_db_pool_size", "Connections the pool may hold.", pool.size),
            ("anju_db_pool_in_use", "Connections lent to requests now.", pool.inUse),
            ("anju_db_pool_idle", "Open connections waiting for a request.", pool.idle),
            ("anju_db_pool_waiting", "Requests waiting for a connection now.", pool.waiting),
        ]
        for (name, help, value) in gauges {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(value)\n"
        }
        let counters: [(String, String, Int)] = [
            ("anju_db_pool_waits_total", "Requests that had to wait for a connection.", pool.waits),
            ("anju_db_pool_timeouts_total", "Requests that gave up waiting for a connection (503).", pool.timeouts),
            ("anju_db_connections_opened_total", "Connections opened.", pool.opened),
            ("anju_db_connections_discarded_total", "Connections closed because they broke.", pool.discarded),
        ]
        for (name, help, value) in counters {
            out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
        }
        out += "# HELP anju_database_up Whether the last scrape reached the database.\n# TYPE anju_database_up gauge\n"
        out += "anju_database_up \(roundsByStatus == nil ? 0 : 1)\n"
        if let roundsByStatus {
            out += "# HELP anju_rounds The city's allocation rounds, by status.\n# TYPE anju_rounds gauge\n"
            for status in ["draft", "run", "published", "closed", "cancelled"] {
                out += "anju_rounds{status=\"\(status)\"} \(roundsByStatus[status] ?? 0)\n"
            }
        }
        return out
    }

    /// A label value with `\`, `"` and newlines escaped as the format requires.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
