import Dispatch

/// Runs two independent pieces of work at once and returns both results. Input files are
/// read on a 2-core budget, and applicants.csv (the largest file) depends on no other
/// file, so it can be read beside the chain policy → projects → slots.
func concurrently<A: Sendable, B: Sendable>(_ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
    let first = UnsafeMutablePointer<A?>.allocate(capacity: 1)
    let second = UnsafeMutablePointer<B?>.allocate(capacity: 1)
    first.initialize(to: nil)
    second.initialize(to: nil)
    defer {
        first.deinitialize(count: 1)
        first.deallocate()
        second.deinitialize(count: 1)
        second.deallocate()
    }
    // Each iteration writes only its own result, and concurrentPerform returns after both.
    nonisolated(unsafe) let (x, y) = (first, second)
    DispatchQueue.concurrentPerform(iterations: 2) { i in
        if i == 0 { x.pointee = a() } else { y.pointee = b() }
    }
    return (first.pointee!, second.pointee!)
}
