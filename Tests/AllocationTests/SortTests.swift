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
}
