import TestSupport
import Testing

@testable import Allocation

/// The restricted problem's arc set (`ArcSet`, CSR) against a plain model: a dictionary per
/// applicant, merged round after round in random parts.
@Suite struct ArcSetTests {
    @Test("merging random rounds equals a dictionary per applicant", arguments: 0..<UInt64(40))
    func randomRounds(seed: UInt64) {
        var r = SplitMix64(seed: 0xA5C_5E7 &+ seed)
        let n = r.int(0...60)
        let classes = r.int(1...40)
        var set = ArcSet(count: n)
        var model = Array(repeating: [Int32: Int32](), count: n)
        for _ in 0..<r.int(1...6) {
            // Chunks of ascending applicants, as Parallel.map returns them; some chunks empty.
            var parts: [ArcSet.Part] = []
            var a = 0
            while a < n {
                let end = min(n, a + r.int(1...20))
                var part = ArcSet.Part()
                for x in a..<end where r.chance(0.4) {
                    var arcs: [(sink: Int32, cost: Int32)] = []
                    for _ in 0..<r.int(0...5) {
                        let c = Int32(r.int(0...(classes - 1)))
                        if model[x][c] == nil && !arcs.contains(where: { $0.sink == c }) {
                            arcs.append((c, Int32(r.int(0...1000))))
                        }
                    }
                    for arc in arcs { model[x][arc.sink] = arc.cost }
                    part.append(applicant: x, arcs)
                }
                parts.append(part)
                a = end
            }
            set.merge(&parts)
            #expect(parts.isEmpty)
            let p = set.problem(capacities: Array(repeating: 1, count: classes))
            #expect(p.validationError() == nil)
            #expect(p.sourceCount == n && set.count == model.reduce(0) { $0 + $1.count })
            for x in 0..<n {
                let expected = model[x].sorted { $0.key < $1.key }
                let got = (p.arcStart[x]..<p.arcStart[x + 1]).map { (p.arcSink[$0], p.arcCost[$0]) }
                #expect(got.map(\.0) == expected.map(\.key) && got.map(\.1) == expected.map(\.value), "seed \(seed), applicant \(x)")
                for c in 0..<Int32(classes) {
                    #expect(set.cost(applicant: x, sink: c) == model[x][c].map(Int.init))
                }
            }
        }
    }
}
