/// Which one of a transportation problem's tied optima is returned, fixed by the problem alone.
///
/// Commutes are whole minutes, so a round usually has many optimal assignments. The solver's
/// path (column-generation rounds, which side it routes, a warm start, another algorithm)
/// decides which of them it finds. `canonical` turns any certified optimum into one that
/// depends on the problem only:
///
/// 1. **The optimal face.** Fix the optimum's dual prices b (any optimal dual will do). By
///    complementary slackness an assignment is optimal iff it uses only tight arcs
///    (u_i + b_j = M − c_ij), fills every class with b_j > 0 and assigns every applicant with
///    u_i > 0. So two optima differ by a circulation on the residual graph of the found one,
///    restricted to those arcs and bounds, and an arc lies in some optimum iff it is in the
///    found one or lies on a cycle of that graph: iff its ends share a strongly connected
///    component (`support`). The set of arcs some optimum uses is a property of the problem.
/// 2. **The reference solve.** `TransportationSolver`'s slot routing run on just those arcs
///    (each applicant's in ascending class order) has exactly the same optima — they all use only such arcs —
///    and returns one of them deterministically. Its input is a function of the problem, so
///    its answer is too, whichever optimum and prices `canonical` started from.
public enum OptimalFace {
    /// The arcs some optimal assignment uses, as a problem with the same capacities.
    ///
    /// - Parameters:
    ///   - tight: every arc of the full problem whose reduced cost under `s.classPrice` is zero
    ///     (so each assigned applicant's own arc among them), each applicant's in ascending class order.
    ///   - s: a certified optimum of the full problem (`TransportationSolver.certify`).
    public static func support(tight: TransportationProblem, of s: TransportationSolution) -> TransportationProblem {
        let n = tight.sourceCount, m = tight.sinkCount
        let sNode = n + m, tNode = n + m + 1, nodes = n + m + 2
        var load = [Int](repeating: 0, count: m)
        for i in 0..<n where s.sinkOf[i] >= 0 { load[Int(s.sinkOf[i])] += 1 }
        // The residual graph of `s` on tight arcs, with the bounds optimality keeps:
        // i → j: i may move to j; j → i: i may leave j; i → s: i may go unassigned (u_i = 0);
        // s → i: unassigned i may be assigned; j → t: j has room; t → j: j may lose one
        // (b_j = 0); s ⇄ t close the circulation (optimality leaves no cycle using them to
        // change the number assigned).
        func surplusIsZero(_ i: Int) -> Bool {
            let own = Int(s.sinkOf[i])
            guard own >= 0 else { return true }
            for e in tight.arcStart[i]..<tight.arcStart[i + 1] where Int(tight.arcSink[e]) == own {
                return s.unitReward - Int(tight.arcCost[e]) - s.classPrice[own] == 0
            }
            preconditionFailure("OptimalFace.support: applicant \(i)'s own arc is not tight")
        }
        let unassignable = (0..<n).map { s.sinkOf[$0] >= 0 && surplusIsZero($0) }
        // Every residual arc, once to count the out-degrees and once to place the arcs (CSR).
        func forEachArc(_ visit: (_ from: Int, _ to: Int) -> Void) {
            for i in 0..<n {
                let own = Int(s.sinkOf[i])
                for e in tight.arcStart[i]..<tight.arcStart[i + 1] where Int(tight.arcSink[e]) != own {
                    visit(i, n + Int(tight.arcSink[e]))
                }
                if own >= 0 {
                    visit(n + own, i)
                    if unassignable[i] { visit(i, sNode) }
                } else if tight.arcStart[i + 1] > tight.arcStart[i] {
                    visit(sNode, i)
                }
            }
            for j in 0..<m {
                if load[j] < tight.capacities[j] { visit(n + j, tNode) }
                if load[j] > 0 && s.classPrice[j] == 0 { visit(tNode, n + j) }
            }
            visit(sNode, tNode)
            visit(tNode, sNode)
        }
        var first = [Int](repeating: 0, count: nodes + 1)
        forEachArc { v, _ in first[v + 1] += 1 }
        for v in 0..<nodes { first[v + 1] += first[v] }
        var next = Array(first[0..<nodes])
        var head = [Int32](repeating: 0, count: first[nodes])
        forEachArc { v, w in
            head[next[v]] = Int32(w)
            next[v] += 1
        }
        let component = stronglyConnectedComponents(first: first, head: head)

        var start = [Int](repeating: 0, count: n + 1)
        var sink: [Int32] = [], cost: [Int32] = []
        for i in 0..<n {
            let own = Int(s.sinkOf[i])
            for e in tight.arcStart[i]..<tight.arcStart[i + 1] {
                let j = Int(tight.arcSink[e])
                if j == own || component[i] == component[n + j] {
                    sink.append(Int32(j))
                    cost.append(tight.arcCost[e])
                }
            }
            start[i + 1] = sink.count
        }
        return TransportationProblem(capacities: tight.capacities, arcStart: start, arcSink: sink, arcCost: cost)
    }

    /// The optimum fixed by the problem alone (see the type): the reference solve on `support`.
    /// Traps unless it has `s`'s cardinality and cost and its own certificate holds — it
    /// cannot differ, so that would be a bug.
    public static func canonical(tight: TransportationProblem, of s: TransportationSolution) -> TransportationSolution {
        let face = support(tight: tight, of: s)
        // Slot routing always: part of the rule, so never chosen by the data's shape. On the
        // face it is the faster one (measured at 50,000 × 50,000, where 41,699 applicants
        // have more than one optimal class: 0.14 s against 0.67 s routing applicants).
        let solution = TransportationSolver.solve(face, strategy: .slots, progress: nil)
        if let failure = TransportationSolver.certify(solution, for: face) {
            preconditionFailure("OptimalFace.canonical: the reference solve failed its certificate: \(failure)")
        }
        precondition(
            solution.assigned == s.assigned && solution.totalCost == s.totalCost,
            "OptimalFace.canonical: the face's optimum (\(solution.assigned), \(solution.totalCost)) is not the "
                + "problem's (\(s.assigned), \(s.totalCost))")
        return solution
    }

    /// Tarjan's algorithm without recursion: a component number per node (reverse topological).
    static func stronglyConnectedComponents(first: [Int], head: [Int32]) -> [Int32] {
        let nodes = first.count - 1
        var index = [Int32](repeating: -1, count: nodes)
        var low = [Int32](repeating: 0, count: nodes)
        var component = [Int32](repeating: -1, count: nodes)
        var onStack = [Bool](repeating: false, count: nodes)
        var stack: [Int32] = []
        var calls: [(node: Int32, edge: Int)] = []
        var counter: Int32 = 0, components: Int32 = 0
        for root in 0..<nodes where index[root] < 0 {
            calls.append((Int32(root), first[root]))
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(Int32(root)); onStack[root] = true
            while let top = calls.last {
                let v = Int(top.node)
                if top.edge < first[v + 1] {
                    calls[calls.count - 1].edge += 1
                    let w = Int(head[top.edge])
                    if index[w] < 0 {
                        index[w] = counter; low[w] = counter; counter += 1
                        stack.append(Int32(w)); onStack[w] = true
                        calls.append((Int32(w), first[w]))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                calls.removeLast()
                if let parent = calls.last { low[Int(parent.node)] = min(low[Int(parent.node)], low[v]) }
                if low[v] == index[v] {
                    while true {
                        let w = Int(stack.removeLast())
                        onStack[w] = false
                        component[w] = components
                        if w == v { break }
                    }
                    components += 1
                }
            }
        }
        return component
    }
}
