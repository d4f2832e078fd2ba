import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deterministic data parallelism: work is split into a fixed number of chunks whose
/// results are kept in chunk order, so the output never depends on thread timing.
public enum Parallel {
    public static func map<T: Sendable>(chunks: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let results = UnsafeMutablePointer<T?>.allocate(capacity: chunks)
        results.initialize(repeating: nil, count: chunks)
        defer {
            results.deinitialize(count: chunks)
            results.deallocate()
        }
        // Each iteration writes only its own element, so the writes never race.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: chunks) { i in slots[i] = body(i) }
        return (0..<chunks).map { results[$0]! }
    }

    /// The chunks' elements in chunk order, each chunk let go as soon as it is copied, so
    /// the elements are held about once, not twice (the chunks plus the joined array).
    public static func join<T>(_ parts: inout [[T]]) -> [T] {
        var joined: [T] = []
        joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for i in parts.indices {
            joined.append(contentsOf: parts[i])
            parts[i] = []
        }
        return joined
    }

    /// Splits `0..<count` into `chunks` nearly equal ranges.
    public static func range(_ i: Int, of chunks: Int, count: Int) -> Range<Int> {
        (count * i / chunks)..<(count * (i + 1) / chunks)
    }
}

extension Parallel {
    /// Work read chunk after chunk of items, from the first, on another core while the
    /// caller's thread does something else (a mechanism that runs on one core): `take()`
    /// stops it after the chunk in hand and returns what was read, in order, and how many
    /// items that covers. What a caller makes of it must not depend on how far it got (it
    /// reads the rest itself).
    /// `prepare` runs first, on the same core (what only the reading needs, built off the
    /// caller's path), and its value is handed to every `read` and back by `take()`.
    final class Ahead<Prepared: Sendable, Part: Sendable>: Sendable {
        /// Items read between two looks at the stop flag.
        static var chunk: Int { 2048 }
        private let stop = Atomic<Bool>(false)
        /// The reading thread, started at once (`Background`, not Dispatch's pool).
        private let reader = Mutex<Background<Void>?>(nil)
        private let state = Mutex<(prepared: Prepared?, parts: [Part], covered: Int)>((nil, [], 0))

        init(
            count: Int, prepare: @escaping @Sendable () -> Prepared,
            _ read: @escaping @Sendable (Prepared, Range<Int>) -> Part
        ) {
            let thread = Background { [self] in
                let prepared = prepare()
                state.withLock { $0.prepared = prepared }
                var from = 0
                while from < count && !stop.load(ordering: .relaxed) {
                    let to = min(count, from + Self.chunk)
                    let part = read(prepared, from..<to)
                    state.withLock {
                        $0.parts.append(part)
                        $0.covered = to
                    }
                    from = to
                }
            }
            reader.withLock { $0 = thread }
        }

        func take() -> (prepared: Prepared, parts: [Part], covered: Int) {
            stop.store(true, ordering: .relaxed)
            reader.withLock { $0.take() }?.value()
            return state.withLock { s in
                defer { s = (nil, [], 0) }
                return (s.prepared!, s.parts, s.covered)
            }
        }
    }
}

extension Parallel {
    /// Work started on a thread of its own, whose value the caller takes once, when it
    /// needs it (`value()` waits). A thread of its own, not Dispatch's pool: the caller
    /// may itself be a pool thread that then waits, and pools of two threads have made
    /// such work start late (measured: about a second, reading input files).
    final class Background<T>: @unchecked Sendable {
        // Written by the thread before it ends, read only after it is joined.
        private var result: T?
        private var thread = pthread_t()
        private var running = false

        init(_ body: @escaping @Sendable () -> T) {
            if let thread = startThread({ [unowned self] in self.result = body() }) {
                self.thread = thread
                running = true
            } else {
                result = body()  // no thread to be had: here and now
            }
        }

        /// The work's value; call once.
        func value() -> T {
            if running {
                pthread_join(thread, nil)
                running = false
            }
            defer { result = nil }
            return result!
        }

        deinit {
            if running { pthread_join(thread, nil) }
        }
    }
}

/// A new thread running `body`, or nil when none can be had. (Not inside a generic type:
/// the compiler rejects the C entry point there.)
private func startThread(_ body: @escaping () -> Void) -> pthread_t? {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
    guard started == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return nil
    }
    return thread
}

private final class ThreadBody: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

extension Parallel {
    /// Hands the pages of freed memory back to the system (glibc's `malloc_trim`, found at
    /// run time: malloc.h is not in the Glibc module). Memory freed by a thread stays in
    /// its malloc arena otherwise, in the middle of it, unusable by the other thread and
    /// counted in the process's size: deferred acceptance's lists, built by two threads in
    /// chunks, stayed resident under the result rows (2,060 MiB peak at a million
    /// applicants instead of ~1,600). A no-op where there is no `malloc_trim`.
    static func returnFreedMemory() {
        #if canImport(Glibc)
            if let symbol = mallocTrim { _ = symbol(0) }
        #endif
    }

    #if canImport(Glibc)
        private static let mallocTrim: (@convention(c) (Int) -> Int32)? = dlsym(
            UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim"
        ).map { unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self) }
    #endif
}

/// Runs two independent pieces of work at once and returns both results: `b` on a thread
/// of its own (`Parallel.Background`), `a` on the calling one. Calls may nest, which
/// `DispatchQueue.concurrentPerform` handles badly: nested in another apply, its
/// iterations run one after the other on a 2-core machine.
public func concurrently<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    withoutActuallyEscaping(b) { b in
        // `b` runs before `value()` returns, so inside this call.
        nonisolated(unsafe) let work = b
        let background = Parallel.Background { work() }
        let first = a()
        return (first, background.value())
    }
}
