import TestSupport
import Testing

@testable import Allocation

/// `TransportationSolver` against two independent optima (exhaustive search on tiny instances,
/// successive shortest paths with Bellman–Ford on mid-size ones), with both routing strategies, plus
/// `certify` on every output and on deliberately broken ones. Every instance comes from a seed, and
/// every failure prints the seed and the instance.
@Suite struct TransportationSolverTests {
    // MARK: - Instances

    /// The suite's SplitMix64 with the seed scrambled, so instances reproduce from their seed alone.
    static func random(seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 1) }

    struct Shape {
        var applicants: ClosedRange<Int>
        var classes: ClosedRange<Int>
        var capacity: ClosedRange<Int>
        var arcsPerApplicant: ClosedRange<Int>
        var cost: ClosedRange<Int>
        /// Chance that an arc is followed by a parallel arc to the same class.
        var parallel = 0.05

        static let tiny = Shape(applicants: 0...7, classes: 1...4, capacity: 1...3, arcsPerApplicant: 0...4, cost: 0...9)
        static let mid = Shape(applicants: 50...300, classes: 5...30, capacity: 1...8, arcsPerApplicant: 1...8, cost: 0...60)
    }

    static func randomProblem(seed: UInt64, _ shape: Shape) -> TransportationProblem {
        var r = Self.random(seed: seed)
        let n = r.int(shape.applicants)
        let classCount = r.int(shape.classes)
        // Vary the regime: few costs (many ties), scarce or plentiful capacity.
        let costHigh = r.chance(0.25) ? min(shape.cost.upperBound, shape.cost.lowerBound + 2) : shape.cost.upperBound
        let capHigh = r.chance(0.3) ? shape.capacity.lowerBound : shape.capacity.upperBound
        let capacities = (0..<classCount).map { _ in r.int(shape.capacity.lowerBound...capHigh) }
        var arcStart = [0], arcSink: [Int32] = [], arcCost: [Int32] = []
        for _ in 0..<n {
            for _ in 0..<r.int(shape.arcsPerApplicant) {
                let j = Int32(r.int(0...(classCount - 1)))
                arcSink.append(j)
                arcCost.append(Int32(r.int(shape.cost.lowerBound...costHigh)))
                if r.chance(shape.parallel) {
                    arcSink.append(j)
                    arcCost.append(Int32(r.int(shape.cost.lowerBound...costHigh)))
                }
            }
            arcStart.append(arcSink.count)
        }
        return TransportationProblem(capacities: capacities, arcStart: arcStart, arcSink: arcSink, arcCost: arcCost)
    }

    /// Applicants and classes on a line segment, cost = distance: the clustered shape of commutes.
    static func spatialProblem(seed: UInt64, applicants n: Int, classes: Int) -> TransportationProblem {
        var r = Self.random(seed: seed)
        let place = (0..<classes).map { _ in r.int(0...1000) }
        let capacities = (0..<classes).map { _ in r.chance(0.2) ? r.int(10...40) : r.int(1...4) }
        var arcStart = [0], arcSink: [Int32] = [], arcCost: [Int32] = []
        for _ in 0..<n {
            let x = r.int(0...1000)
            for (j, y) in place.enumerated() where abs(x - y) <= 120 {
                arcSink.append(Int32(j))
                arcCost.append(Int32(10 + abs(x - y) / 2))
            }
            arcStart.append(arcSink.count)
        }
        return TransportationProblem(capacities: capacities, arcStart: arcStart, arcSink: arcSink, arcCost: arcCost)
    }

    static func describe(_ p: TransportationProblem) -> String {
        var lines = ["capacities \(p.capacities)"]
        for i in 0..<p.sourceCount {
            let arcs = (p.arcStart[i]..<p.arcStart[i + 1]).map { "\(p.arcSink[$0]):\(p.arcCost[$0])" }
            lines.append("  applicant \(i): \(arcs.joined(separator: " "))")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Independent optima

    /// Cheapest arc per (applicant, class).
    static func cheapestArcs(_ p: TransportationProblem) -> [[Int: Int]] {
        (0..<p.sourceCount).map { i in
            var best: [Int: Int] = [:]
            for e in p.arcStart[i]..<p.arcStart[i + 1] {
                let j = Int(p.arcSink[e]), c = Int(p.arcCost[e])
                best[j] = min(best[j] ?? c, c)
            }
            return best
        }
    }

    /// Every assignment, by recursion over applicants: the most assigned, then the least cost.
    static func bruteForce(_ p: TransportationProblem) -> (assigned: Int, cost: Int) {
        let options = cheapestArcs(p).map { $0.sorted { $0.key < $1.key } }
        var load = [Int](repeating: 0, count: p.sinkCount)
        var best = (assigned: 0, cost: 0)
        func visit(_ i: Int, _ assigned: Int, _ cost: Int) {
            if i == options.count {
                if assigned > best.assigned || (assigned == best.assigned && cost < best.cost) { best = (assigned, cost) }
                return
            }
            visit(i + 1, assigned, cost)
            for (j, c) in options[i] where load[j] < p.capacities[j] {
                load[j] += 1
                visit(i + 1, assigned + 1, cost + c)
                load[j] -= 1
            }
        }
        visit(0, 0, 0)
        return best
    }

    /// Min-cost max-flow by successive shortest paths, one unit at a time, each path found by
    /// Bellman–Ford (queue-based) on the residual network source → applicant → class → sink.
    /// With costs ≥ 0 every augmentation along a cheapest path keeps the flow cheapest for its value,
    /// so the last flow is of maximum value and, among those, of least cost.
    static func referenceOptimum(_ p: TransportationProblem) -> (assigned: Int, cost: Int) {
        let n = p.sourceCount, classCount = p.sinkCount
        let source = n + classCount, sink = source + 1, nodes = sink + 1
        var head: [Int] = [], capacity: [Int] = [], cost: [Int] = []
        var outgoing = [[Int]](repeating: [], count: nodes)
        func addEdge(_ u: Int, _ v: Int, _ cap: Int, _ c: Int) {
            outgoing[u].append(head.count); head.append(v); capacity.append(cap); cost.append(c)
            outgoing[v].append(head.count); head.append(u); capacity.append(0); cost.append(-c)
        }
        for i in 0..<n {
            addEdge(source, i, 1, 0)
            for e in p.arcStart[i]..<p.arcStart[i + 1] { addEdge(i, n + Int(p.arcSink[e]), 1, Int(p.arcCost[e])) }
        }
        for j in 0..<classCount { addEdge(n + j, sink, p.capacities[j], 0) }
        var assigned = 0, total = 0
        while true {
            var distance = [Int](repeating: Int.max, count: nodes)
            var via = [Int](repeating: -1, count: nodes)
            var queued = [Bool](repeating: false, count: nodes)
            var queue = [source]
            var front = 0
            distance[source] = 0
            queued[source] = true
            while front < queue.count {
                let u = queue[front]
                front += 1
                queued[u] = false
                for e in outgoing[u] where capacity[e] > 0 && distance[u] + cost[e] < distance[head[e]] {
                    distance[head[e]] = distance[u] + cost[e]
                    via[head[e]] = e
                    if !queued[head[e]] { queued[head[e]] = true; queue.append(head[e]) }
                }
            }
            guard distance[sink] != Int.max else { break }
            var v = sink
            while v != source {
                let e = via[v]
                capacity[e] -= 1
                capacity[e ^ 1] += 1
                v = head[e ^ 1]
            }
            assigned += 1
            total += distance[sink]
        }
        return (assigned, total)
    }

    /// Feasibility and bookkeeping, checked here without `certify`; nil when fine.
    static func feasibilityProblem(_ s: TransportationSolution, _ p: TransportationProblem) -> String? {
        guard s.sinkOf.count == p.sourceCount else { return "sinkOf has the wrong length" }
        let arcs = cheapestArcs(p)
        var load = [Int](repeating: 0, count: p.sinkCount)
        var assigned = 0, total = 0
        for (i, k) in s.sinkOf.enumerated() where k != -1 {
            guard let c = arcs[i][Int(k)] else { return "applicant \(i) assigned to \(k) without an arc" }
            load[Int(k)] += 1
            assigned += 1
            total += c
        }
        for j in 0..<p.sinkCount where load[j] > p.capacities[j] { return "class \(j) over capacity" }
        guard assigned == s.assigned, total == s.totalCost else {
            return "reports (\(s.assigned), \(s.totalCost)) but sinkOf gives (\(assigned), \(total))"
        }
        return nil
    }

    static let strategies: [TransportationSolver.Strategy] = [.automatic, .slots, .applicants]

    /// Solves with every strategy (and slot routing with tiny initial lists, which forces the on-demand
    /// passes, once in several parallel chunks), checks each against `expected` and `certify`.
    static func checkAllStrategies(
        _ p: TransportationProblem, expected: (assigned: Int, cost: Int), seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var runs = strategies.map { ("\($0)", TransportationSolver.solve(p, strategy: $0, progress: nil)) }
        runs.append(("slots, lists of 1", TransportationSolver.solve(p, strategy: .slots, initialListLength: { _, _ in 1 }, progress: nil)))
        runs.append(("slots, 64-bit keys", TransportationSolver.solve(p, strategy: .slots, wideKeys: true, progress: nil)))
        // The forward searches with class-pair minima (`ClassPairs`) and without, whatever the shape.
        for pairScan in [true, false] {
            runs.append(("slots, pair scan \(pairScan)", TransportationSolver.solve(p, strategy: .slots, pairScan: pairScan, progress: nil)))
            runs.append((
                "slots, lists of 1, pair scan \(pairScan)",
                TransportationSolver.solve(p, strategy: .slots, initialListLength: { _, _ in 1 }, pairScan: pairScan, progress: nil)
            ))
            runs.append((
                "slots, 64-bit keys, pair scan \(pairScan)",
                TransportationSolver.solve(p, strategy: .slots, wideKeys: true, pairScan: pairScan, progress: nil)
            ))
        }
        runs.append(("cost scaling (reference)", ReferenceCostScaling.solve(p)))
        runs.append((
            "slots, lists of 2, 3 chunks",
            TransportationSolver.solve(p, strategy: .slots, initialListLength: { _, _ in 2 }, chunks: 3, progress: nil)
        ))
        runs += warmRuns(p, seed: seed)
        for (name, s) in runs {
            var problems: [String] = []
            if let f = feasibilityProblem(s, p) { problems.append("infeasible: \(f)") }
            if s.assigned != expected.assigned || s.totalCost != expected.cost {
                problems.append("got (\(s.assigned), \(s.totalCost)), optimum is (\(expected.assigned), \(expected.cost))")
            }
            if let c = TransportationSolver.certify(s, for: p) { problems.append("certify rejects: \(c)") }
            if !problems.isEmpty {
                Issue.record(
                    Comment(rawValue: "seed \(seed), strategy \(name): \(problems.joined(separator: "; "))\n\(describe(p))"),
                    sourceLocation: sourceLocation)
            }
        }
    }

    /// The problem with only the arcs `keep` selects (by applicant and arc index).
    static func subproblem(_ p: TransportationProblem, keep: (Int, Int) -> Bool) -> TransportationProblem {
        var arcStart = [0], arcSink: [Int32] = [], arcCost: [Int32] = []
        for i in 0..<p.sourceCount {
            for e in p.arcStart[i]..<p.arcStart[i + 1] where keep(i, e) {
                arcSink.append(p.arcSink[e])
                arcCost.append(p.arcCost[e])
            }
            arcStart.append(arcSink.count)
        }
        return TransportationProblem(capacities: p.capacities, arcStart: arcStart, arcSink: arcSink, arcCost: arcCost)
    }

    /// Warm starts (`ClassShortestPaths.warmStart`) of `p` from optima of problems on fewer of its
    /// arcs, as column generation makes them: no arcs (every applicant unassigned and upset), each
    /// applicant's first arc, a random half (solved by either routing, so prices of both kinds), a
    /// chain half → three quarters → all, and tiny lists (the seed must extend them).
    static func warmRuns(_ p: TransportationProblem, seed: UInt64) -> [(String, TransportationSolution)] {
        let maxCost = Int(p.arcCost.max() ?? 0)
        let reward = p.sinkCount * maxCost + 1
        var r = random(seed: seed ^ 0x5EED)
        let half = (0..<p.arcCount).map { _ in r.chance(0.5) }
        let more = (0..<p.arcCount).map { half[$0] || r.chance(0.5) }
        func solve(_ q: TransportationProblem, strategy: TransportationSolver.Strategy = .automatic) -> TransportationSolution {
            TransportationSolver.solve(q, strategy: strategy, minimumReward: reward, progress: nil)
        }
        func warm(_ q: TransportationProblem, from s: TransportationSolution, lists: Int? = nil, pairScan: Bool? = nil) -> TransportationSolution {
            TransportationSolver.solve(
                q, strategy: .slots, initialListLength: lists.map { n in { _, _ in n } }, minimumReward: reward, warmStart: s,
                pairScan: pairScan, progress: nil)
        }
        func seeded(_ mode: AuctionSeed.Mode, lists: Int? = nil, pairScan: Bool? = nil) -> TransportationSolution {
            TransportationSolver.solve(
                p, strategy: .slots, initialListLength: lists.map { n in { _, _ in n } }, minimumReward: reward, auctionSeed: mode,
                pairScan: pairScan, progress: nil)
        }
        // Any assignment along arcs, over capacity or not, with any prices ≥ 0 (some above M): the
        // warm start must make it exact.
        var arbitrary = [Int32](repeating: -1, count: p.sourceCount)
        for i in 0..<p.sourceCount where p.arcStart[i + 1] > p.arcStart[i] && r.chance(0.7) {
            arbitrary[i] = p.arcSink[p.arcStart[i] + Int(r.next() % UInt64(p.arcStart[i + 1] - p.arcStart[i]))]
        }
        let prices = (0..<p.sinkCount).map { _ in r.chance(0.3) ? 0 : Int(r.next() % UInt64(2 * reward + 2)) }
        let anySeed = TransportationSolution(sinkOf: arbitrary, assigned: 0, totalCost: 0, classPrice: prices, unitReward: reward)
        let none = subproblem(p) { _, _ in false }
        let first = subproblem(p) { i, e in e == p.arcStart[i] }
        let halfProblem = subproblem(p) { _, e in half[e] }
        let moreProblem = subproblem(p) { _, e in more[e] }
        let fromHalf = solve(halfProblem, strategy: .slots)
        return [
            ("warm from no arcs", warm(p, from: solve(none))),
            ("warm from first arcs", warm(p, from: solve(first))),
            ("warm from half, slot prices", warm(p, from: fromHalf)),
            ("warm from half, applicant prices", warm(p, from: solve(halfProblem, strategy: .applicants))),
            ("warm from half via three quarters", warm(p, from: warm(moreProblem, from: fromHalf))),
            ("warm from first arcs, lists of 1", warm(p, from: solve(first), lists: 1)),
            ("warm from its own optimum", warm(p, from: solve(p))),
            ("auction seed", seeded(.balanced)),
            ("auction seed, lists of 1", seeded(.balanced, lists: 1)),
            ("auction seed, prices lowered as for plentiful places", seeded(.plentiful)),
            ("auction seed, prices lowered as for plentiful places, lists of 1", seeded(.plentiful, lists: 1)),
            ("warm from an auction cut short", warm(p, from: AuctionSeed.seed(p, reward: reward, maxCost: maxCost, mode: .balanced, passes: 0))),
            ("warm from an auction with ε 1, balanced", warm(p, from: AuctionSeed.seed(p, reward: reward, maxCost: maxCost, mode: .balanced, increment: 1))),
            ("warm from an auction with ε 4, plentiful", warm(p, from: AuctionSeed.seed(p, reward: reward, maxCost: maxCost, mode: .plentiful, increment: 4))),
            ("warm from an auction with ε 13, lists of 1", warm(p, from: AuctionSeed.seed(p, reward: reward, maxCost: maxCost, mode: .balanced, increment: 13), lists: 1)),
            ("warm from an arbitrary assignment and prices", warm(p, from: anySeed)),
            ("warm from an arbitrary assignment and prices, lists of 1", warm(p, from: anySeed, lists: 1)),
        ] + [true, false].flatMap { pairScan in
            [
                ("warm from half, pair scan \(pairScan)", warm(p, from: fromHalf, pairScan: pairScan)),
                ("warm from first arcs, lists of 1, pair scan \(pairScan)", warm(p, from: solve(first), lists: 1, pairScan: pairScan)),
                ("auction seed, lists of 1, pair scan \(pairScan)", seeded(.balanced, lists: 1, pairScan: pairScan)),
                ("auction seed as for plentiful places, pair scan \(pairScan)", seeded(.plentiful, pairScan: pairScan)),
                ("warm from an arbitrary assignment and prices, lists of 1, pair scan \(pairScan)", warm(p, from: anySeed, lists: 1, pairScan: pairScan)),
            ]
        }
    }

    // MARK: - Exactness

    @Test("the reference agrees with exhaustive search", arguments: 0..<UInt64(10))
    func referenceMatchesBruteForce(batch: UInt64) {
        for k in 0..<UInt64(40) {
            let seed = batch * 1000 + k
            let p = Self.randomProblem(seed: seed, .tiny)
            let brute = Self.bruteForce(p), reference = Self.referenceOptimum(p)
            #expect(brute == reference, "seed \(seed)\n\(Self.describe(p))")
        }
    }

    @Test("tiny instances: equals exhaustive search", arguments: 0..<UInt64(20))
    func tinyMatchesBruteForce(batch: UInt64) {
        for k in 0..<UInt64(40) {
            let seed = 10_000 + batch * 1000 + k
            let p = Self.randomProblem(seed: seed, .tiny)
            Self.checkAllStrategies(p, expected: Self.bruteForce(p), seed: seed)
        }
    }

    @Test("mid-size instances: equals successive shortest paths with Bellman–Ford", arguments: 0..<UInt64(20))
    func midMatchesReference(batch: UInt64) {
        for k in 0..<UInt64(15) {
            let seed = 50_000 + batch * 1000 + k
            let p = Self.randomProblem(seed: seed, .mid)
            Self.checkAllStrategies(p, expected: Self.referenceOptimum(p), seed: seed)
        }
    }

    @Test("spatial instances, scarce and plentiful capacity: equals the reference", arguments: 0..<UInt64(12))
    func spatialMatchesReference(seed: UInt64) {
        let applicants = [40, 120, 400][Int(seed % 3)]
        let p = Self.spatialProblem(seed: 90_000 + seed, applicants: applicants, classes: 25)
        Self.checkAllStrategies(p, expected: Self.referenceOptimum(p), seed: 90_000 + seed)
    }

    @Test("larger spatial instances: the strategies agree and every answer is certified", arguments: 0..<UInt64(4))
    func largerSpatialInstances(seed: UInt64) {
        let p = Self.spatialProblem(seed: 95_000 + seed, applicants: [1500, 4000, 700, 2500][Int(seed)], classes: 120)
        let slots = TransportationSolver.solve(p, strategy: .slots, progress: nil)
        Self.checkAllStrategies(p, expected: (slots.assigned, slots.totalCost), seed: 95_000 + seed)
        #expect(slots.assigned > 0)
    }

    // MARK: - Degenerate problems

    static func problem(_ capacities: [Int], _ arcs: [[(Int, Int)]]) -> TransportationProblem {
        var arcStart = [0], arcSink: [Int32] = [], arcCost: [Int32] = []
        for list in arcs {
            for (j, c) in list { arcSink.append(Int32(j)); arcCost.append(Int32(c)) }
            arcStart.append(arcSink.count)
        }
        return TransportationProblem(capacities: capacities, arcStart: arcStart, arcSink: arcSink, arcCost: arcCost)
    }

    /// Slot routing's 32-bit keys order arcs as its 64-bit ones do, so the searches take the same
    /// steps: same assignment, same prices, same counts — on problems whose applicants and cost
    /// span just fit 32 bits and on ones that need 64.
    @Test("32-bit and 64-bit arc keys: the same steps", arguments: 0..<UInt64(24))
    func keyWidths(seed: UInt64) {
        var r = Self.random(seed: seed &+ 0x4B_E7)
        var p = seed % 3 == 0
            ? Self.spatialProblem(seed: seed, applicants: r.int(200...1500), classes: r.int(5...60))
            : Self.randomProblem(seed: seed, .mid)
        // Cost spans around the 32-bit limit for this many applicants.
        let edge = seed % 3 == 1 && !p.arcCost.isEmpty
        if edge {
            let span = ClassArcs<UInt32>.costFieldLimit - 1 + r.int(0...1)  // the last span that fits, or the first that does not
            let base = Int32(r.int(0...5))
            p.arcCost = p.arcCost.map { base + Int32(Int($0) * span / 60) }
            p.arcCost[0] = base
            p.arcCost[p.arcCost.count - 1] = base + Int32(span)
        }
        let range = (p.arcCost.min() ?? 0, p.arcCost.max() ?? 0)
        let narrow = TransportationSolver.solve(p, strategy: .slots, progress: nil)
        let wide = TransportationSolver.solve(p, strategy: .slots, wideKeys: true, progress: nil)
        let holds = ClassArcs<UInt32>.holds(sourceCount: p.sourceCount, minCost: range.0, maxCost: range.1)
        #expect(narrow.statistics.narrowKeys == holds && !wide.statistics.narrowKeys, "seed \(seed)")
        if edge { #expect(holds == (Int(range.1) - Int(range.0) < 2047), "seed \(seed)") }
        #expect(narrow.sinkOf == wide.sinkOf && narrow.classPrice == wide.classPrice, "seed \(seed)")
        var a = narrow.statistics, b = wide.statistics
        a.narrowKeys = false
        b.narrowKeys = false
        #expect(a == b, "seed \(seed)")
        #expect(TransportationSolver.certify(narrow, for: p) == nil, "seed \(seed)")
    }

    @Test("when 32-bit arc keys hold: applicants and the cost span at their edges")
    func keyWidthEdges() {
        typealias Narrow = ClassArcs<UInt32>
        // Applicant indices in 21 bits, costs less the least in the other 11, below 2,047.
        #expect(Narrow.holds(sourceCount: 1 << 21, minCost: 7, maxCost: 7 + 2046))
        #expect(!Narrow.holds(sourceCount: 1 << 21, minCost: 7, maxCost: 7 + 2047))
        #expect(!Narrow.holds(sourceCount: (1 << 21) + 1, minCost: 0, maxCost: 0))
        #expect(Narrow.holds(sourceCount: 0, minCost: 0, maxCost: 0))
        #expect(!Narrow.holds(sourceCount: 10, minCost: 0, maxCost: TransportationProblem.costLimit))
        #expect(ClassArcs<UInt64>.holds(sourceCount: Int(Int32.max), minCost: 0, maxCost: TransportationProblem.costLimit))
    }

    @Test("degenerate problems")
    func degenerate() {
        let cases: [(String, TransportationProblem, (Int, Int))] = [
            ("zero applicants", Self.problem([2, 3], []), (0, 0)),
            ("zero applicants, zero classes", Self.problem([], []), (0, 0)),
            ("applicants without arcs", Self.problem([2], [[], [], []]), (0, 0)),
            ("applicants, no classes", Self.problem([], [[], []]), (0, 0)),
            ("all costs equal", Self.problem([1, 1], [[(0, 5), (1, 5)], [(0, 5), (1, 5)], [(0, 5)]]), (2, 10)),
            ("all costs zero", Self.problem([2, 1], [[(0, 0)], [(0, 0), (1, 0)], [(1, 0)], [(0, 0)]]), (3, 0)),
            ("capacity exceeds applicants", Self.problem([10, 10], [[(0, 3), (1, 1)], [(1, 2)]]), (2, 3)),
            ("a class of capacity 0", Self.problem([0, 1], [[(0, 1), (1, 9)], [(0, 1)]]), (1, 9)),
            ("parallel arcs: the cheaper counts", Self.problem([1], [[(0, 7), (0, 3), (0, 5)]]), (1, 3)),
            ("cardinality before cost", Self.problem([1, 1], [[(0, 1), (1, 100)], [(0, 2)]]), (2, 102)),
            ("a long augmenting path", Self.problem([1, 1, 1], [[(0, 1)], [(0, 1), (1, 1)], [(1, 1), (2, 1)]]), (3, 3)),
            ("cheapest exchange", Self.problem([1, 1], [[(0, 1), (1, 3)], [(0, 2), (1, 9)]]), (2, 5)),
            ("one applicant, many classes", Self.problem([1, 1, 1], [[(2, 4), (0, 6), (1, 5)]]), (1, 4)),
        ]
        for (name, p, expected) in cases {
            #expect(p.validationError() == nil, "\(name)")
            #expect(Self.bruteForce(p) == expected, "\(name): the brute force disagrees with the expectation")
            Self.checkAllStrategies(p, expected: expected, seed: 0)
        }
    }

    @Test("warm start from hand-made certified prices: a capacity-0 class priced far above the reward")
    func warmStartFromExtremePrices() {
        // Class 0 has no room, so any price certifies it; the seed caps it at M.
        let p = Self.problem([0, 1, 2], [[(0, 1), (1, 9)], [(0, 1)], [(2, 4), (1, 3)], [(2, 0)]])
        let reward = 3 * 9 + 1
        for price0 in [0, reward, 5 * reward, 1 << 40] {
            let none = Self.subproblem(p) { _, _ in false }
            let start = TransportationSolution(
                sinkOf: [-1, -1, -1, -1], assigned: 0, totalCost: 0, classPrice: [price0, 0, 0], unitReward: reward)
            #expect(TransportationSolver.certify(start, for: none) == nil)
            let s = TransportationSolver.solve(p, strategy: .slots, minimumReward: reward, warmStart: start, progress: nil)
            #expect((s.assigned, s.totalCost) == Self.bruteForce(p), "price \(price0)")
            #expect(TransportationSolver.certify(s, for: p) == nil, "price \(price0)")
        }
    }

    @Test("the auction seed: along arcs, within capacity, prices ≥ 0", arguments: 0..<UInt64(8))
    func auctionSeedIsAnAllocation(batch: UInt64) {
        for k in 0..<UInt64(25) {
            let seed = 70_000 + batch * 1000 + k
            let p = Self.randomProblem(seed: seed, k % 2 == 0 ? .tiny : .mid)
            let maxCost = Int(p.arcCost.max() ?? 0)
            let reward = p.sinkCount * maxCost + 1
            let s = AuctionSeed.seed(
                p, reward: reward, maxCost: maxCost, mode: k % 3 == 0 ? .plentiful : .balanced, increment: Int(k % 5) + 1)
            var load = [Int](repeating: 0, count: p.sinkCount)
            for i in 0..<p.sourceCount where s.sinkOf[i] >= 0 {
                let j = s.sinkOf[i]
                #expect((p.arcStart[i]..<p.arcStart[i + 1]).contains { p.arcSink[$0] == j }, "seed \(seed): applicant \(i) given a class off its arcs")
                load[Int(j)] += 1
            }
            #expect((0..<p.sinkCount).allSatisfy { load[$0] <= p.capacities[$0] }, "seed \(seed): a class over capacity")
            #expect(s.classPrice.allSatisfy { $0 >= 0 }, "seed \(seed)")
        }
    }

    @Test("the auction seed stops at its work cap in a price war, and the solve is still exact")
    func auctionSeedPriceWar() {
        // Three applicants want two one-place classes equally; a far arc makes maxCost large, so the
        // prices would climb a million times by one. The work cap cuts the war short.
        let p = Self.problem(
            [1, 1, 1], [[(0, 5), (1, 5)], [(0, 5), (1, 5)], [(0, 5), (1, 5), (2, 1_000_000)]])
        let reward = 3 * 1_000_000 + 1
        let s = AuctionSeed.seed(p, reward: reward, maxCost: 1_000_000, mode: .balanced)
        // Run to the end, the war would lift classes 0 and 1 about a million above their start
        // (until class 2 is as good); the cap stops it within a few hundred bids.
        let start = reward - 1_000_000 - 1
        #expect(s.classPrice[0] < start + 500_000 && s.classPrice[1] < start + 500_000, "\(s.classPrice)")
        #expect(s.classPrice.allSatisfy { $0 >= 0 })
        for mode in [AuctionSeed.Mode.balanced, .plentiful] {
            let solved = TransportationSolver.solve(p, strategy: .slots, minimumReward: reward, auctionSeed: mode, progress: nil)
            #expect((solved.assigned, solved.totalCost) == Self.bruteForce(p), "\(mode)")
            #expect(TransportationSolver.certify(solved, for: p) == nil, "\(mode)")
        }
    }

    @Test("malformed problems are reported")
    func malformed() {
        #expect(TransportationProblem(capacities: [1], arcStart: [], arcSink: [], arcCost: []).validationError() != nil)
        #expect(TransportationProblem(capacities: [1], arcStart: [1], arcSink: [0], arcCost: [1]).validationError() != nil)
        #expect(TransportationProblem(capacities: [1], arcStart: [0, 2], arcSink: [0], arcCost: [1]).validationError() != nil)
        #expect(TransportationProblem(capacities: [1], arcStart: [0, 1], arcSink: [1], arcCost: [1]).validationError() != nil)
        #expect(TransportationProblem(capacities: [1], arcStart: [0, 1], arcSink: [0], arcCost: [-1]).validationError() != nil)
        #expect(TransportationProblem(capacities: [-1], arcStart: [0, 1], arcSink: [0], arcCost: [1]).validationError() != nil)
        #expect(TransportationProblem(capacities: [1], arcStart: [0, 1, 0], arcSink: [0], arcCost: [1]).validationError() != nil)
    }

    // MARK: - The certificate

    /// Rebuilds assigned/totalCost honestly from sinkOf, so only optimality (not bookkeeping) is off.
    static func recount(_ s: TransportationSolution, _ p: TransportationProblem) -> TransportationSolution {
        var s = s
        let arcs = cheapestArcs(p)
        s.assigned = s.sinkOf.filter { $0 != -1 }.count
        s.totalCost = s.sinkOf.enumerated().reduce(0) { $0 + ($1.element == -1 ? 0 : arcs[$1.offset][Int($1.element)] ?? 0) }
        return s
    }

    @Test("certify rejects corrupted solutions", arguments: 0..<UInt64(30))
    func certifyRejectsCorruption(seed: UInt64) {
        let p = Self.randomProblem(seed: 70_000 + seed, .mid)
        let s = TransportationSolver.solve(p)
        #expect(TransportationSolver.certify(s, for: p) == nil)
        let arcs = Self.cheapestArcs(p)
        let assignedApplicants = (0..<p.sourceCount).filter { s.sinkOf[$0] != -1 }
        var load = [Int](repeating: 0, count: p.sinkCount)
        for k in s.sinkOf where k != -1 { load[Int(k)] += 1 }
        let context = "seed \(70_000 + seed)"

        // Non-maximum: drop an assigned applicant.
        if let i = assignedApplicants.first {
            var broken = s
            broken.sinkOf[i] = -1
            #expect(TransportationSolver.certify(Self.recount(broken, p), for: p) != nil, "\(context): dropping \(i) accepted")
        }
        // A swap that costs more.
        search: for a in assignedApplicants {
            for b in assignedApplicants where b > a {
                let ka = Int(s.sinkOf[a]), kb = Int(s.sinkOf[b])
                guard ka != kb, let ab = arcs[a][kb], let ba = arcs[b][ka] else { continue }
                if ab + ba > arcs[a][ka]! + arcs[b][kb]! {
                    var broken = s
                    broken.sinkOf[a] = Int32(kb)
                    broken.sinkOf[b] = Int32(ka)
                    #expect(TransportationSolver.certify(Self.recount(broken, p), for: p) != nil, "\(context): costlier swap accepted")
                    break search
                }
            }
        }
        // Over capacity: put an applicant into a full class it has an arc to.
        over: for i in 0..<p.sourceCount {
            for (j, _) in arcs[i] where load[j] == p.capacities[j] && Int(s.sinkOf[i]) != j {
                var broken = s
                broken.sinkOf[i] = Int32(j)
                #expect(TransportationSolver.certify(Self.recount(broken, p), for: p) != nil, "\(context): over capacity accepted")
                break over
            }
        }
        // Assigned to a class without an arc.
        if let i = (0..<p.sourceCount).first(where: { arcs[$0].count < p.sinkCount }) {
            let j = (0..<p.sinkCount).first { arcs[i][$0] == nil }!
            var broken = s
            broken.sinkOf[i] = Int32(j)
            #expect(TransportationSolver.certify(broken, for: p) != nil, "\(context): arc-less assignment accepted")
        }
        // Bookkeeping.
        var wrongCost = s
        wrongCost.totalCost += 1
        #expect(TransportationSolver.certify(wrongCost, for: p) != nil)
        var wrongCount = s
        wrongCount.assigned -= 1
        #expect(TransportationSolver.certify(wrongCount, for: p) != nil)
        // Dual tampering.
        var smallReward = s
        smallReward.unitReward = p.sinkCount * Int(p.arcCost.max() ?? 0)
        #expect(TransportationSolver.certify(smallReward, for: p) != nil)
        if !s.classPrice.isEmpty {
            var negative = s
            negative.classPrice[0] = -1
            #expect(TransportationSolver.certify(negative, for: p) != nil)
        }
        if let j = s.classPrice.firstIndex(where: { $0 > 0 }) {
            var zero = s
            zero.classPrice[j] = 0
            // Some applicant now strictly prefers j, or j no longer explains its members: reject,
            // unless the price really was slack — then the solution is still optimal and must pass.
            let stillTight = TransportationSolver.certify(zero, for: p) == nil
            if stillTight { #expect(TransportationSolver.certify(s, for: p) == nil) }
        }
    }

    @Test("certify rejects a feasible but suboptimal solution with any prices")
    func certifyRejectsSuboptimal() {
        // Optimum: applicant 0 → class 1 (3), applicant 1 → class 0 (2): cost 5. The solution below costs 10.
        let p = Self.problem([1, 1], [[(0, 1), (1, 3)], [(0, 2), (1, 9)]])
        let bad = TransportationSolution(sinkOf: [0, 1], assigned: 2, totalCost: 10, classPrice: [0, 0], unitReward: 100)
        #expect(TransportationSolver.certify(bad, for: p) != nil)
        for a in 0...30 {
            for b in 0...30 {
                let s = TransportationSolution(sinkOf: [0, 1], assigned: 2, totalCost: 10, classPrice: [a, b], unitReward: 19)
                #expect(TransportationSolver.certify(s, for: p) != nil, "prices \(a), \(b) certified a suboptimal solution")
            }
        }
        let good = TransportationSolver.solve(p)
        #expect(good.totalCost == 5 && TransportationSolver.certify(good, for: p) == nil)
    }

    @Test("certify rejects over-capacity, arc-less and out-of-range assignments even with consistent prices")
    func certifyRejectsInfeasible() {
        // M = 9 > 2 classes × cost 4. Class 0 must be priced 9 (its loser would otherwise want it).
        let p = Self.problem([1, 1], [[(0, 0)], [(0, 0)], [(1, 4)]])
        let valid = TransportationSolution(sinkOf: [0, -1, 1], assigned: 2, totalCost: 4, classPrice: [9, 0], unitReward: 9)
        #expect(TransportationSolver.certify(valid, for: p) == nil)
        let overCapacity = TransportationSolution(sinkOf: [0, 0, 1], assigned: 3, totalCost: 4, classPrice: [0, 0], unitReward: 9)
        #expect(TransportationSolver.certify(overCapacity, for: p) != nil)
        let arcless = TransportationSolution(sinkOf: [0, 1, 1], assigned: 3, totalCost: 4, classPrice: [9, 0], unitReward: 9)
        #expect(TransportationSolver.certify(arcless, for: p) != nil)
        let outOfRange = TransportationSolution(sinkOf: [0, -1, 2], assigned: 2, totalCost: 4, classPrice: [9, 0], unitReward: 9)
        #expect(TransportationSolver.certify(outOfRange, for: p) != nil)
        let shortPrices = TransportationSolution(sinkOf: [0, -1, 1], assigned: 2, totalCost: 4, classPrice: [9], unitReward: 9)
        #expect(TransportationSolver.certify(shortPrices, for: p) != nil)
    }

    // MARK: - Determinism and progress

    @Test("same input, same output; progress is monotone and ends at 1")
    func determinismAndProgress() {
        for seed in UInt64(0)..<5 {
            let p = Self.spatialProblem(seed: 80_000 + seed, applicants: 800, classes: 40)
            let a = TransportationSolver.solve(p)
            let b = TransportationSolver.solve(p)
            #expect(a == b, "seed \(80_000 + seed)")
            let log = Locked<[Double]>([])
            let c = TransportationSolver.solve(p) { fraction in log.withLock { $0.append(fraction) } }
            let values = log.value
            #expect(c == a)
            #expect(values == values.sorted())
            #expect(values.last == 1)
            #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }
}
