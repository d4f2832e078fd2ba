extension TransportationSolver {
    /// Independently checks that `s` is feasible, of maximum cardinality, and of minimum total cost
    /// among those. O(arcs + applicants + classes), no search. `nil` when certified, else why not.
    ///
    /// What is checked, with M = `s.unitReward` and b = `s.classPrice`:
    /// 1. Feasibility: every assigned applicant has an arc to its class; no class exceeds its capacity;
    ///    `assigned` and `totalCost` (cheapest arc per assigned pair) match `sinkOf`.
    /// 2. M ≥ classes × maxCost + 1, so maximising Σ_assigned (M − cost) means "most assigned, then
    ///    least cost" (proof on `TransportationSolver`).
    /// 3. Dual feasibility and complementary slackness for that maximisation, whose LP is
    ///    max Σ (M − c_ij) x_ij s.t. Σ_j x_ij ≤ 1, Σ_i x_ij ≤ cap_j, x ≥ 0, with dual
    ///    min Σ u_i + Σ cap_j b_j s.t. u_i + b_j ≥ M − c_ij, u, b ≥ 0. Taking the smallest feasible
    ///    u_i = max(0, max_j (M − c_ij − b_j)), it suffices that b ≥ 0, that each assigned applicant's
    ///    arc attains u_i (tight), that u_i = 0 for each unassigned one, and that b_j > 0 only for a full
    ///    class. Then primal and dual objectives are equal, so the assignment is optimal even among
    ///    fractional ones. Equivalently: no residual augmenting path and no negative residual cycle.
    public static func certify(_ s: TransportationSolution, for p: TransportationProblem) -> String? {
        if let problem = p.validationError() { return "the problem is malformed: \(problem)" }
        let n = p.sourceCount, classCount = p.sinkCount
        guard s.sinkOf.count == n else { return "sinkOf has \(s.sinkOf.count) entries for \(n) applicants" }
        guard s.classPrice.count == classCount else {
            return "classPrice has \(s.classPrice.count) entries for \(classCount) classes"
        }
        let maxCost = Int(p.arcCost.max() ?? 0)
        let (product, overflow) = classCount.multipliedReportingOverflow(by: maxCost)
        guard !overflow, product < Int.max / 4, s.unitReward > product, s.unitReward < Int.max / 4 else {
            return "unitReward \(s.unitReward) is not in (classes × maxCost = \(product), 2^61)"
        }
        let reward = s.unitReward
        for (j, b) in s.classPrice.enumerated() where b < 0 || b > Int.max / 4 {
            return "class \(j) has price \(b), outside 0...2^61"
        }

        var load = [Int](repeating: 0, count: classCount)
        var assigned = 0, totalCost = 0
        for i in 0..<n {
            let k = Int(s.sinkOf[i])
            guard k >= -1, k < classCount else { return "applicant \(i) is assigned to class \(k), which does not exist" }
            var best = 0, bestClass = -1   // the surplus of staying out is 0
            var ownCost = Int.max
            for e in p.arcStart[i]..<p.arcStart[i + 1] {
                let j = Int(p.arcSink[e]), c = Int(p.arcCost[e])
                let surplus = reward - c - s.classPrice[j]
                if surplus > best { best = surplus; bestClass = j }
                if j == k { ownCost = min(ownCost, c) }
            }
            if k < 0 {
                if best > 0 {
                    return "applicant \(i) is unassigned but class \(bestClass) offers it a positive surplus \(best) "
                        + "(an augmenting path or a cheaper exchange exists)"
                }
                continue
            }
            guard ownCost != Int.max else { return "applicant \(i) is assigned to class \(k) without an arc to it" }
            let own = reward - ownCost - s.classPrice[k]
            if own < best || own < 0 {
                let better = bestClass < 0 ? "staying unassigned" : "class \(bestClass) (surplus \(best))"
                return "applicant \(i) has surplus \(own) in class \(k) but \(better) is better for the prices "
                    + "(the dual is not tight: a cheaper solution may exist)"
            }
            load[k] += 1
            assigned += 1
            totalCost += ownCost
        }
        for j in 0..<classCount {
            if load[j] > p.capacities[j] { return "class \(j) has \(load[j]) applicants for capacity \(p.capacities[j])" }
            if s.classPrice[j] > 0 && load[j] < p.capacities[j] {
                return "class \(j) has a positive price \(s.classPrice[j]) but only \(load[j]) of \(p.capacities[j]) units "
                    + "(an augmenting path may exist)"
            }
        }
        guard assigned == s.assigned else { return "assigned is \(s.assigned), but sinkOf assigns \(assigned)" }
        guard totalCost == s.totalCost else { return "totalCost is \(s.totalCost), but sinkOf costs \(totalCost)" }
        return nil
    }
}
