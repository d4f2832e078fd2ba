import TestSupport
import Testing

@testable import Allocation

/// The engine's allocation-free sort for per-applicant project lists must agree with the
/// standard library's on every shape: empty, tiny, duplicates, sorted, reversed, random.
@Suite struct SortTests {
    @Test("sortInPlace equals Array.sort", arguments: 0..<UInt64(300))
    func matchesStandardSort(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let count = Int(rng.next() % 300)
        let range = seed % 3 == 0 ? 4 : UInt64.max  // many duplicates in every third case
        var values = (0..<count).map { _ in rng.next() % range }
        if seed % 7 == 1 { values.sort() }
        if seed % 7 == 2 { values.sort(by: >) }
        var mine = values
        mine.withUnsafeMutableBufferPointer { ProjectLists.sortInPlace($0) }
        #expect(mine == values.sorted())
    }

    /// Runs shaped like lists (`minutes << 32 | project`): long enough for the counting path,
    /// minutes spanning from one value to more values than keys (quicksort again), buckets
    /// short and long, projects repeated or not, in random, sorted and reversed order.
    @Test("list-shaped runs, counted into buckets or not, sort as Array.sort does", arguments: 0..<UInt64(400))
    func listShaped(seed: UInt64) {
        var rng = SplitMix64(seed: 0x5_0B7 &+ seed)
        let count = Int(rng.next() % 700)
        let span = UInt64([1, 2, 5, 60, 300, 2000][Int(seed % 6)])
        let base = rng.next() % 4_000_000_000
        let projects = seed % 5 == 0 ? UInt64(8) : UInt64(1 << 32)
        var values = (0..<count).map { _ in (base + rng.next() % span) << 32 | rng.next() % projects }
        if seed % 7 == 1 { values.sort() }
        if seed % 7 == 2 { values.sort(by: >) }
        var mine = values
        mine.withUnsafeMutableBufferPointer { ProjectLists.sortInPlace($0) }
        #expect(mine == values.sorted(), "seed \(seed)")
        var quick = values
        quick.withUnsafeMutableBufferPointer { ProjectLists.quicksort($0) }
        #expect(quick == values.sorted(), "seed \(seed)")
    }
}
