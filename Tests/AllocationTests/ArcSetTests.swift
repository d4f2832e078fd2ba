import TestSupport
import Testing

@testable import Allocation

/// The restricted problem's arc set (`ArcSet`, CSR) against a plain model: a dictionary per
/// applicant, merged round after round in random parts.
@Suite struct ArcSetTests {
    /// Each round's problem either kept until after the next merge (arrays shared: Swift copies
    /// them) or let go first (the merge moves arcs in place when the arrays have room); rounds
    /// adding more arcs than the room left take the copying merge.
    @Test("merging random rounds equals a dictionary per applicant", arguments: 0..<UInt64(80))
    func randomRounds(seed: UInt64) {
        let keepProblem = seed % 2 == 0
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
                    for _ in 0..<r.int(0...(r.chance(0.1) ? 30 : 5)) {
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
            let kept = keepProblem ? set.problem(capacities: []) : nil
            set.merge(&parts)
            #expect(parts.isEmpty)
            if let kept { #expect(kept.arcCount <= set.count) }
            let p = set.problem(capacities: Array(repeating: 1, count: classes))
            #expect(p.validationError() == nil, "seed \(seed)")
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

    /// The memory the in-place merge is for: with room in the arrays and nothing else holding
    /// them, a round's arcs go into the same storage (a copy would double the set's memory at the
    /// moment a million-applicant round peaks).
    @Test("a merge with room and unshared arrays keeps their storage")
    func inPlace() {
        var set = ArcSet(count: 4)
        func part(_ arcs: [Int: [(sink: Int32, cost: Int32)]]) -> [ArcSet.Part] {
            var part = ArcSet.Part()
            for a in arcs.keys.sorted() { part.append(applicant: a, arcs[a]!) }
            return [part]
        }
        var first = part([0: [(5, 50), (1, 10)], 2: [(3, 30)], 3: [(2, 20), (4, 40)]])
        set.merge(&first)
        let address = set.sink.withUnsafeBufferPointer { $0.baseAddress }
        var second = part([0: [(3, 31)], 1: [(0, 1)], 3: [(3, 33), (9, 99)]])
        set.merge(&second)
        #expect(set.sink.withUnsafeBufferPointer { $0.baseAddress } == address)
        let p = set.problem(capacities: Array(repeating: 1, count: 10))
        #expect(p.arcStart == [0, 3, 4, 5, 9])
        #expect(p.arcSink == [1, 3, 5, 0, 3, 2, 3, 4, 9])
        #expect(p.arcCost == [10, 31, 50, 1, 30, 20, 33, 40, 99])
    }
}
