import TestSupport
import Testing

@testable import Allocation

/// `OptimalFace`: the arcs some optimum uses, against the union over every optimum found by
/// exhaustive search; and the canonical optimum, the same whichever optimum (and which
/// solver's prices, successive shortest paths' or cost scaling's) it starts from.
@Suite struct OptimalFaceTests {
    typealias T = TransportationSolverTests

    /// Every arc with zero reduced cost under `s`'s prices (the cheapest per applicant and class),
    /// each applicant's in ascending class order: what `OptimalMechanism.tightArcs` hands over.
    static func tightArcs(_ p: TransportationProblem, _ s: TransportationSolution) -> TransportationProblem {
        var start = [0], sink: [Int32] = [], cost: [Int32] = []
        for arcs in T.cheapestArcs(p) {
            let surplus = arcs.map { s.unitReward - $0.value - s.classPrice[$0.key] }.max() ?? 0
            for (j, c) in arcs.sorted(by: { $0.key < $1.key }) where s.unitReward - c - s.classPrice[j] == max(0, surplus) {
                sink.append(Int32(j))
                cost.append(Int32(c))
            }
            start.append(sink.count)
        }
        return TransportationProblem(capacities: p.capacities, arcStart: start, arcSink: sink, arcCost: cost)
    }

    /// Every optimal assignment (class per applicant, -1 unassigned), by exhaustive search.
    static func allOptima(_ p: TransportationProblem) -> [[Int32]] {
        let options = T.cheapestArcs(p).map { $0.sorted { $0.key < $1.key } }
        var load = [Int](repeating: 0, count: p.sinkCount)
        var best = (assigned: -1, cost: 0)
        var found: [[Int32]] = []
        var current = [Int32](repeating: -1, count: options.count)
        func visit(_ i: Int, _ assigned: Int, _ cost: Int) {
            if i == options.count {
                if assigned > best.assigned || (assigned == best.assigned && cost < best.cost) {
                    best = (assigned, cost)
                    found = []
                }
                if assigned == best.assigned && cost == best.cost { found.append(current) }
                return
            }
            current[i] = -1
            visit(i + 1, assigned, cost)
            for (j, c) in options[i] where load[j] < p.capacities[j] {
                load[j] += 1
                current[i] = Int32(j)
                visit(i + 1, assigned + 1, cost + c)
                load[j] -= 1
            }
            current[i] = -1
        }
        visit(0, 0, 0)
        return found
    }

    static func arcs(_ p: TransportationProblem) -> Set<[Int]> {
        var out = Set<[Int]>()
        for i in 0..<p.sourceCount {
            for e in p.arcStart[i]..<p.arcStart[i + 1] { out.insert([i, Int(p.arcSink[e]), Int(p.arcCost[e])]) }
        }
        return out
    }

    /// `s` with another assignment of the same cardinality and cost, keeping its prices.
    static func with(_ sinkOf: [Int32], _ s: TransportationSolution, _ p: TransportationProblem) -> TransportationSolution {
        let cheapest = T.cheapestArcs(p)
        var total = 0
        for (i, j) in sinkOf.enumerated() where j >= 0 { total += cheapest[i][Int(j)]! }
        return TransportationSolution(
            sinkOf: sinkOf, assigned: sinkOf.filter { $0 >= 0 }.count, totalCost: total, classPrice: s.classPrice,
            unitReward: s.unitReward)
    }

    /// Tiny, with costs of 0 to 2 minutes: ties are the rule.
    static let tiesShape = T.Shape(applicants: 2...7, classes: 1...4, capacity: 1...3, arcsPerApplicant: 1...4, cost: 0...2)

    @Test("tiny instances: the face is the union of every optimum's arcs, and each optimum gives one canonical answer",
          arguments: 0..<UInt64(40))
    func tinyAgainstEveryOptimum(batch: UInt64) {
        var multiple = 0
        for k in 0..<UInt64(25) {
            let seed = batch * 25 + k
            let p = T.randomProblem(seed: seed, Self.tiesShape)
            let optima = Self.allOptima(p)
            var union = Set<[Int]>()
            let cheapest = T.cheapestArcs(p)
            for x in optima {
                for (i, j) in x.enumerated() where j >= 0 { union.insert([i, Int(j), cheapest[i][Int(j)]!]) }
            }
            if optima.count > 1 { multiple += 1 }
            var answers = Set<[Int32]>()
            let paths = TransportationSolverTests.strategies.map { ("\($0)", TransportationSolver.solve(p, strategy: $0, progress: nil)) }
                + [("cost scaling", ReferenceCostScaling.solve(p))]
            for (strategy, solved) in paths {
                let tight = Self.tightArcs(p, solved)
                // Any optimum satisfies complementary slackness with any optimal prices.
                for x in optima {
                    let s = Self.with(x, solved, p)
                    guard TransportationSolver.certify(s, for: p) == nil else {
                        Issue.record("seed \(seed): optimum \(x) not certified by \(strategy)'s prices\n\(T.describe(p))")
                        continue
                    }
                    let face = OptimalFace.support(tight: tight, of: s)
                    #expect(
                        Self.arcs(face) == union,
                        Comment(rawValue: "seed \(seed), \(strategy), from \(x): face \(Self.arcs(face).sorted { $0.lexicographicallyPrecedes($1) }) "
                            + "but the optima use \(union.sorted { $0.lexicographicallyPrecedes($1) })\n\(T.describe(p))"))
                    let canonical = OptimalFace.canonical(tight: tight, of: s)
                    #expect(optima.contains(canonical.sinkOf), "seed \(seed): canonical \(canonical.sinkOf) is not optimal")
                    answers.insert(canonical.sinkOf)
                }
            }
            #expect(
                answers.count == 1,
                Comment(rawValue: "seed \(seed): \(answers.count) different canonical answers \(answers)\n\(T.describe(p))"))
        }
        // The batch must exercise ties, or it proves nothing about them.
        #expect(multiple >= 8, "only \(multiple) of 25 instances have tied optima")
    }

    @Test("mid-size and spatial instances: every solver path gives the same canonical answer", arguments: 0..<UInt64(4))
    func midSizeAcrossSolverPaths(batch: UInt64) {
        var pathsDiffered = 0
        for seed in batch * 8..<batch * 8 + 8 {
            let p = seed % 2 == 0 ? T.randomProblem(seed: seed, .mid) : T.spatialProblem(seed: seed, applicants: 150, classes: 25)
            let expected = T.referenceOptimum(p)
            var runs = TransportationSolverTests.strategies.map { TransportationSolver.solve(p, strategy: $0, progress: nil) }
            runs.append(TransportationSolver.solve(p, strategy: .slots, initialListLength: { _, _ in 1 }, progress: nil))
            // A larger reward changes the prices but not the optima.
            runs.append(TransportationSolver.solve(p, minimumReward: 1 << 40))
            // Another algorithm altogether.
            runs.append(ReferenceCostScaling.solve(p))
            var answers = Set<[Int32]>()
            if runs.contains(where: { $0.sinkOf != runs[0].sinkOf }) { pathsDiffered += 1 }
            for s in runs {
                #expect(TransportationSolver.certify(s, for: p) == nil, "seed \(seed)")
                let c = OptimalFace.canonical(tight: Self.tightArcs(p, s), of: s)
                #expect(c.assigned == expected.assigned && c.totalCost == expected.cost, "seed \(seed)")
                #expect(T.feasibilityProblem(c, p) == nil, "seed \(seed)")
                answers.insert(c.sinkOf)
            }
            #expect(answers.count == 1, "seed \(seed): \(answers.count) different canonical answers")
        }
        // Else the batch would not show that the answer is independent of the path.
        #expect(pathsDiffered >= 3, "the solver paths found different optima on only \(pathsDiffered) of 8 instances")
    }

    @Test("degenerate problems: empty, arc-less, zero capacity, all tied, a single optimum")
    func degenerate() {
        let cases: [(String, TransportationProblem)] = [
            ("zero applicants", T.problem([2, 3], [])),
            ("zero applicants, zero classes", T.problem([], [])),
            ("applicants without arcs", T.problem([2], [[], [], []])),
            ("applicants, no classes", T.problem([], [[], []])),
            ("a class of capacity 0", T.problem([0, 1], [[(0, 1), (1, 9)], [(0, 1)]])),
            ("every class of capacity 0", T.problem([0, 0], [[(0, 1), (1, 2)], [(1, 1)]])),
            ("all costs zero, more applicants than room", T.problem([2, 1], [[(0, 0)], [(0, 0), (1, 0)], [(1, 0)], [(0, 0)]])),
            ("all tied, room to spare", T.problem([3, 3], [[(0, 4), (1, 4)], [(0, 4), (1, 4)]])),
            ("parallel arcs", T.problem([1], [[(0, 7), (0, 3), (0, 5)]])),
            ("a single optimum", T.problem([1, 1], [[(0, 1), (1, 3)], [(0, 2), (1, 9)]])),
        ]
        for (name, p) in cases {
            let optima = Self.allOptima(p)
            let s = TransportationSolver.solve(p)
            let c = OptimalFace.canonical(tight: Self.tightArcs(p, s), of: s)
            #expect(optima.contains(c.sinkOf), "\(name): \(c.sinkOf) is not an optimum")
            if optima.count == 1 { #expect(c.sinkOf == s.sinkOf, "\(name)") }
        }
    }

    @Test("strongly connected components: a cycle, a chain, a self-contained node")
    func components() {
        // 0 → 1 → 2 → 0, 2 → 3, 3 → 4, 4 → 3, 5 alone.
        let edges = [[1], [2], [0, 3], [4], [3], []]
        var first = [0], head: [Int32] = []
        for out in edges {
            head += out.map(Int32.init)
            first.append(head.count)
        }
        let c = OptimalFace.stronglyConnectedComponents(first: first, head: head)
        #expect(c[0] == c[1] && c[1] == c[2])
        #expect(c[3] == c[4] && c[3] != c[0])
        #expect(c[5] != c[0] && c[5] != c[3])
    }
}
