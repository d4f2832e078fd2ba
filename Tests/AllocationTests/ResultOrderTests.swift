import TestSupport
import Testing

@testable import Allocation

/// The engine makes result rows directly in applicant-id order (byte-wise), from an index
/// permutation: checked against a plain sort, and on rounds large enough that the rows
/// are made in many parallel chunks.
@Suite struct ResultOrderTests {
    @Test("idOrder equals a plain byte-wise sort of the ids", arguments: 0..<UInt64(40))
    func idOrderMatchesPlainSort(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("Aa0-_.zZ浦东é9") + ["🏠"]
        let count = Int(rng.next() % 3000)
        var ids = Set<String>()
        while ids.count < count {
            let length = 1 + Int(rng.next() % 8)
            ids.insert(String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
        }
        var list = Array(ids)
        if seed % 4 == 0 {
            list.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }  // already in order
        } else {
            for i in stride(from: list.count - 1, to: 0, by: -1) { list.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        }
        let applicants = list.map { Self.applicant(id: $0) }
        let order = Allocator.idOrder(applicants).map { list[Int($0)] }
        let plain = list.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(order == plain)
        #expect(Set(Allocator.idOrder(applicants)).count == list.count)
    }

    @Test(
        "a large round's rows are the same, in id order, whatever the input order",
        arguments: [Mechanism.serial, .deferredAcceptance], 0..<UInt64(3))
    func largeShuffledRound(mechanism: Mechanism, instance: UInt64) {
        let g = RandomInstance(seed: 7100 + instance, shape: .large)
        let first = Allocator.run(g.input, mechanism: mechanism, seed: g.seed)
        let shuffled = Allocator.run(g.shuffled(seed: instance), mechanism: mechanism, seed: g.seed)
        #expect(first.rows.count == g.input.applicants.count)
        #expect(EngineDeterminismTests.rowDifferences(first, shuffled).isEmpty)
        let ids = first.rows.map { Array($0.applicantID.utf8) }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
    }

    static func applicant(id: String) -> Applicant {
        var a = RandomInstance(seed: 1, shape: .tiny).input.applicants[0]
        a.id = id
        return a
    }
}
