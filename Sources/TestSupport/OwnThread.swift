import Foundation

/// Runs blocking `body` on a thread of its own, off Swift's cooperative pool (two threads on
/// a two-core machine, shared with every other suite), so a test can block on a socket, a
/// process or a database call without starving the rest. With `instant`, `body` starts once
/// it has come, as a separate process or timer would: racing parties start together.
public func onOwnThread<T: Sendable>(
    until instant: ContinuousClock.Instant? = nil, _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            if let instant { while ContinuousClock.now < instant { usleep(100) } }
            continuation.resume(with: Result { try body() })
        }
    }
}
