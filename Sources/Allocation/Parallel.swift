import Dispatch

/// Deterministic data parallelism: work is split into a fixed number of chunks whose
/// results are kept in chunk order, so the output never depends on thread timing.
enum Parallel {
    static func map<T: Sendable>(chunks: Int, _ body: @Sendable (Int) -> T) -> [T] {
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
    static func join<T>(_ parts: inout [[T]]) -> [T] {
        var joined: [T] = []
        joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for i in parts.indices {
            joined.append(contentsOf: parts[i])
            parts[i] = []
        }
        return joined
    }

    /// Splits `0..<count` into `chunks` nearly equal ranges.
    static func range(_ i: Int, of chunks: Int, count: Int) -> Range<Int> {
        (count * i / chunks)..<(count * (i + 1) / chunks)
    }
}
