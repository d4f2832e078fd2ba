import Foundation
import Testing

@testable import Allocation
import TestSupport

/// What the engine reads on the idle core while serial runs
/// (`Parallel.Ahead`) must not change anything, however far the reading got.
@Suite struct ReadAheadTests {
    @Test("concurrently runs its second piece on another thread, at every depth of nesting")
    func nestedConcurrently() {
        // Four levels, as input reading nests them: 16 leaves, each on the thread it reports.
        func tree(_ depth: Int, _ base: Int) -> [(Int, pthread_t)] {
            if depth == 0 { return [(base, pthread_self())] }
            let (left, right) = concurrently({ tree(depth - 1, base * 2) }, { tree(depth - 1, base * 2 + 1) })
            return left + right
        }
        let leaves = tree(4, 0)
        #expect(leaves.map(\.0) == Array(0..<16))
        // The leftmost leaf ran on the caller's thread, each right sibling on one of its own.
        #expect(leaves[0].1 == pthread_self())
        #expect(Set(leaves.map { UInt($0.1) }).count > 1)
        #expect(leaves[1].1 != leaves[0].1)

        let background = Parallel.Background { (1...1000).reduce(0, +) }
        #expect(background.value() == 500_500)
    }

    @Test("Ahead returns items 0..<covered in order, whenever it is stopped", arguments: [0, 1, 2047, 2048, 2049, 50_000])
    func aheadPrefix(count: Int) {
        // Stopped at once, after a while, and after it surely finished.
        for wait in [0.0, 0.002, 0.5] {
            let ahead = Parallel.Ahead(count: count, prepare: { 3 }) { factor, range in range.map { $0 * factor } }
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            let (prepared, parts, covered) = ahead.take()
            #expect(prepared == 3)
            #expect(covered >= 0 && covered <= count)
            #expect(parts.flatMap { $0 } == (0..<covered).map { $0 * 3 }, "count \(count), wait \(wait)")
            if wait == 0.5 { #expect(covered == count, "count \(count): not finished after 0.5 s") }
        }
    }

    @Test("explanations are the same whichever prefix of summaries was read ahead", arguments: 0..<UInt64(60))
    func summariesAfterAnyPrefix(instance: UInt64) {
        let g = RandomInstance(seed: 9_000 + instance, shape: instance % 3 == 0 ? .large : .medium)
        let m = Market(g.input, seed: g.seed)
        let n = g.input.applicants.count
        let nearest = NearestLists(m)
        let slotPositionOf = SerialMechanism.run(m, nearest, progress: nil)
        let fresh = Summaries(nearest, slotPositionOf: slotPositionOf)
        var rng = SplitMix64(seed: instance)
        for k in [0, 1, n / 2, n, Int(rng.next() % UInt64(n + 1))] {
            let ahead = (0..<k).map { Summaries.store(nearest, $0) }
            let after = Summaries(nearest, slotPositionOf: slotPositionOf, after: ahead)
            for a in 0..<n where slotPositionOf[a] < 0 {
                let x = fresh.summary(of: a), y = after.summary(of: a)
                #expect(x.count == y.count && x.top == y.top, "instance \(instance), prefix \(k), applicant \(a)")
            }
            // Ineligible reasons read ahead are the ones the explanations would give.
            let read = Dictionary(
                uniqueKeysWithValues: (0..<k).filter { after.summary(of: $0).count == 0 }.map {
                    (Int32($0), Explanations.ineligible(m, $0))
                })
            let withRead = Explanations(m, after, mechanism: .serial, slotPositionOf: slotPositionOf, ineligibleRead: read)
            let without = Explanations(m, fresh, mechanism: .serial, slotPositionOf: slotPositionOf)
            for a in 0..<n where slotPositionOf[a] < 0 {
                let x = withRead.reason(a), y = without.reason(a)
                #expect(x.0 == y.0 && x.1.english == y.1.english, "instance \(instance), prefix \(k), applicant \(a)")
            }
        }
    }
}
