import Synchronization

/// A value that test threads share: what they collected, a flag one sets and others poll.
/// A class around a `Mutex`, because a `Mutex` cannot be copied into the `@Sendable`
/// closures the threads run; every access holds the lock, so no `@unchecked` is needed.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// A box holding `value`.
    public init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` on the value while holding the lock, so a read-modify-write is one step.
    public func withLock<R: Sendable, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try mutex.withLock { (value: inout sending Value) throws(E) -> R in try body(&value) }
    }

    /// A copy of the value as it is now.
    public var value: Value { withLock { $0 } }
}
