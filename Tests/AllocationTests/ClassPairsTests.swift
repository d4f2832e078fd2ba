import TestSupport
import Testing

@testable import Allocation

/// `ClassPairs` against a plain recount: after every listing and every move, each class's pairs
/// must be exactly the classes its listed, seated applicants sit in, each with the least
/// (c(i, j) − c(i, k), key) of its members.
@Suite struct ClassPairsTests {
    @Test("class-pair minima equal a plain recount after every listing and move", arguments: 0..<UInt64(60))
    func pairsMatchRecount(seed: UInt64) {
        let shape: TransportationSolverTests.Shape = seed % 3 == 0 ? .tiny : .mid
        let p = TransportationSolverTests.randomProblem(seed: seed, shape)
        guard p.arcCount > 0 else { return }
        let arcs = ClassArcs<UInt32>(p, minCost: p.arcCost.min()!, maxCost: p.arcCost.max()!, initialLength: { _, _ in 1 })
        let pairs = ClassPairs(arcs: arcs, arcStart: p.arcStart)
        let seat = filled(TransportationSeat(cls: -1, cost: 0), p.sourceCount)
        defer { seat.deallocate() }
        var r = TransportationSolverTests.random(seed: seed ^ 0xC1A5_5E5)
        // Some applicants seated before anything is listed, as a warm start leaves them.
        for i in 0..<p.sourceCount where p.arcStart[i + 1] > p.arcStart[i] && r.chance(0.5) {
            let e = p.arcStart[i] + r.int(0...(p.arcStart[i + 1] - p.arcStart[i] - 1))
            seat[i] = TransportationSeat(cls: p.arcSink[e], cost: p.arcCost[e])
        }
        var listings = 0, moves = 0
        for _ in 0..<(3 * p.arcCount + 20) {
            if r.chance(0.25) {
                let j = r.int(0...(p.sinkCount - 1))
                let before = arcs.listEnd[j]
                if arcs.extend(j) {
                    pairs.listed(j, before..<arcs.listEnd[j], seat: seat)
                    listings += 1
                }
            } else {
                let i = r.int(0...(p.sourceCount - 1))
                let arcCount = p.arcStart[i + 1] - p.arcStart[i]
                guard arcCount > 0 else { continue }
                let old = Int(seat[i].cls)
                var new = TransportationSeat(cls: -1, cost: 0)
                if r.chance(0.85) {
                    let e = p.arcStart[i] + r.int(0...(arcCount - 1))
                    new = TransportationSeat(cls: p.arcSink[e], cost: p.arcCost[e])
                }
                guard Int(new.cls) != old else { continue }
                seat[i] = new
                pairs.move(i, from: old, to: Int(new.cls), seat: seat)
                moves += 1
            }
            if let problem = Self.mismatch(pairs, arcs, seat) {
                Issue.record("seed \(seed), after \(listings) listings and \(moves) moves: \(problem)")
                return
            }
        }
        #expect(listings > 0 && moves > 0, "seed \(seed): the walk must both list and move")
    }

    /// The first class whose pairs differ from a recount, described.
    static func mismatch(_ pairs: ClassPairs<UInt32>, _ arcs: ClassArcs<UInt32>, _ seat: UnsafeMutablePointer<TransportationSeat>) -> String? {
        for j in 0..<arcs.classCount {
            var expected: [Int: (value: Int, key: UInt32)] = [:]
            for q in arcs.segmentStart[j]..<arcs.listEnd[j] {
                let key = arcs.keys[q]
                let i = arcs.applicant(key), k = Int(seat[i].cls)
                guard k >= 0 && k != j else { continue }
                let v = arcs.cost(key) - Int(seat[i].cost)
                if let m = expected[k], (m.value, m.key) <= (v, key) { continue }
                expected[k] = (v, key)
            }
            var actual: [Int: (value: Int, key: UInt32)] = [:]
            for entry in pairs.active[j] {
                let k = Int(entry.k)
                if actual[k] != nil { return "class \(j) lists class \(k) twice" }
                actual[k] = (Int(entry.minValue), arcs.keys[Int(entry.minPosition)])
            }
            if Set(expected.keys) != Set(actual.keys) {
                return "class \(j): pairs with \(actual.keys.sorted()), recount \(expected.keys.sorted())"
            }
            for (k, e) in expected where actual[k]!.value != e.value || actual[k]!.key != e.key {
                return "class \(j), pair with \(k): minimum \(actual[k]!), recount \(e)"
            }
        }
        return nil
    }
}
