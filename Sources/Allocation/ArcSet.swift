#if canImport(Glibc)
import Glibc
#endif

/// The arcs of the restricted problem in CSR form — each applicant's arcs sorted by sink, for
/// lookups — which is also the layout `TransportationProblem` takes, so handing the arcs to the
/// solver copies nothing.
///
/// A round adds arcs to few applicants; `merge` moves the arcs up in place when the arrays have
/// room, else writes one new set of arrays with room to spare. At a million applicants this
/// takes three flat arrays instead of two small arrays per applicant plus a flat copy per round.
struct ArcSet: Sendable {
    /// A chunk's contribution: applicants in ascending order with their new arcs.
    struct Part: Sendable {
        var applicants: [Int32] = []
        var start: [Int] = [0]
        var sink: [Int32] = []
        var cost: [Int32] = []
        var isEmpty: Bool { sink.isEmpty }

        mutating func append(applicant a: Int, _ arcs: [(sink: Int32, cost: Int32)]) {
            guard !arcs.isEmpty else { return }
            applicants.append(Int32(a))
            for arc in arcs {
                sink.append(arc.sink)
                cost.append(arc.cost)
            }
            start.append(sink.count)
        }
    }

    /// Applicant `a`'s arcs are `start[a]..<start[a + 1]` of `sink` and `cost`, ascending by sink.
    private(set) var start: [Int]
    private(set) var sink: [Int32]
    private(set) var cost: [Int32]

    init(count: Int) {
        start = Array(repeating: 0, count: count + 1)
        sink = []
        cost = []
    }

    var count: Int { sink.count }

    /// Adds the parts' arcs (none of them may be in the set already; parts in ascending order of
    /// their applicants, as `Parallel.map` over ascending chunks returns them) and empties `parts`.
    ///
    /// Memory: a merge that writes new arrays holds the old ones and the new ones at once —
    /// at a million applicants 200 MB more than the set, at the moment the optimal round's
    /// memory peaks. So the arrays are made with room for the arcs later rounds add (pages
    /// never written take no memory), and a merge that fits moves the arcs up in place instead,
    /// from the last applicant down. In place needs the arrays not shared: the caller lets go
    /// of the last round's problem first (else Swift copies them, which is correct, only not lean).
    mutating func merge(_ parts: inout [Part]) {
        let added = parts.reduce(0) { $0 + $1.sink.count }
        defer { parts = [] }
        guard added > 0 else { return }
        if sink.capacity - sink.count >= added && cost.capacity - cost.count >= added {
            mergeInPlace(parts, added: added)
        } else {
            mergeIntoNewArrays(parts, added: added)
        }
    }

    /// Room a merge into new arrays leaves: the arrays hold up to this many times the arcs written.
    /// Column generation has ended with 1.5 (a million applicants) to 2.1 (50,000 × 50,000) times
    /// the first round's arcs.
    static let spareFactor = 2

    private mutating func mergeIntoNewArrays(_ parts: [Part], added: Int) {
        let n = start.count - 1
        var newStart: [Int] = []
        newStart.reserveCapacity(n + 1)
        newStart.append(0)
        let capacity = (sink.count + added) * Self.spareFactor
        var newSink: [Int32] = []
        newSink.reserveCapacity(capacity)
        var newCost: [Int32] = []
        newCost.reserveCapacity(capacity)
        var next = 0  // the first applicant not yet written
        var fresh: [(sink: Int32, cost: Int32)] = []
        for part in parts {
            for (k, a32) in part.applicants.enumerated() {
                let a = Int(a32)
                precondition(a >= next && a < n, "ArcSet.merge: applicants out of order")
                Self.copy(next..<a, from: self, into: &newStart, &newSink, &newCost)
                Self.sortedArcs(of: part, k, into: &fresh)
                var i = start[a], j = 0
                let end = start[a + 1]
                while i < end || j < fresh.count {
                    if j == fresh.count || (i < end && sink[i] < fresh[j].sink) {
                        newSink.append(sink[i])
                        newCost.append(cost[i])
                        i += 1
                    } else {
                        newSink.append(fresh[j].sink)
                        newCost.append(fresh[j].cost)
                        j += 1
                    }
                }
                newStart.append(newSink.count)
                next = a + 1
            }
        }
        Self.copy(next..<n, from: self, into: &newStart, &newSink, &newCost)
        start = newStart
        sink = newSink
        cost = newCost
    }

    /// The same merge within the arrays' spare room: applicants from the last down, each one's
    /// arcs moved up by the number of new arcs of the applicants before it and up to it. A write
    /// never lands below what is still to be read, so nothing is overwritten before it is moved.
    private mutating func mergeInPlace(_ parts: [Part], added: Int) {
        let n = start.count - 1
        let oldCount = sink.count
        sink.append(contentsOf: repeatElement(0, count: added))
        cost.append(contentsOf: repeatElement(0, count: added))
        var fresh: [(sink: Int32, cost: Int32)] = []
        start.withUnsafeMutableBufferPointer { start in
            sink.withUnsafeMutableBufferPointer { sink in
                cost.withUnsafeMutableBufferPointer { cost in
                    var shift = added  // new arcs of the applicants not yet placed
                    var top = n  // applicants top..<n are placed, and start[top...] is final
                    var oldTopStart = oldCount  // start[top] before this merge
                    start[n] = oldCount + added
                    var below = n  // parts come in ascending order of applicants
                    for part in parts.reversed() {
                        for k in part.applicants.indices.reversed() {
                            let a = Int(part.applicants[k])
                            precondition(a < below, "ArcSet.merge: applicants out of order")
                            below = a
                            // Applicants a+1..<top gain nothing: their arcs move up by `shift` as a block.
                            let blockFrom = a + 1 == top ? oldTopStart : start[a + 1]
                            let blockCount = oldTopStart - blockFrom
                            if blockCount > 0 && shift > 0 {
                                memmove(sink.baseAddress! + blockFrom + shift, sink.baseAddress! + blockFrom, blockCount * 4)
                                memmove(cost.baseAddress! + blockFrom + shift, cost.baseAddress! + blockFrom, blockCount * 4)
                            }
                            if a + 1 < top { for x in (a + 1)..<top { start[x] += shift } }
                            // Applicant a: its old arcs and its new ones, merged by sink from the top.
                            Self.sortedArcs(of: part, k, into: &fresh)
                            let oldLo = start[a]
                            var i = blockFrom - 1, j = fresh.count - 1
                            var w = blockFrom + shift
                            while j >= 0 {
                                w -= 1
                                if i >= oldLo && sink[i] > fresh[j].sink {
                                    sink[w] = sink[i]
                                    cost[w] = cost[i]
                                    i -= 1
                                } else {
                                    sink[w] = fresh[j].sink
                                    cost[w] = fresh[j].cost
                                    j -= 1
                                }
                            }
                            shift -= fresh.count
                            // The old arcs left (below all new ones) move up by what is left of the shift.
                            if shift > 0 && i >= oldLo {
                                memmove(sink.baseAddress! + oldLo + shift, sink.baseAddress! + oldLo, (i - oldLo + 1) * 4)
                                memmove(cost.baseAddress! + oldLo + shift, cost.baseAddress! + oldLo, (i - oldLo + 1) * 4)
                            }
                            start[a] = oldLo + shift
                            top = a
                            oldTopStart = oldLo
                        }
                    }
                    precondition(shift == 0, "ArcSet.merge: arcs counted and placed differ")
                }
            }
        }
    }

    /// Part `part`'s arcs of its `k`-th applicant, ascending by sink.
    private static func sortedArcs(of part: Part, _ k: Int, into fresh: inout [(sink: Int32, cost: Int32)]) {
        fresh.removeAll(keepingCapacity: true)
        for i in part.start[k]..<part.start[k + 1] { fresh.append((part.sink[i], part.cost[i])) }
        fresh.sort { $0.sink < $1.sink }
    }

    /// Appends applicants `range`'s arcs unchanged.
    private static func copy(
        _ range: Range<Int>, from set: ArcSet, into start: inout [Int], _ sink: inout [Int32], _ cost: inout [Int32]
    ) {
        guard !range.isEmpty else { return }
        let from = set.start[range.lowerBound], to = set.start[range.upperBound]
        let shift = sink.count - from
        sink.append(contentsOf: set.sink[from..<to])
        cost.append(contentsOf: set.cost[from..<to])
        for a in range { start.append(set.start[a + 1] + shift) }
    }

    func contains(applicant a: Int, sink: Int32) -> Bool { cost(applicant: a, sink: sink) != nil }

    /// The cost of the arc from `a` to `sink`, if the problem has it.
    func cost(applicant a: Int, sink target: Int32) -> Int? {
        var lo = start[a], hi = start[a + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if sink[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo < start[a + 1] && sink[lo] == target ? Int(cost[lo]) : nil
    }

    /// The restricted problem; shares the set's arrays.
    func problem(capacities: [Int]) -> TransportationProblem {
        TransportationProblem(capacities: capacities, arcStart: start, arcSink: sink, arcCost: cost)
    }
}
