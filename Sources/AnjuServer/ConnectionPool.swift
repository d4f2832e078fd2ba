import Foundation
import NIOPosix
import Postgres
import Synchronization

/// Why the pool could not serve a caller (answered as 503).
public enum PoolError: Error, Sendable, Equatable {
    /// Every connection stayed busy for the whole acquire timeout.
    case timedOut
    /// The pool was shut down.
    case closed
}

/// What `/metrics` shows of the pool.
public struct PoolStatistics: Sendable {
    public var size: Int
    public var inUse: Int
    public var idle: Int
    public var waiting: Int
    /// Callers that had to wait for a permit, since start.
    public var waits: Int
    /// Callers that gave up after the acquire timeout, since start.
    public var timeouts: Int
    /// Connections opened, since start (more than `size` means some were replaced).
    public var opened: Int
    /// Connections closed because they broke, since start.
    public var discarded: Int
}

/// A bounded pool of blocking libpq connections (each wrapped in a `Resource`, e.g. a
/// `DatabaseSession`) for the HTTP server.
///
/// Every call runs on a dedicated `NIOThreadPool` with one thread per connection, never on
/// an event loop. A caller first takes one of `size` permits (waiting asynchronously, at
/// most `acquireTimeout`), then a connection: an idle one, or a new one opened on the pool's
/// thread. A connection that fails as a connection (no SQLSTATE, class 08, or an operator
/// shutdown 57P) is closed instead of returned, and so are the idle ones (a restarted server
/// has broken them all): the next caller connects afresh, so the server recovers from a
/// PostgreSQL restart by itself.
public final class ConnectionPool<Resource: AnyObject & Sendable>: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var idle: [Resource] = []
        var permitsInUse = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        var waits = 0
        var timeouts = 0
        var opened = 0
        var discarded = 0
    }

    /// How many connections (and threads) at most.
    public let size: Int
    /// How long a caller waits for a free connection before `PoolError.timedOut`.
    public let acquireTimeout: Duration
    private let connect: @Sendable () throws -> Resource
    private let threads: NIOThreadPool
    private let state = Mutex(State())

    /// A pool of at most `size` connections opened by `connect` (called on a pool thread).
    public init(size: Int, acquireTimeout: Duration = .seconds(5), connect: @escaping @Sendable () throws -> Resource) {
        precondition(size >= 1, "a pool needs at least one connection")
        self.size = size
        self.acquireTimeout = acquireTimeout
        self.connect = connect
        self.threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
    }

    /// Runs `body` with a connection of its own, on a pool thread.
    ///
    /// - Throws: `PoolError.timedOut` when no connection was free in time,
    ///   `PoolError.closed` after `shutdown`, a `PostgresError` when connecting failed,
    ///   or whatever `body` throws.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Resource) throws -> T) async throws -> T {
        try await takePermit()
        defer { returnPermit() }
        let idle = state.withLock { $0.idle.popLast() }
        return try await threads.runIfActive { [self] in
            let connection: Resource
            if let idle {
                connection = idle
            } else {
                connection = try connect()
                state.withLock { $0.opened += 1 }
            }
            do {
                let value = try body(connection)
                state.withLock { $0.idle.append(connection) }
                return value
            } catch {
                if isConnectionFailure(error) {
                    // This one is dropped (deinit finishes it); the idle ones most likely
                    // broke with it (a restart), so they are dropped too.
                    let dropped = state.withLock { state -> [Resource] in
                        let dropped = state.idle
                        state.idle.removeAll()
                        state.discarded += 1 + dropped.count
                        return dropped
                    }
                    _ = dropped
                } else {
                    state.withLock { $0.idle.append(connection) }
                }
                throw error
            }
        }
    }

    /// A snapshot of the pool's counters.
    public var statistics: PoolStatistics {
        state.withLock {
            PoolStatistics(
                size: size, inUse: $0.permitsInUse, idle: $0.idle.count, waiting: $0.waiters.count, waits: $0.waits,
                timeouts: $0.timeouts, opened: $0.opened, discarded: $0.discarded)
        }
    }

    /// Refuses new callers, fails the waiting ones, closes idle connections and stops the
    /// threads once running calls have finished.
    public func shutdown() async throws {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            state.idle.removeAll()
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: PoolError.closed) }
        try await threads.shutdownGracefully()
        state.withLock { $0.idle.removeAll() }
    }

    // MARK: Permits

    private enum Decision { case granted, wait(UInt64), closed }

    private func takePermit() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let decision = state.withLock { state -> Decision in
                    if state.closed { return .closed }
                    if state.permitsInUse < size && state.waiters.isEmpty {
                        state.permitsInUse += 1
                        return .granted
                    }
                    state.waits += 1
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait(id)
                }
                switch decision {
                case .granted: continuation.resume()
                case .closed: continuation.resume(throwing: PoolError.closed)
                case .wait(let id):
                    let timeout = acquireTimeout
                    Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        self?.abandon(id, with: PoolError.timedOut)
                    }
                }
            }
        } onCancel: {
            abandon(id, with: CancellationError())
        }
    }

    /// Removes waiter `id` (if still waiting) and fails it with `error`.
    private func abandon(_ id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            if error is PoolError { state.timeouts += 1 }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Hands the permit to the oldest waiter, or frees it.
    private func returnPermit() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.permitsInUse -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}

/// True for errors that mean the connection itself is unusable: libpq's own failures
/// (no SQLSTATE), connection exceptions (class 08) and operator intervention (57P).
public func isConnectionFailure(_ error: any Error) -> Bool {
    guard let error = error as? PostgresError else { return false }
    guard let state = error.sqlState else { return error.operation != "decode" }
    return state.isConnectionException || state.isOperatorShutdown
}
