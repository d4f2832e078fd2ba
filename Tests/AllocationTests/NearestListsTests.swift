import Testing

@testable import Allocation
import TestSupport

/// The lazy, nearest-first preference lists against the eager `ProjectLists` they replace
/// for serial and deferred acceptance: band after band they must give exactly each
/// applicant's eager list, whatever the band edges.
@Suite struct NearestListsTests {
    /// First band radii from far below a project's spacing to beyond the Earth's.
    static let radii: [Double] = [0.05, 0.7, 1.5, 6, 40_000]

    static func check(_ g: RandomInstance, instance: UInt64) {
        let m = Market(g.input, seed: g.seed)
        let eager = ProjectLists(m, progress: nil)
        // 32-bit entries wherever they fit, read back exactly as the 64-bit ones.
        let unpacked = ProjectLists(m, progress: nil, packing: false)
        #expect(eager.isPacked == ProjectLists.packs(m) && !unpacked.isPacked)
        #expect(eager.entryCount == unpacked.entryCount, "instance \(instance): list sizes")
        #expect(
            (0..<g.input.applicants.count).allSatisfy { a in
                eager.range(of: a).map(eager.entry) == unpacked.range(of: a).map(unpacked.entry)
            }, "instance \(instance): packed entries differ from the 64-bit ones")
        for radius in radii {
            let lazy = NearestLists(m, firstRadiusKm: radius)
            let noTable = NearestLists(m, firstRadiusKm: radius, openTableLimit: 0)
            // The latitude scan over the table, without blocks; and blocks of cells widened
            // until at most two blocks' entries fit (so wide blocks, long uncertain bands).
            let noBlocks = NearestLists(m, firstRadiusKm: radius, blockEntryLimit: 0)
            let wideBlocks = NearestLists(m, firstRadiusKm: radius, blockEntryLimit: 2 * m.geometry.count)
            var band: [UInt64] = []
            for a in 0..<g.input.applicants.count {
                var joined: [UInt64] = []
                var k = 0
                var previousUpper = Int.min
                while lazy.band(k, of: a, into: &band) {
                    let upper = lazy.upper(k, of: a)!
                    #expect(upper > previousUpper, "instance \(instance), radius \(radius): band \(k) edge \(upper)")
                    #expect(band == band.sorted(), "instance \(instance), radius \(radius): band \(k) unsorted")
                    for e in band {
                        let tier = ProjectLists.tier(e)
                        #expect(tier > previousUpper && tier <= upper, "instance \(instance): tier \(tier) outside band \(k)")
                    }
                    joined += band
                    previousUpper = upper
                    k += 1
                    if k > 100 { break }
                }
                #expect(k <= 100, "instance \(instance), radius \(radius): bands never end")
                #expect(band.isEmpty, "a missing band leaves the buffer empty")
                let expected = eager.range(of: a).map(eager.entry)
                #expect(
                    joined == expected,
                    "instance \(instance), radius \(radius), applicant \(a): bands \(joined) ≠ list \(expected)")
                // The summary: the count, and the two least keys of first admitting classes, by brute force.
                let keys = expected.map { e -> (key: UInt64, project: Int) in
                    let p = ProjectLists.project(e)
                    let c = m.projectClasses[p].first { m.admits($0, applicant: a) }!
                    return (m.key(group: Int(m.classGroup[c]), tier: ProjectLists.tier(e)), p)
                }.sorted { $0.key < $1.key }
                let summary = lazy.summary(of: a)
                let overEager = NearestLists(m, eager: eager).summary(of: a)
                // Without the table of open projects (asking the market project by project): the same.
                #expect(lazy.open != nil && noTable.open == nil && noBlocks.blocks == nil)
                #expect(lazy.blocks != nil || m.geometry.count == 0)
                for (other, name) in [(noTable, "without the open-project table"), (noBlocks, "without blocks"), (wideBlocks, "with wide blocks")] {
                    let asked = other.summary(of: a)
                    #expect(
                        asked.count == summary.count && asked.top.map(\.key) == summary.top.map(\.key)
                            && asked.top.map(\.project) == summary.top.map(\.project),
                        "instance \(instance), applicant \(a): summary \(name): \(asked) ≠ \(summary)")
                }
                #expect(overEager.count == summary.count && overEager.top.map(\.key) == summary.top.map(\.key), "instance \(instance): summary over the eager lists")
                #expect(summary.count == expected.count, "instance \(instance): open project count")
                #expect(
                    summary.top.map(\.key) == keys.prefix(2).map(\.key) && summary.top.map(\.project) == keys.prefix(2).map(\.project),
                    "instance \(instance), applicant \(a): top two \(summary.top) ≠ \(Array(keys.prefix(2)))")
                if !expected.isEmpty {
                    #expect(lazy.minutes(ofTier: ProjectLists.tier(expected[0])) == eager.minutes(ofTier: ProjectLists.tier(expected[0])))
                }
            }
            // The parallel first bands equal the bands one at a time.
            let order = m.priorityOrder
            let first = lazy.firstBands(of: order[...])
            for (i, a) in order.enumerated() {
                _ = lazy.band(0, of: Int(a), into: &band)
                #expect(Array(first.entries[first.start[i]..<first.start[i + 1]]) == band, "instance \(instance): first band of \(a)")
            }
        }
    }

    @Test("bands joined are the eager list, on small random rounds", arguments: 0..<UInt64(300))
    func smallRounds(instance: UInt64) {
        Self.check(RandomInstance(seed: instance, shape: .medium), instance: instance)
    }

    @Test("limits past 65,535 minutes keep 64-bit entries; bands still equal the lists", arguments: 0..<UInt64(40))
    func limitsPastSixteenBits(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .medium)
        var input = g.input
        input.policy.defaultMaxCommuteMin = 65_536 + Int(instance) * 1_000
        let m = Market(input, seed: g.seed)
        #expect(!ProjectLists.packs(m) && !ProjectLists.needsRankedTiers(m))
        #expect(!ProjectLists(m, progress: nil).isPacked)
        var wide = g
        wide.input = input
        Self.check(wide, instance: instance)
    }

    @Test("every round of the suite's shapes packs (limits and project counts are small)", arguments: 0..<UInt64(40))
    func packsWhenSmall(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .medium)
        let m = Market(g.input, seed: g.seed)
        #expect(ProjectLists.packs(m) == ((m.maxCommute.max() ?? 0) < 65_536))
    }

    @Test("anywhere on Earth: poles, the antimeridian, clusters and reaches of thousands of km", arguments: 0..<UInt64(60))
    func anywhere(instance: UInt64) {
        var g = RandomInstance(seed: 20_000 + instance, shape: .medium)
        var rng = SplitMix64(seed: instance)
        // Places at the poles and on both sides of ±180°, some workplaces on top of each
        // other and some a metre apart, so blocks hold one point, many, or span far.
        let spots: [(Double, Double)] = [(90, 0), (-90, 45), (89.999, 179.9999), (0, 180), (0, -180), (0.00001, -179.99999), (31.2, 121.4), (-33.9, 151.2)]
        func point() -> (Double, Double) {
            if rng.next() % 3 == 0 {
                let s = spots[Int(rng.next() % UInt64(spots.count))]
                let jitter = Double(rng.next() % 1000) * 1e-8
                return (max(-90, min(90, s.0 - jitter)), s.1 == 180 ? s.1 - jitter : s.1 + jitter)
            }
            return (Double(rng.next() % 180_000_001) / 1e6 - 90, Double(rng.next() % 360_000_001) / 1e6 - 180)
        }
        for i in g.input.projects.indices { (g.input.projects[i].lat, g.input.projects[i].lon) = point() }
        for i in g.input.applicants.indices {
            (g.input.applicants[i].workLat, g.input.applicants[i].workLon) = point()
            // Reaches from a few km to the whole planet.
            g.input.applicants[i].maxCommuteMin = [30, 600, 6_000, 60_000][Int(rng.next() % 4)]
        }
        Self.check(g, instance: instance)
    }

    @Test("bands joined are the eager list, on rounds large enough for parallel work", arguments: 7000..<UInt64(7003))
    func largeRounds(instance: UInt64) {
        Self.check(RandomInstance(seed: instance, shape: .large), instance: instance)
    }

    /// Deferred acceptance building the lists as it goes (in chunks of the priority order,
    /// on two threads, each list leaving out the projects that had refused its applicant
    /// when it was built) against building them first: the same assignment; every list
    /// kept is the eager one less some projects; every summary is the eager list's. Chunks
    /// of one publish the mechanism's state before every applicant, so lists lose the most.
    @Test("deferred acceptance building its lists as it goes equals building them first", arguments: 0..<UInt64(120))
    func listsBuiltAsItGoes(instance: UInt64) throws {
        let g = RandomInstance(seed: 30_000 + instance, shape: instance % 10 == 9 ? .large : .medium)
        let m = Market(g.input, seed: g.seed)
        let eager = ProjectLists(m, progress: nil)
        let expected = DeferredAcceptanceMechanism.run(m, eager, progress: nil)
        let nearest = NearestLists(m, eager: eager)
        let n = g.input.applicants.count
        for size in [1, 3, 64, ListChunks.defaultSize] {
            let built = try #require(DeferredAcceptanceMechanism.runBuildingLists(m, chunkSize: size, progress: nil))
            #expect(built.slots == expected, "instance \(instance), chunks of \(size): assignment")
            #expect(built.lists.isPacked)
            let kept = (0..<n).allSatisfy { a in
                let all = eager.range(of: a).map(eager.entry)
                var rest = all[...]
                // A subsequence of the eager list: each kept entry found in order.
                return built.lists.range(of: a).map(built.lists.entry).allSatisfy { e in
                    guard let i = rest.firstIndex(of: e) else { return false }
                    rest = rest[(i + 1)...]
                    return true
                }
            }
            #expect(kept, "instance \(instance), chunks of \(size): lists")
            let summaries = (0..<n).allSatisfy { a in built.summaries[a] == Summaries.store(nearest, a) }
            #expect(summaries, "instance \(instance), chunks of \(size): summaries")
        }
    }

    /// The lists above do leave projects out (else the test above checks nothing of it):
    /// over 40 rounds, with chunks of one built by the mechanism's thread alone (so each
    /// from the state just before its applicant's first proposal), a share of all entries.
    /// The same assignment and summaries there too, and without the tables that speed up
    /// the scan for projects (odd instances), which takes the scan by latitude instead.
    @Test("deferred acceptance's lists leave out projects that refused")
    func listsLeaveOutRefusals() throws {
        var all = 0, kept = 0
        for instance in 0..<UInt64(40) {
            let g = RandomInstance(seed: 30_000 + instance, shape: instance % 4 == 3 ? .large : .medium)
            let m = Market(g.input, seed: g.seed)
            let eager = ProjectLists(m, progress: nil)
            let built = try #require(
                DeferredAcceptanceMechanism.runBuildingLists(
                    m, chunkSize: 1, progress: nil, helper: false, openTableLimit: instance % 2 == 1 ? 0 : 1 << 25))
            #expect(built.slots == DeferredAcceptanceMechanism.run(m, eager, progress: nil), "instance \(instance)")
            let nearest = NearestLists(m, eager: eager)
            #expect(g.input.applicants.indices.allSatisfy { built.summaries[$0] == Summaries.store(nearest, $0) })
            all += eager.entryCount
            kept += built.lists.entryCount
        }
        #expect(kept < all - all / 10, "kept \(kept) of \(all) entries")
    }

    /// Serial's summaries counting the projects surely in reach as sets, and deferred
    /// acceptance's builder counting and filtering them as sets (`Builder.ChunkFilter`, the
    /// blocks' prefix sets), against reading every project one by one: the same summaries,
    /// and the same kept list and summary for every applicant the chunk could hold under
    /// random project states. Rounds widened to 70–330 projects (copies of a large
    /// round's projects, a few km off, with their slots), so runs cross the 64-entry
    /// prefix sets; half of them with local priority, so the local filter is used.
    @Test("projects counted and filtered as sets: what reading every project gives", arguments: 0..<UInt64(16))
    func chunkSets(instance: UInt64) throws {
        var g = RandomInstance(seed: 40_000 + instance, shape: .large)
        var rng = SplitMix64(seed: 900 + instance)
        g.input.policy.localPriority = instance % 2 == 0
        let original = g.input.projects
        let extra = 60 + Int(instance) * 17
        for c in 0..<extra {
            var copy = original[c % original.count]
            let source = copy.id
            copy.id = "X\(c)"
            copy.lat += Double(Int(rng.next() % 2001) - 1000) * 5e-5
            copy.lon += Double(Int(rng.next() % 2001) - 1000) * 5e-5
            g.input.projects.append(copy)
            for slot in g.input.slots where slot.projectID == source {
                var s = slot
                s.id = "\(slot.id)-X\(c)"
                s.projectID = copy.id
                g.input.slots.append(s)
            }
        }
        let m = Market(g.input, seed: g.seed)
        // Serial's summaries count as sets too: the same as counting one by one.
        let nearest = NearestLists(m), oneByOne = NearestLists(m, sets: false)
        try #require(nearest.countsSets && !oneByOne.countsSets)
        let summariesAgree = g.input.applicants.indices.allSatisfy {
            Summaries.store(nearest, $0) == Summaries.store(oneByOne, $0)
        }
        #expect(summariesAgree, "instance \(instance): summaries")
        let sets = ProjectLists.Builder(m)
        let plain = ProjectLists.Builder(m, sets: false)
        try #require(sets.setsAllowed, "instance \(instance): the sets must be in use")
        let n = g.input.applicants.count, projects = m.projectClasses.count
        var compared = 0, keptEntries = 0, filtered = 0
        for trial in 0..<6 {
            // Some projects with free classes, cutoffs anywhere from "refuses everyone" to
            // "refuses no one", more of them as the trials go on.
            // A third of the cutoffs right at the filter's edges for the chunk's best rank.
            let openShare = [0, 2, 10, 30, 60, 100][trial]
            let lowestRank = Int(rng.next() % UInt64(n))
            let edges = [lowestRank, lowestRank + 1, n + lowestRank, n + lowestRank + 1]
            let refusals = ProjectLists.Refusals(
                open: (0..<projects).map { _ in Int(rng.next() % 100) < openShare ? rng.next() : 0 },
                cutoff: (0..<projects).map { _ in
                    rng.next() % 3 == 0 ? edges[Int(rng.next() % 4)] : Int(rng.next() % UInt64(2 * n + 2))
                })
            let filter = try #require(sets.chunkFilter(refusals, lowestRank: lowestRank))
            let rank = m.globalRank
            for a in 0..<n where Int(rank[a]) == lowestRank || (Int(rank[a]) > lowestRank && rng.next() % 3 == 0) {
                var e1: [UInt64] = [], p1: [UInt32] = [], s1 = Summaries.Stored()
                var e2: [UInt64] = [], p2: [UInt32] = [], s2 = Summaries.Stored()
                let c1 = sets.appendOpen(a, refusals: refusals, filter: filter, entries: &e1, packed: &p1, summary: &s1)
                let c2 = plain.appendOpen(a, refusals: refusals, entries: &e2, packed: &p2, summary: &s2)
                #expect(c1 == c2 && p1 == p2, "instance \(instance), trial \(trial), applicant \(a): list")
                #expect(s1 == s2, "instance \(instance), trial \(trial), applicant \(a): summary")
                compared += 1
                keptEntries += c2
                filtered += Int(s2.count) - c2
            }
        }
        #expect(compared > 500 && keptEntries > 0 && filtered > 0, "compared \(compared), kept \(keptEntries), left out \(filtered)")
    }
}
