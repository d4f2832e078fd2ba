import Dispatch

/// Runs two independent pieces of work at once and returns both results: `b` on a thread
/// of the global queue, `a` on the calling one. Input files are read on a 2-core budget:
/// applicants.csv (the largest file, itself read in two parts) depends on no other file,
/// so it is read beside the chain policy → projects → slots and the digests.
///
/// Not `DispatchQueue.concurrentPerform`: an apply nested in another runs its iterations
/// one after the other on a 2-core machine (libdispatch divides the width among nested
/// applies), and these calls nest.
func concurrently<A: Sendable, B: Sendable>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    withoutActuallyEscaping(b) { b in
        // Written by the global-queue thread, read here only after `wait` returns.
        nonisolated(unsafe) var second: B? = nil
        nonisolated(unsafe) let work = b
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { second = work() }
        let first = a()
        group.wait()
        return (first, second!)
    }
}
