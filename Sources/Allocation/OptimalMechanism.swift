/// `optimal`: the most applicants offered a place and, among such allocations, the least
/// total commute.
///
/// Slots of one class are interchangeable for this objective (same project, so same
/// commute; same rules), so this is a transportation problem from applicants to
/// capacitated classes, solved exactly by `TransportationSolver`. A city has far more
/// eligible (applicant, class) pairs than memory wants (82 million at 200k × 50k), so the
/// solver first sees only each applicant's cheapest arcs (column generation): its dual
/// prices then *price out* every other pair, generated on the fly. An omitted pair whose
/// reduced cost is negative is added and the problem solved again; when none is, the
/// duals are feasible for the full problem and certify that the restricted optimum is the
/// full optimum (LP duality: a feasible primal and dual with complementary slackness).
enum OptimalMechanism {
    /// How many arcs the restricted problems take: per applicant in the first one, and at
    /// most per applicant and round after that. Any values give the same optimum; these
    /// trade the number of rounds against the size of each (tests use tiny ones to force
    /// many rounds).
    struct Budget: Sendable {
        var initialArcs = 12
        var addedArcs = 8
        /// When a round starts from the last one's optimum (`run`); every choice gives the same
        /// rows, so tests force both ways.
        var warmStarts = WarmStarts.measured
        /// Whether the first problem also holds each applicant's class under serial dictatorship
        /// (`run`; canonical rounds only). Either way gives the same rows.
        var serialSeed = true
        /// When a round that does not start warm starts from an auction's allocation instead
        /// (`AuctionSeed`; canonical rounds only). Every choice gives the same rows.
        var auctionSeeds = WarmStarts.measured
        /// When slot routing's forward searches keep class-pair minima (`ClassPairs`; measured:
        /// `TransportationSolver.solve`'s rule). Every choice gives the same rows.
        var pairScans = WarmStarts.measured
    }

    /// When a speed-only choice is made (warm starts, auction seeds, pair scans).
    enum WarmStarts: Sendable {
        /// Where it was measured to pay (see `run`).
        case measured
        case always
        case never

        /// Whether to make the choice, `measured` being what the measurements say for this round.
        func allows(measured: Bool) -> Bool { forced ?? measured }

        /// The choice when forced, nil when left to the measurements.
        var forced: Bool? {
            switch self {
            case .measured: nil
            case .always: true
            case .never: false
            }
        }
    }

    /// Returns, per applicant index, a slot position (`market.availableSlotIndices`) or -1.
    static func run(
        _ m: Market, _ lists: ProjectLists, budget: Budget = Budget(), ties: OptimalTies = .canonical,
        progress: ProgressCounter?
    ) throws(RoundLimitError) -> [Int32] {
        let n = m.input.applicants.count
        // Arc costs are commutes less the least commute of any eligible pair. Among the
        // allocations housing the most applicants that subtracts the same amount from every
        // total, so it changes no comparison — and it keeps a round whose policy adds a huge
        // overhead to every commute within the solver's exact range. The reward per assigned
        // applicant must dominate every arc of the FULL problem (the lists end with each
        // applicant's farthest open project), or "most assigned, then least commute" would
        // not follow from the restricted problem's duals.
        var least = Int.max, most = Int.min
        for a in 0..<n where !lists.range(of: a).isEmpty {
            least = min(least, lists.minutes(ofTier: ProjectLists.tier(lists.entry(lists.range(of: a).lowerBound))))
            most = max(most, lists.minutes(ofTier: ProjectLists.tier(lists.entry(lists.range(of: a).upperBound - 1))))
        }
        // Unshifted whenever that fits, so every round that ran before gives the same bytes.
        let base = least == Int.max || most <= Int(TransportationProblem.costLimit) ? 0 : least
        let maxCost = least == Int.max ? 0 : most - base  // no overflow: both are in 0..<Int.max
        guard maxCost <= Int(TransportationProblem.costLimit) else {
            throw RoundLimitError(
                message: "the eligible commutes span \(maxCost) minutes (from \(least) to \(most)); the optimal "
                    + "mechanism totals commutes exactly only over a span of up to \(TransportationProblem.costLimit) "
                    + "minutes. Lower the commute limits or raise commute.speed_kmh, or use serial or deferred_acceptance.")
        }
        let cost = CostOfTier(lists: lists, base: base)
        var arcs = ArcSet(count: n)
        // Under the canonical rule the first problem also holds each applicant's class in serial
        // dictatorship's allocation: a feasible allocation housing nearly as many as the optimum,
        // so the first round already houses nearly everyone it can, fewer applicants are left
        // unassigned and tempted, and the rounds after it are smaller and start warm sooner
        // (BENCHMARKS.md: 25k × 50k 2.5 → 1.3 s, a million 31.8 → 28.4 s). The canonical answer
        // does not depend on the first arcs; `as_found` keeps the first arcs it was run with.
        let serialClass: [Int32]? = ties == .canonical && budget.serialSeed ? serialClasses(m, lists) : nil
        var initial = Parallel.map(chunks: chunkCount(n)) { chunk in
            var part = ArcSet.Part()
            for a in Parallel.range(chunk, of: chunkCount(n), count: n) {
                var first = eligibleArcs(m, lists, a, limit: budget.initialArcs, cost: cost)
                if let c = serialClass?[a], c >= 0, !first.contains(where: { $0.sink == c }) {
                    first.append(arc(m, lists, a, to: Int(c), cost: cost))
                }
                part.append(applicant: a, first)
            }
            return part
        }
        arcs.merge(&initial)
        let reward = m.classes.count * maxCost + 1
        let capacities = (0..<m.classes.count).map { m.size(ofClass: $0) }
        var round = 0
        // A round may start from the last one's optimum (`TransportationSolver`'s warm start), which
        // repairs only what the new arcs upset. Each *unassigned* applicant they upset costs a
        // backward search, which where places are scarce explores hundreds of classes (0.2–1 ms
        // each in the benchmark cities, BENCHMARKS.md). So a round starts warm when places are
        // plentiful (half as many again as applicants: a class with room is near) or at most one
        // applicant in 2,048 is such a case, and afresh otherwise. Either gives an optimum, and
        // the canonical pass the same one, so this decides speed only. Rounds run under
        // `as_found` always solve afresh, as the builds that ran them did.
        let totalCapacity = capacities.reduce(0, +)
        let plentiful = 2 * totalCapacity >= 3 * n
        // A round that solves afresh starts from an auction's allocation (`AuctionSeed`) unless
        // applicants outnumber places by more than half again. Where they are close in number the
        // end of successive shortest paths from scratch is slow (free applicants are few and far),
        // and where places are plentiful the auction houses nearly everyone at their best; in both
        // repairing its near-optimum costs less than solving afresh (BENCHMARKS.md). Where
        // applicants far outnumber places, solving afresh is the faster. Speed only, as above.
        let balanced = !plentiful && 2 * n <= 3 * totalCapacity
        let auctionSeed: AuctionSeed.Mode? =
            ties == .canonical && budget.auctionSeeds.allows(measured: plentiful || balanced)
            ? (plentiful ? .plentiful : .balanced) : nil
        var previous: TransportationSolution?
        while true {
            round += 1
            // The round's problem and solution go at the end of this scope, so the merge below
            // finds the arc arrays unshared and moves them in place (see `ArcSet.merge`).
            var violated: [ArcSet.Part]
            do {
                let problem = arcs.problem(capacities: capacities)
                let solution = TransportationSolver.solve(
                    problem, minimumReward: reward, warmStart: previous, auctionSeed: previous == nil ? auctionSeed : nil,
                    pairScan: budget.pairScans.forced)
                precondition(solution.unitReward >= reward)
                if let failure = TransportationSolver.certify(solution, for: problem) {
                    preconditionFailure("optimal allocation failed its certificate on the restricted problem: \(failure)")
                }
                // Price out every eligible pair not yet in the problem.
                let pricing = Pricing(
                    m: m, lists: lists, solution: solution, restricted: arcs, cost: cost,
                    minPrice: Pricing.cheapestPrices(m, solution))
                violated = Parallel.map(chunks: chunkCount(n)) { chunk in
                    var part = ArcSet.Part()
                    for a in Parallel.range(chunk, of: chunkCount(n), count: n) {
                        var bad = pricing.arcs(of: a, tight: false)
                        if bad.count > budget.addedArcs {
                            // The most violated first (ties by class): enough to move the duals,
                            // few enough to keep the restricted problem small.
                            func gain(_ arc: (sink: Int32, cost: Int32)) -> Int {
                                solution.unitReward - Int(arc.cost) - solution.classPrice[Int(arc.sink)]
                            }
                            bad.sort { gain($0) != gain($1) ? gain($0) > gain($1) : $0.sink < $1.sink }
                            bad.removeLast(bad.count - budget.addedArcs)
                        }
                        part.append(applicant: a, bad)
                    }
                    return part
                }
                if violated.allSatisfy({ $0.isEmpty }) {
                    guard ties == .canonical else { return assignSlots(m, solution.sinkOf) }
                    let tight = tightArcs(pricing, capacities: capacities)
                    let canonical = OptimalFace.canonical(tight: tight, of: solution)
                    return assignSlots(m, canonical.sinkOf)
                }
                var upsetUnassigned = 0
                for part in violated { for a in part.applicants where solution.sinkOf[Int(a)] < 0 { upsetUnassigned += 1 } }
                let warm = budget.warmStarts.allows(measured: plentiful || 2048 * upsetUnassigned <= n)
                previous = ties == .canonical && warm ? solution : nil
            }
            arcs.merge(&violated)
            precondition(round < 500, "column generation did not converge")
        }
    }

    static func chunkCount(_ n: Int) -> Int { max(1, min(64, n / 512)) }

    /// The full problem's pairs read against a restricted optimum's prices: those that violate
    /// them (the pricing) or are tight (the canonical optimum's face).
    struct Pricing: Sendable {
        let m: Market
        let lists: ProjectLists
        let solution: TransportationSolution
        /// The restricted problem the solution is of.
        let restricted: ArcSet
        let cost: CostOfTier
        /// Per project, its cheapest class price (`cheapestPrices`).
        let minPrice: [Int]

        static func cheapestPrices(_ m: Market, _ solution: TransportationSolution) -> [Int] {
            m.projectClasses.map { classes in classes.map { solution.classPrice[$0] }.min() ?? 0 }
        }

        /// Applicant `a`'s eligible classes, in list order, whose commute plus price is below
        /// M − u_a and which the restricted problem lacks (they violate dual feasibility
        /// u_a + price ≥ M − c); or, with `tight`, equal to it (reduced cost zero; the own
        /// class among them). u_a is the surplus a has: M − c − price of its own class, or 0
        /// when unassigned. Prices are ≥ 0 and the list is in commute order, so the scan
        /// stops at the first commute past the bound and skips projects whose cheapest class
        /// is past it.
        func arcs(of a: Int, tight: Bool) -> [(sink: Int32, cost: Int32)] {
            let own = Int(solution.sinkOf[a])
            var surplus = 0
            if own >= 0 {
                surplus = solution.unitReward - restricted.cost(applicant: a, sink: Int32(own))! - solution.classPrice[own]
            }
            let need = solution.unitReward - surplus
            let limit = tight ? need + 1 : need  // the first commute + price that no longer counts
            var out: [(sink: Int32, cost: Int32)] = []
            for e in lists.range(of: a) {
                let entry = lists.entry(e)
                let minutes = cost(ProjectLists.tier(entry))
                if minutes >= limit { break }
                let p = ProjectLists.project(entry)
                if minutes + minPrice[p] >= limit { continue }
                let mask = m.admission.mask(applicant: a, project: p)
                for c in m.projectClasses[p] {
                    let total = minutes + solution.classPrice[c]
                    guard tight ? total == need : total < need, m.admits(c, applicant: a, project: p, mask: mask) else { continue }
                    if !tight && restricted.contains(applicant: a, sink: Int32(c)) { continue }
                    out.append((Int32(c), Int32(minutes)))
                }
            }
            return out
        }
    }

    /// Every eligible (applicant, class) pair of the full problem with reduced cost zero under
    /// the prices (each assigned applicant's own pair among them): the arcs an optimum may use
    /// (`OptimalFace`).
    static func tightArcs(_ pricing: Pricing, capacities: [Int]) -> TransportationProblem {
        let m = pricing.m, n = m.input.applicants.count
        var parts = Parallel.map(chunks: chunkCount(n)) { chunk in
            var part = ArcSet.Part()
            for a in Parallel.range(chunk, of: chunkCount(n), count: n) { part.append(applicant: a, pricing.arcs(of: a, tight: true)) }
            return part
        }
        var set = ArcSet(count: n)
        set.merge(&parts)
        return set.problem(capacities: capacities)
    }

    /// An arc's cost from its commute tier: the commute less the round's least (see `run`).
    struct CostOfTier: Sendable {
        let lists: ProjectLists
        let base: Int
        @inline(__always) func callAsFunction(_ tier: Int) -> Int { lists.minutes(ofTier: tier) - base }
    }

    /// Classes that admit `a`, cheapest commute first (the list is in commute order), at
    /// most `limit` of them but never cutting a commute tier in two.
    static func eligibleArcs(
        _ m: Market, _ lists: ProjectLists, _ a: Int, limit: Int, cost: CostOfTier
    ) -> [(sink: Int32, cost: Int32)] {
        var out: [(sink: Int32, cost: Int32)] = []
        var lastMinutes = -1
        for e in lists.range(of: a) {
            let entry = lists.entry(e)
            let minutes = cost(ProjectLists.tier(entry))
            if out.count >= limit && minutes != lastMinutes { break }
            lastMinutes = minutes
            let p = ProjectLists.project(entry)
            let mask = m.admission.mask(applicant: a, project: p)
            for c in m.projectClasses[p] where m.admits(c, applicant: a, project: p, mask: mask) {
                out.append((Int32(c), Int32(minutes)))
            }
        }
        return out
    }

    /// Each applicant's class in serial dictatorship's allocation, or -1.
    static func serialClasses(_ m: Market, _ lists: ProjectLists) -> [Int32] {
        SerialMechanism.run(m, NearestLists(m, eager: lists), progress: nil).map { $0 < 0 ? -1 : m.classOfPosition[Int($0)] }
    }

    /// Applicant `a`'s arc to class `c`, which admits it (its cost from `a`'s list entry for c's project).
    static func arc(_ m: Market, _ lists: ProjectLists, _ a: Int, to c: Int, cost: CostOfTier) -> (sink: Int32, cost: Int32) {
        for e in lists.range(of: a) {
            let entry = lists.entry(e)
            if m.projectClasses[ProjectLists.project(entry)].contains(c) {
                return (Int32(c), Int32(cost(ProjectLists.tier(entry))))
            }
        }
        preconditionFailure("applicant \(a) was given class \(c), which is not on its list")
    }

    /// Hands out slots within each class in priority order: better-ranked applicants get
    /// lower slot ids. Any order is optimal; this one is deterministic and explainable.
    static func assignSlots(_ m: Market, _ sinkOf: [Int32]) -> [Int32] {
        var taken = [Int](repeating: 0, count: m.classes.count)
        var result = [Int32](repeating: -1, count: sinkOf.count)
        for a32 in m.priorityOrder {
            let c = Int(sinkOf[Int(a32)])
            guard c >= 0 else { continue }
            result[Int(a32)] = m.slotPosition(taken[c], ofClass: c)
            taken[c] += 1
        }
        return result
    }
}
