@testable import Allocation

/// An independent exact method for `TransportationProblem`: cost scaling (Goldberg's push–
/// relabel with ε-scaling, first-in first-out, no heuristics), returning an optimum with
/// exact class prices in the solver's form. The tests use it as another way to an optimum:
/// its answer and prices must pass `certify`, and the canonical optimum (`OptimalFace`)
/// made from them must be the one made from successive shortest paths'. (Measured in the
/// engine by a temporary build: correct and byte-identical after the canonical pass, but
/// 0.8–0.9 s per column-generation round at 10,000 × 50,000 where successive shortest paths
/// take 0.05–0.07 s, and at 50,000 × 50,000 its first round had not ended after 100 s —
/// without price updates and the like it is no production solver; BENCHMARKS.md.)
///
/// Network: applicant i (supply 1) → class j (capacity 1, cost c_ij); i → T (capacity 1, cost M:
/// unassigned); j → T (capacity cap_j, cost 0); T has demand n. Costs are multiplied by N + 1
/// (N nodes), so a flow ε-optimal for ε = 1 in scaled units is (1/(N+1))-optimal in real units,
/// hence optimal (integer costs). Prices p, reduced cost c(v,w) + p(v) − p(w); a refine
/// saturates every residual arc of negative reduced cost, then pushes excess along arcs of
/// negative reduced cost (first-in, first-out) and relabels a node with none to
/// max (p(w) − c(v,w)) − ε over its residual arcs.
///
/// Exact prices for the certificate: the final residual graph has no negative cycle, so
/// relaxing π(w) ≤ π(v) + c(v,w) over residual arcs from π₀ = round(p / (N+1)) (already within
/// 1 of feasible) converges to potentials with every reduced cost ≥ 0; with π(T) = 0 the class
/// prices are max(0, −π(j)) (see `TransportationSolver.certify`).
final class ReferenceCostScaling {
    /// Solves `p` with the reward the solver would use (`classes × maxCost + 1`, at least `minimumReward`).
    static func solve(_ p: TransportationProblem, minimumReward: Int = 0) -> TransportationSolution {
        let maxCost = Int(p.arcCost.max() ?? 0)
        let core = ReferenceCostScaling(p, reward: max(p.sinkCount * maxCost + 1, minimumReward))
        core.run()
        return core.solution()
    }

    let n: Int, m: Int, nodes: Int
    let terminal: Int
    let scale: Int
    let reward: Int
    // Arcs in CSR by tail; `partner[e]` is the reverse arc.
    var first: [Int]
    var head: [Int32]
    var residual: [Int32]
    var cost: [Int]
    var partner: [Int32]
    var excess: [Int]
    var price: [Int]

    private(set) var pushes = 0
    private(set) var relabels = 0
    private(set) var phases = 0

    init(_ p: TransportationProblem, reward: Int) {
        n = p.sourceCount
        m = p.sinkCount
        nodes = n + m + 1
        terminal = n + m
        scale = nodes + 1
        self.reward = reward
        var degree = [Int](repeating: 0, count: nodes + 1)
        for i in 0..<n {
            degree[i] += p.arcStart[i + 1] - p.arcStart[i] + 1
            for e in p.arcStart[i]..<p.arcStart[i + 1] { degree[n + Int(p.arcSink[e])] += 1 }
        }
        for j in 0..<m { degree[n + j] += 1 }
        degree[terminal] += n + m
        first = [Int](repeating: 0, count: nodes + 1)
        for v in 0..<nodes { first[v + 1] = first[v] + degree[v] }
        let arcCount = first[nodes]
        head = [Int32](repeating: 0, count: arcCount)
        residual = [Int32](repeating: 0, count: arcCount)
        cost = [Int](repeating: 0, count: arcCount)
        partner = [Int32](repeating: 0, count: arcCount)
        excess = [Int](repeating: 0, count: nodes)
        price = [Int](repeating: 0, count: nodes)
        var next = Array(first[0..<nodes])
        func add(_ v: Int, _ w: Int, _ capacity: Int, _ c: Int) {
            let e = next[v], r = next[w]
            next[v] += 1; next[w] += 1
            head[e] = Int32(w); residual[e] = Int32(capacity); cost[e] = c; partner[e] = Int32(r)
            head[r] = Int32(v); residual[r] = 0; cost[r] = -c; partner[r] = Int32(e)
        }
        let s = scale, terminal = self.terminal, n = self.n
        for i in 0..<n {
            for e in p.arcStart[i]..<p.arcStart[i + 1] { add(i, n + Int(p.arcSink[e]), 1, Int(p.arcCost[e]) * s) }
            add(i, terminal, 1, reward * s)
        }
        // More than n units never fill: n + 1 keeps a roomy class roomy (and within 32 bits).
        for j in 0..<m { add(n + j, terminal, min(p.capacities[j], n + 1), 0) }
        for i in 0..<n { excess[i] = 1 }
        excess[terminal] = -n
    }

    /// Runs every phase from ε = the largest scaled cost down to 1.
    func run(alpha: Int = 8) {
        var epsilon = max(1, reward * scale)
        while true {
            refine(epsilon)
            if epsilon == 1 { break }
            epsilon = max(1, epsilon / alpha)
        }
    }

    private func refine(_ epsilon: Int) {
        phases += 1
        // Saturate every residual arc of negative reduced cost.
        for v in 0..<nodes {
            let pv = price[v]
            for e in first[v]..<first[v + 1] where residual[e] > 0 {
                let w = Int(head[e])
                if cost[e] + pv - price[w] < 0 {
                    let d = Int(residual[e])
                    residual[e] = 0
                    residual[Int(partner[e])] += Int32(d)
                    excess[v] -= d
                    excess[w] += d
                }
            }
        }
        var queue: [Int32] = []
        var inQueue = [Bool](repeating: false, count: nodes)
        for v in 0..<nodes where excess[v] > 0 { queue.append(Int32(v)); inQueue[v] = true }
        var current = Array(first[0..<nodes])
        var at = 0
        while at < queue.count {
            let v = Int(queue[at])
            at += 1
            inQueue[v] = false
            while excess[v] > 0 {
                var e = current[v]
                let end = first[v + 1]
                let pv = price[v]
                while e < end {
                    if residual[e] > 0 {
                        let w = Int(head[e])
                        if cost[e] + pv - price[w] < 0 {
                            let d = min(excess[v], Int(residual[e]))
                            residual[e] -= Int32(d)
                            residual[Int(partner[e])] += Int32(d)
                            excess[v] -= d
                            excess[w] += d
                            pushes += 1
                            if excess[w] > 0 && !inQueue[w] { queue.append(Int32(w)); inQueue[w] = true }
                            if excess[v] == 0 { break }
                        }
                    }
                    e += 1
                }
                current[v] = e
                if excess[v] > 0 {
                    // Relabel.
                    var best = Int.min
                    for f in first[v]..<end where residual[f] > 0 {
                        best = max(best, price[Int(head[f])] - cost[f])
                    }
                    precondition(best != Int.min, "ReferenceCostScaling: a node with excess has no residual arc")
                    price[v] = best - epsilon
                    relabels += 1
                    current[v] = first[v]
                }
            }
            if at > 1 << 20 {
                queue.removeFirst(at)
                at = 0
            }
        }
    }

    /// The assignment and exact class prices, as `TransportationSolver` returns them.
    func solution() -> TransportationSolution {
        // Exact potentials: relax from the scaled prices, rounded, until no arc is violated.
        var pi = price.map { Int(($0 >= 0 ? $0 + scale / 2 : $0 - scale / 2) / scale) }
        var queue = [Int32](0..<Int32(nodes))
        var inQueue = [Bool](repeating: true, count: nodes)
        var at = 0
        // Relaxation along arcs into w: π(w) ≤ π(v) + c(v,w), i.e. scan v's out-arcs.
        while at < queue.count {
            let v = Int(queue[at]); at += 1
            inQueue[v] = false
            for e in first[v]..<first[v + 1] where residual[e] > 0 {
                let w = Int(head[e])
                let bound = pi[v] + cost[e] / scale
                if bound < pi[w] {
                    pi[w] = bound
                    if !inQueue[w] { queue.append(Int32(w)); inQueue[w] = true }
                }
            }
            if at > 1 << 20 {
                queue.removeFirst(at)
                at = 0
            }
        }
        let shift = pi[terminal]
        var sinkOf = [Int32](repeating: -1, count: n)
        var assigned = 0, total = 0
        for i in 0..<n {
            for e in first[i]..<first[i + 1] where Int(head[e]) < terminal && residual[e] == 0 {
                sinkOf[i] = Int32(Int(head[e]) - n)
                assigned += 1
                total += cost[e] / scale
                break
            }
        }
        let classPrice = (0..<m).map { max(0, -(pi[n + $0] - shift)) }
        return TransportationSolution(
            sinkOf: sinkOf, assigned: assigned, totalCost: total, classPrice: classPrice, unitReward: reward)
    }
}
