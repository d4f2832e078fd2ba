/// Exact solver for `TransportationProblem`: most applicants assigned, then least total cost.
///
/// **Reduction to one objective.** Give each assigned applicant the reward M = classes × maxCost + 1
/// and maximise Σ_assigned (M − cost). An optimum of that is of maximum cardinality: otherwise the
/// residual network has a simple augmenting path — a class j₁ with room, then applicants i₁ … i_k, where
/// i_t moves from class j_{t+1} to j_t and i_k was unassigned — visiting each class at most once, so
/// k ≤ classes; it adds one applicant and changes the cost by Σ c(i_t, j_t) − Σ c(i_t, j_{t+1}) ≤
/// k·maxCost < M, i.e. it raises the objective, a contradiction. Among allocations of maximum
/// cardinality A the objective is A·M − cost, so the optimum also has the least cost.
///
/// **Exact core: successive shortest paths with potentials.** Units are routed one at a time, each
/// along a cheapest path in the residual network, with node potentials keeping every residual reduced
/// cost ≥ 0 (Dijkstra applies; a pseudoflow with such potentials has no negative cycle, so it is a
/// cheapest flow for the supply routed so far, and after the last unit a cheapest flow overall). Two
/// exact variants, chosen by which side is scarce:
/// - `ClassShortestPaths` routes units of class capacity, each ending at a free applicant or an
///   "unfilled" arc of cost M — used when applicants with an arc outnumber the total capacity (the
///   benchmark's shape). Searches run on classes only, scan each class's arcs cheapest first and stop
///   at its first free applicant, and see only a cost prefix of each class's arcs (`ClassArcs`),
///   revealed on demand under an invariant that keeps the potentials valid for every arc.
/// - `ApplicantShortestPaths` routes applicants, each ending at a class with room or an "unassigned"
///   arc of cost M — used otherwise, where searches from slots would hunt for scarce free applicants.
/// Both end with class potentials that give the dual prices `classPrice` checked by `certify`.
///
/// **Cost.** Slot routing: a validation pass, a parallel counting pass and a parallel scatter of each
/// class's cheapest arcs (more scatter passes only if some class needs deeper arcs), 4 bytes per arc
/// (8 where 32-bit keys do not hold, see `ClassArcs`), then one search per unit of capacity,
/// settling only the classes nearer than the nearest free applicant — about 1.1 classes per search
/// when applicants outnumber slots 4 to 1. The searches get
/// long when applicants barely outnumber capacity with strong local imbalance (the end game of
/// successive shortest paths); the answer stays exact, only slower.
public enum TransportationSolver {
    /// How many of its cheapest arcs a class probably looks at (only decides what is prepared eagerly;
    /// any class can still reveal all its arcs). With local oversubscription ρ = demand share /
    /// capacity, about a fraction 1/ρ of its applicants end up taken, so it reaches about
    /// capacity·ρ/(ρ − 1) down its list; times 3 for margin.
    static func expectedListLength(capacity: Int, share: Double, meanCapacity: Double) -> Int {
        guard capacity > 0 else { return 0 }
        let rho = share / Double(capacity)
        guard rho > 1.05 else { return Int.max }
        let length = 3 * (Double(capacity) + meanCapacity) * rho / (rho - 1) + 16
        return length >= Double(Int32.max) ? Int.max : Int(length.rounded(.up))
    }

    /// Which side the successive shortest paths route. Both are exact; they differ in speed.
    enum Strategy: Sendable {
        /// Route units of class capacity (`ClassShortestPaths`); fast when applicants outnumber slots.
        case slots
        /// Route applicants (`ApplicantShortestPaths`); fast when slots outnumber applicants.
        case applicants
        /// `applicants` when every applicant with an arc could fit, else `slots`.
        case automatic
    }

    /// Solves `p` exactly. Deterministic (the search is single-threaded with fixed tie-breaks; the
    /// parallel preparation writes disjoint, precomputed positions). Precondition:
    /// `p.validationError() == nil`. `progress` receives non-decreasing fractions in [0, 1].
    ///
    /// `minimumReward` raises M above its default: a caller that solves a restricted problem
    /// (a subset of a larger problem's arcs) passes the larger problem's `classes × maxCost + 1`,
    /// so that the returned prices can certify optimality for the larger problem too.
    ///
    /// `warmStart`, an optimum (with its certified prices) of a problem with the same classes and
    /// capacities, the same reward and a subset of `p`'s arcs — column generation's previous round —
    /// starts slot routing from it (`ClassShortestPaths.warmStart`): only the applicants that now
    /// prefer a new arc move, and only the units and places they upset are routed again. The result
    /// is an optimum of `p` as from scratch, though among tied optima maybe another one.
    ///
    /// `auctionSeed` (without `warmStart`): slot routing starts warm from `AuctionSeed`'s
    /// assignment and prices instead of from nothing (`.plentiful`: its prices lowered as far as
    /// places plentiful allow). Exact either way; faster except where applicants far outnumber
    /// places (BENCHMARKS.md).
    ///
    /// `pairScan` forces whether slot routing keeps class-pair minima (`ClassPairs`); nil leaves it
    /// to where it was measured to pay. Exact either way.
    public static func solve(
        _ p: TransportationProblem, minimumReward: Int = 0, warmStart: TransportationSolution? = nil,
        auctionSeed: AuctionSeed.Mode? = nil, pairScan: Bool? = nil, progress: ((Double) -> Void)? = nil
    ) -> TransportationSolution {
        solve(
            p, strategy: warmStart == nil && auctionSeed == nil ? .automatic : .slots, minimumReward: minimumReward,
            warmStart: warmStart, auctionSeed: auctionSeed, pairScan: pairScan, progress: progress)
    }

    /// - Parameters:
    ///   - initialListLength: tests only — overrides `expectedListLength` (what slot routing prepares
    ///     eagerly), to exercise the on-demand passes.
    ///   - chunks: tests only — forces the number of parallel chunks of the arc passes.
    ///   - wideKeys: tests only — slot routing keeps 64-bit keys even where 32-bit ones hold.
    ///   - auctionSeed: slot routing without `warmStart` starts from `AuctionSeed` (see above).
    ///   - pairScan: slot routing's forward searches keep class-pair minima (`ClassPairs`): true,
    ///     false, or nil for where it was measured to pay — at most three applicants a place and
    ///     at most two places an applicant (BENCHMARKS.md). Exact either way.
    static func solve(
        _ p: TransportationProblem, strategy: Strategy, initialListLength: ((_ capacity: Int, _ share: Double) -> Int)? = nil,
        chunks: Int? = nil, wideKeys: Bool = false, minimumReward: Int = 0, warmStart: TransportationSolution? = nil,
        auctionSeed: AuctionSeed.Mode? = nil, pairScan: Bool? = nil, progress: ((Double) -> Void)?
    ) -> TransportationSolution {
        let range: (minCost: Int32, maxCost: Int32)
        switch p.scan() {
        case .failure(let problem): preconditionFailure("TransportationSolver.solve: \(problem.message)")
        case .success(let r): range = r
        }
        progress?(0)
        let reward = max(p.sinkCount * Int(range.maxCost) + 1, minimumReward)
        let totalCapacity = p.capacities.reduce(0, +)
        var statistics = TransportationStatistics()
        let seat: UnsafeMutablePointer<TransportationSeat>
        var classPrice: [Int]
        let keepAlive: AnyObject
        if warmStart != nil || auctionSeed != nil { precondition(strategy == .slots, "a warm start routes slots") }
        if let warmStart { precondition(warmStart.unitReward == reward, "a warm start needs the same reward") }
        var routeApplicants: Bool
        switch strategy {
        case .slots: routeApplicants = false
        case .applicants: routeApplicants = true
        case .automatic:
            var withArcs = 0
            for i in 0..<p.sourceCount where p.arcStart[i + 1] > p.arcStart[i] { withArcs += 1 }
            routeApplicants = withArcs <= totalCapacity
        }
        if routeApplicants {
            let core = ApplicantShortestPaths(p, reward: reward)
            core.run(progress: progress)
            seat = core.seat
            classPrice = (0..<p.sinkCount).map { max(0, -core.potential[$0]) }
            statistics.searches = core.searches
            statistics.settledClasses = core.settledClasses
            statistics.scannedEntries = core.scannedEntries
            statistics.routedApplicants = true
            keepAlive = core
        } else {
            let meanCapacity = Double(totalCapacity) / Double(max(p.sinkCount, 1))
            // Where applicants are more than three times the places, or places more than twice the
            // applicants, searches are short and the upkeep does not pay (BENCHMARKS.md: at 200k × 50k,
            // 4.6 applicants a place, the same time and 70 MiB more; at 10k × 50k slower).
            let pairs = pairScan ?? (p.sourceCount <= 3 * totalCapacity && totalCapacity <= 2 * p.sourceCount)
            // With pair scans (applicants and places close in number) the searches list most arcs
            // (~80% at 50k × 50k), so one scatter pass places them all: the on-demand passes each
            // re-read every arc (50k × 50k 2.66 → 2.41 s, 100k 1.78 → 1.60 s; BENCHMARKS.md).
            let listLength: (Int, Double) -> Int = { capacity, share in
                initialListLength?(capacity, share)
                    ?? (pairs ? Int.max : Self.expectedListLength(capacity: capacity, share: share, meanCapacity: meanCapacity))
            }
            let routed =
                !wideKeys && ClassArcs<UInt32>.holds(sourceCount: p.sourceCount, minCost: range.minCost, maxCost: range.maxCost)
                ? routeSlots(
                    UInt32.self, p, range: range, reward: reward, chunks: chunks, listLength: listLength, warmStart: warmStart,
                    auctionSeed: auctionSeed, pairs: pairs, progress: progress)
                : routeSlots(
                    UInt64.self, p, range: range, reward: reward, chunks: chunks, listLength: listLength, warmStart: warmStart,
                    auctionSeed: auctionSeed, pairs: pairs, progress: progress)
            seat = routed.seat
            classPrice = routed.classPrice
            statistics = routed.statistics
            keepAlive = routed.keepAlive
        }
        var sinkOf = [Int32](repeating: -1, count: p.sourceCount)
        var assigned = 0, totalCost = 0
        for i in 0..<p.sourceCount where seat[i].cls >= 0 {
            sinkOf[i] = seat[i].cls
            assigned += 1
            totalCost += Int(seat[i].cost)
        }
        withExtendedLifetime(keepAlive) {}
        progress?(1)
        return TransportationSolution(
            sinkOf: sinkOf, assigned: assigned, totalCost: totalCost, classPrice: classPrice, unitReward: reward,
            statistics: statistics)
    }

    /// Slot routing with `Key`-sized arc keys (the same steps with either width).
    private static func routeSlots<Key: ArcKey>(
        _: Key.Type, _ p: TransportationProblem, range: (minCost: Int32, maxCost: Int32), reward: Int, chunks: Int?,
        listLength: @escaping (Int, Double) -> Int, warmStart: TransportationSolution?, auctionSeed: AuctionSeed.Mode?,
        pairs: Bool, progress: ((Double) -> Void)?
    ) -> (seat: UnsafeMutablePointer<TransportationSeat>, classPrice: [Int], statistics: TransportationStatistics, keepAlive: AnyObject) {
        let arcs = ClassArcs<Key>(p, minCost: range.minCost, maxCost: range.maxCost, chunks: chunks, initialLength: listLength)
        progress?(0.1)
        let core = ClassShortestPaths(
            arcs: arcs, sourceCount: p.sourceCount, reward: reward,
            pairs: pairs ? ClassPairs(arcs: arcs, arcStart: p.arcStart) : nil)
        let report = progress.map { report in { report(0.1 + 0.9 * $0) } }
        if let warmStart = warmStart ?? auctionSeed.map({ AuctionSeed.seed(p, reward: reward, maxCost: Int(range.maxCost), mode: $0) }) {
            let excess = core.warmStart(p, from: warmStart)
            core.run(units: excess, progress: report)
            core.shedDeficits(p)
        } else {
            core.run(units: p.capacities, progress: report)
        }
        var statistics = TransportationStatistics()
        statistics.listedArcs = arcs.listedArcs
        statistics.scatterPasses = arcs.scatterPasses
        statistics.searches = core.searches
        statistics.settledClasses = core.settledClasses
        statistics.scannedEntries = core.scannedEntries
        statistics.narrowKeys = Key.bitWidth < 64
        // λ_j = −π_j; the dual price is M − λ_j = M + π_j.
        return (core.seat, (0..<p.sinkCount).map { reward + core.potential(of: $0) }, statistics, core)
    }
}
