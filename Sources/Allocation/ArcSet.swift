/// The arcs of the restricted problem in CSR form — each applicant's arcs sorted by sink, for
/// lookups — which is also the layout `TransportationProblem` takes, so handing the arcs to the
/// solver copies nothing.
///
/// A round adds arcs to few applicants; `merge` writes one new set of arrays (the old ones go as
/// soon as the caller's problem of the last round does). At a million applicants this takes
/// three flat arrays instead of two small arrays per applicant plus a flat copy per round.
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
    mutating func merge(_ parts: inout [Part]) {
        let added = parts.reduce(0) { $0 + $1.sink.count }
        guard added > 0 else {
            parts = []
            return
        }
        let n = start.count - 1
        var newStart: [Int] = []
        newStart.reserveCapacity(n + 1)
        newStart.append(0)
        var newSink: [Int32] = []
        newSink.reserveCapacity(sink.count + added)
        var newCost: [Int32] = []
        newCost.reserveCapacity(sink.count + added)
        var next = 0  // the first applicant not yet written
        var fresh: [(sink: Int32, cost: Int32)] = []
        for part in parts {
            for (k, a32) in part.applicants.enumerated() {
                let a = Int(a32)
                precondition(a >= next && a < n, "ArcSet.merge: applicants out of order")
                Self.copy(next..<a, from: self, into: &newStart, &newSink, &newCost)
                fresh.removeAll(keepingCapacity: true)
                for i in part.start[k]..<part.start[k + 1] { fresh.append((part.sink[i], part.cost[i])) }
                fresh.sort { $0.sink < $1.sink }
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
        parts = []
        start = newStart
        sink = newSink
        cost = newCost
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
