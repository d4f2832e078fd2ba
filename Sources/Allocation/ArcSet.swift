/// The arcs of the restricted problem, per applicant, kept sorted by sink for lookups.
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

    private var sinks: [[Int32]]
    private var costs: [[Int32]]

    init(count: Int) {
        sinks = Array(repeating: [], count: count)
        costs = Array(repeating: [], count: count)
    }

    mutating func merge(_ parts: inout [Part]) {
        for part in parts {
            for (k, a) in part.applicants.enumerated() {
                var pairs = zip(sinks[Int(a)], costs[Int(a)]).map { ($0, $1) }
                for i in part.start[k]..<part.start[k + 1] { pairs.append((part.sink[i], part.cost[i])) }
                pairs.sort { $0.0 < $1.0 }
                sinks[Int(a)] = pairs.map(\.0)
                costs[Int(a)] = pairs.map(\.1)
            }
        }
        parts = []
    }

    func contains(applicant a: Int, sink: Int32) -> Bool { cost(applicant: a, sink: sink) != nil }

    /// The cost of the arc from `a` to `sink`, if the problem has it.
    func cost(applicant a: Int, sink: Int32) -> Int? {
        let list = sinks[a]
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < sink { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo] == sink ? Int(costs[a][lo]) : nil
    }

    func problem(capacities: [Int]) -> TransportationProblem {
        var start = [0]
        start.reserveCapacity(sinks.count + 1)
        var sink: [Int32] = []
        var cost: [Int32] = []
        for a in sinks.indices {
            sink.append(contentsOf: sinks[a])
            cost.append(contentsOf: costs[a])
            start.append(sink.count)
        }
        return TransportationProblem(capacities: capacities, arcStart: start, arcSink: sink, arcCost: cost)
    }
}
