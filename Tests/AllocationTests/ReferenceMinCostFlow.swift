/// A second, independent optimum for instances too large to enumerate: min-cost max-flow by
/// successive shortest paths (Bellman–Ford on the residual graph), one unit at a time.
/// Source → applicant → eligible slot (cost: commute) → sink, every capacity 1. With
/// non-negative costs, each augmentation along a cheapest path keeps the flow cheapest for
/// its size, so the last flow has the most offers and, among those, the least commute.
extension ReferenceAllocator {
    func flowOptimum() -> (offered: Int, totalCommute: Int) {
        let applicants = input.applicants.count
        let slots = input.slots.count
        let source = 0
        let sink = 1
        func applicantNode(_ a: Int) -> Int { 2 + a }
        func slotNode(_ s: Int) -> Int { 2 + applicants + s }
        let nodes = 2 + applicants + slots

        struct Edge {
            var to: Int
            var capacity: Int
            var cost: Int
        }
        var edges: [Edge] = []
        var outgoing = [[Int]](repeating: [], count: nodes)
        func addEdge(_ from: Int, _ to: Int, cost: Int) {
            outgoing[from].append(edges.count)
            edges.append(Edge(to: to, capacity: 1, cost: cost))
            outgoing[to].append(edges.count)
            edges.append(Edge(to: from, capacity: 0, cost: -cost))
        }
        for a in 0..<applicants {
            addEdge(source, applicantNode(a), cost: 0)
            for s in preferences[a] { addEdge(applicantNode(a), slotNode(s), cost: commute(of: a, to: s)) }
        }
        for s in 0..<slots { addEdge(slotNode(s), sink, cost: 0) }

        var offered = 0
        var total = 0
        while true {
            var distance = [Int?](repeating: nil, count: nodes)
            var via = [Int?](repeating: nil, count: nodes)
            distance[source] = 0
            var changed = true
            while changed {
                changed = false
                for u in 0..<nodes {
                    guard let du = distance[u] else { continue }
                    for e in outgoing[u] where edges[e].capacity > 0 {
                        let v = edges[e].to
                        if distance[v] == nil || du + edges[e].cost < distance[v]! {
                            distance[v] = du + edges[e].cost
                            via[v] = e
                            changed = true
                        }
                    }
                }
            }
            guard let pathCost = distance[sink] else { break }
            var v = sink
            while v != source, let e = via[v] {
                edges[e].capacity -= 1
                edges[e ^ 1].capacity += 1
                v = edges[e ^ 1].to
            }
            offered += 1
            total += pathCost
        }
        return (offered, total)
    }
}
