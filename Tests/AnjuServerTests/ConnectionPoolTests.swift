import AnjuServer
import Dispatch
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import PostgresTestSupport
import Synchronization
import Testing

@Suite("HTTP API: connection pool and outages")
struct ConnectionPoolTests {
    @Test("a database that cannot be reached: readyz and every data route answer 503 problems; healthz stays 200")
    func databaseDown() async throws {
        // A port nothing listens on (bound, then closed).
        let url = "postgresql://anju@127.0.0.1:1/anju?connect_timeout=2"
        let configuration = ServerConfiguration(databaseURL: url, city: "c1", poolSize: 2, acquireTimeout: .seconds(2))
        try await testApplication(configuration) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { r in
                r.expectProblem(.serviceUnavailable, code: "not_ready")
                #expect(r.headers[.retryAfter] != nil)
            }
            try await client.execute(uri: "/v1/rounds", method: .get, headers: bearer("ak_1_" + String(repeating: "a", count: 64))) { r in
                r.expectProblem(.serviceUnavailable, code: "database_unavailable")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("anju_database_up 0"))
            }
        }
    }

    @Test("connections killed under the pool (as by a restart) are replaced: one 503 at most, then service resumes")
    func recoversFromKilledConnections() async throws {
        let f = try ServerFixture.make("api_pool_recover", poolSize: 2)
        let database = try f.connection.query("SELECT current_database()").first?[0] ?? ""
        try await f.test { client in
            let headers = applicant("A5", token: f.tokens["A5"]!)
            for _ in 0..<4 {
                try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: headers) { r in #expect(r.status == .ok) }
            }
            let killed = try f.connection.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                [database]
            ).first?[0]
            #expect(killed != "0")
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: headers) { r in
                    statuses.append(r.status)
                    if r.status != .ok { r.expectProblem(.serviceUnavailable, code: "database_unavailable") }
                }
            }
            #expect(statuses.filter { $0 != .ok }.count <= 1, "\(statuses)")
            #expect(statuses.suffix(3).allSatisfy { $0 == .ok }, "\(statuses)")
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(!r.text.contains("anju_db_connections_discarded_total 0"))
            }
        }
    }

    @Test("a full pool makes callers wait; past the acquire timeout they get PoolError.timedOut (503)")
    func timeout() async throws {
        let (connection, url) = try TestDatabase.migratedWithURL("api_pool_timeout")
        _ = connection
        let pool = ConnectionPool(size: 1, acquireTimeout: .milliseconds(200)) { try PlainSession(url: url) }
        // Wait until the slow caller holds the only connection (not a fixed sleep: connecting
        // can take longer than any guess on a busy machine).
        // It keeps the connection until the test lets go, so the second caller's timeout
        // is the only clock involved, however slow the machine.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        async let slow: Void = pool.withConnection { session in
            holding.yield()
            release.wait()
            _ = try session.connection.query("SELECT 1")
        }
        var heldIterator = held.makeAsyncIterator()
        _ = await heldIterator.next()
        await #expect(throws: PoolError.timedOut) {
            try await pool.withConnection { _ in () }
        }
        release.signal()
        try await slow
        // Free again: served at once.
        let one = try await pool.withConnection { session in try session.connection.query("SELECT 1").first?[0] }
        #expect(one == "1")
        let statistics = pool.statistics
        #expect(statistics.timeouts == 1)
        #expect(statistics.waits >= 1)
        #expect(statistics.inUse == 0)
        try await pool.shutdown()
        await #expect(throws: PoolError.closed) { try await pool.withConnection { _ in () } }
    }

    @Test("no more than `size` connections run at once, and waiting callers are all served")
    func bounded() async throws {
        let (_, url) = try TestDatabase.migratedWithURL("api_pool_bounded")
        // A wait, not a measurement: on a loaded 2-core machine (the whole suite, builds
        // beside it) connecting and 12 short queries once took longer than 10 s.
        let pool = ConnectionPool(size: 3, acquireTimeout: .seconds(60)) { try PlainSession(url: url) }
        let active = Concurrency()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.withConnection { session in
                        active.enter()
                        _ = try session.connection.query("SELECT pg_sleep(0.05)")
                        active.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(active.peak == 3)
        #expect(pool.statistics.opened == 3)
        try await pool.shutdown()
    }

    @Test("connection failures are told apart from query errors")
    func classification() {
        #expect(isConnectionFailure(PostgresError(message: "server closed the connection unexpectedly", operation: "query")))
        #expect(isConnectionFailure(PostgresError(sqlState: .adminShutdown, message: "terminating connection", operation: "query")))
        #expect(isConnectionFailure(PostgresError(sqlState: .connectionFailure, message: "connection failure", operation: "query")))
        #expect(!isConnectionFailure(PostgresError(sqlState: .uniqueViolation, message: "duplicate key", operation: "query")))
        #expect(!isConnectionFailure(PostgresError(message: "column x is NULL", operation: "decode")))
    }
}

/// Counts calls running at once and the most ever seen.
final class Concurrency: Sendable {
    private let state = Mutex((now: 0, peak: 0))
    func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

/// A pooled resource that is just a connection: the pool's own tests run raw statements
/// (`pg_sleep`), which the application's `DatabaseSession` does not offer.
final class PlainSession: Sendable {
    let connection: PostgresConnection
    init(url: String) throws { connection = try PostgresConnection(url) }
}
