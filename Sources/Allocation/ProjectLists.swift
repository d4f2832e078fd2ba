/// Every applicant's open projects — programme admits them, within their commute limit,
/// some class admits them — as `tier << 32 | project`, ascending, so by commute first.
///
/// Built once, in parallel, and shared: a mechanism walks an applicant's list from the
/// nearest project and stops at the first commute tier that has a place for them, a
/// displaced applicant resumes without any geometry, and explanations read the count of
/// open projects and the nearest ones off the list.
///
/// A *tier* orders commutes in 32 bits. In every realistic round it is the commute in
/// minutes itself; only when the policy allows commutes of 2^32 minutes or more (a huge
/// overhead or limit, a crawling speed — all within the contract) is it the commute's
/// rank among the distinct commutes of the lists, with `tierMinutes` to read it back.
///
/// Entries are stored in 32 bits (`tier << 16 | project`) whenever every tier and project
/// index fits 16 bits — every realistic round: commute limits under 65,536 minutes and at
/// most 65,536 projects — which halves the engine's largest structure (2.3 GB of lists at
/// 1,000,000 applicants × 200,000 places); `entry(_:)` reads either form back as 64 bits.
struct ProjectLists: Sendable, PreferenceLists {
    /// Applicant `a`'s list is entries `begin[a]..<end[a]`. Built here, lists follow one
    /// another in applicant order within each chunk; deferred acceptance builds them in
    /// chunks of the priority order as it runs (`init(_: GrowingLists)`).
    let begin: [Int]
    let end: [Int]
    /// The entries as `tier << 32 | project` when they do not fit 32 bits; else empty.
    private let wideEntries: [UInt64]
    /// The entries as `tier << 16 | project` when they fit (else empty), in chunks as they
    /// were built (never joined: at a million applicants, joining held them twice): entry
    /// `k << 32 | o` is entry `o` of chunk `k`.
    private let packedChunks: [[UInt32]]
    let isPacked: Bool
    /// Empty when tiers are minutes; else the minutes of tier `t` at index `t`.
    let tierMinutes: [Int]

    /// Entry `i`, as `tier << 32 | project`.
    @inline(__always) func entry(_ i: Int) -> UInt64 {
        if isPacked {
            let e = packedChunks[i >> 32][i & 0xFFFF_FFFF]
            return UInt64(e >> 16) << 32 | UInt64(e & 0xFFFF)
        }
        return wideEntries[i]
    }

    /// Whether entries of `m` fit 32 bits: tiers are minutes (not ranks) within every
    /// applicant's limit, and both they and the project indices are below 2^16.
    static func packs(_ m: Market) -> Bool {
        !needsRankedTiers(m) && (m.maxCommute.max() ?? 0) < 1 << 16 && m.projectClasses.count <= 1 << 16
    }

    @inline(__always) static func tier(_ e: UInt64) -> Int { Int(e >> 32) }
    @inline(__always) static func project(_ e: UInt64) -> Int { Int(e & 0xFFFF_FFFF) }

    /// The commute in minutes of tier `t`.
    @inline(__always) func minutes(ofTier t: Int) -> Int { tierMinutes.isEmpty ? t : tierMinutes[t] }

    @inline(__always) func range(of a: Int) -> Range<Int> { begin[a]..<end[a] }

    /// The number of entries of all lists.
    var entryCount: Int { isPacked ? packedChunks.reduce(0) { $0 + $1.count } : wideEntries.count }

    /// `packing: false` keeps 64-bit entries even where 32 would do (tests compare the two).
    init(_ m: Market, progress: ProgressCounter?, packing: Bool = true) {
        let n = m.input.applicants.count
        let builder = Builder(m, packing: packing)
        let wide = builder.wide, pack = builder.pack
        let chunks = max(1, min(64, n / 512))
        typealias Part = (counts: [Int], entries: [UInt64], packed: [UInt32], minutes: [Int])
        var parts = Parallel.map(chunks: chunks) { chunk -> Part in
            var counts: [Int] = []
            var entries: [UInt64] = []  // packed: one applicant's at a time
            var packed: [UInt32] = []
            var minutes: [Int] = []  // wide only: the minutes of each entry, tiers come later
            let range = Parallel.range(chunk, of: chunks, count: n)
            counts.reserveCapacity(range.count)
            if pack { packed.reserveCapacity(range.count * 64) } else { entries.reserveCapacity(range.count * 64) }
            for a in range {
                counts.append(builder.append(a, entries: &entries, packed: &packed, minutes: &minutes))
                if a & 1023 == 1023 { progress?.add(512) }
            }
            if pack {
                entries = []
                packed = ProjectLists.trimmed(packed)
            }
            return (counts, entries, packed, minutes)
        }
        self.isPacked = pack
        if pack {
            // Chunk `i`'s lists one after another, at `i << 32`.
            var begin: [Int] = [], end: [Int] = []
            begin.reserveCapacity(n)
            end.reserveCapacity(n)
            for (i, part) in parts.enumerated() {
                var offset = 0
                for c in part.counts {
                    begin.append(i << 32 | offset)
                    offset += c
                    end.append(i << 32 | offset)
                }
            }
            self.begin = begin
            self.end = end
            packedChunks = parts.map(\.packed)
            wideEntries = []
            tierMinutes = []
            // The chunks grew by doubling on two threads; what they let go stays resident
            // in those threads' malloc arenas unless handed back (optimal's peak at 200k:
            // 321 against 283 MiB when they were joined into one array).
            Parallel.returnFreedMemory()
            return
        }
        packedChunks = []
        var start = [0]
        start.reserveCapacity(n + 1)
        var entries: [UInt64] = []
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.entries.count })
        var minutes: [Int] = []
        // Each chunk is let go as soon as it is copied, so the lists are held about once,
        // not twice (chunks plus the joined array).
        for i in parts.indices {
            for c in parts[i].counts { start.append(start[start.count - 1] + c) }
            entries.append(contentsOf: parts[i].entries)
            minutes.append(contentsOf: parts[i].minutes)
            parts[i] = ([], [], [], [])
        }
        self.begin = Array(start.dropLast())
        self.end = Array(start.dropFirst())
        if wide {
            let distinct = Array(Set(minutes)).sorted()
            precondition(distinct.count < Int(UInt32.max), "more than 2^32 distinct commutes")
            for (i, x) in minutes.enumerated() {
                var lo = 0, hi = distinct.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if distinct[mid] < x { lo = mid + 1 } else { hi = mid }
                }
                entries[i] |= UInt64(lo) << 32
            }
            entries.withUnsafeMutableBufferPointer { buffer in
                for a in 0..<n {
                    ProjectLists.sortInPlace(UnsafeMutableBufferPointer(rebasing: buffer[start[a]..<start[a + 1]]))
                }
            }
            tierMinutes = distinct
        } else {
            tierMinutes = []
        }
        self.wideEntries = entries
    }

    /// The lists deferred acceptance built in priority order, in 32-bit entries, in its
    /// chunks as they are (`GrowingLists`).
    init(_ lists: GrowingLists) {
        begin = lists.begin
        end = lists.end
        packedChunks = lists.chunks
        wideEntries = []
        isPacked = true
        tierMinutes = []
    }

    /// `chunk` in an array of its own size when it grew well past it: chunks are kept as
    /// built, and capacity left by doubling (up to the size again) is held for nothing.
    static func trimmed(_ chunk: [UInt32]) -> [UInt32] {
        chunk.capacity > chunk.count + chunk.count / 4 ? copied(chunk) : chunk
    }

    /// A copy of `entries` in a new array of their size (`Array(_:)` of a whole array or
    /// slice may share its buffer, capacity and all).
    static func copied(_ entries: [UInt32]) -> [UInt32] {
        Array(unsafeUninitializedCapacity: entries.count) { buffer, count in
            _ = buffer.initialize(from: entries)
            count = entries.count
        }
    }

    /// Builds one applicant's list at a time, the same wherever it is called from.
    struct Builder: Sendable {
        let m: Market
        /// Tiers are ranks, computed once every list is known (entries are projects until then).
        let wide: Bool
        /// Entries are stored in 32 bits.
        let pack: Bool
        // Projects nearest each applicant's block first, measured only near the reach's edge
        // (`ApplicantBlocks`), instead of a latitude strip of them.
        private let open: OpenProjects?
        private let blocks: ApplicantBlocks?
        private let model: CommuteModel
        private let slack: Double
        /// Whether `appendOpen` may count and filter the projects surely in reach as sets
        /// (`ChunkFilter`): blocks with prefix sets, and the admission table exact for every
        /// project (so the open-project table alone says who is admitted).
        let setsAllowed: Bool
        /// Per project district: the positions (`Market.geometry.order`) of its projects.
        private let districtBits: [UInt64]

        /// `openTableLimit`: as `NearestLists`' (tests pass 0 to take the scan without tables).
        /// `sets: false` makes `appendOpen` read every project one by one (tests compare).
        init(_ m: Market, packing: Bool = true, openTableLimit: Int = 1 << 25, sets: Bool = true) {
            self.m = m
            wide = ProjectLists.needsRankedTiers(m)
            pack = packing && ProjectLists.packs(m)
            open = OpenProjects(m, limit: openTableLimit)
            blocks = open == nil ? nil : ApplicantBlocks(m, entryLimit: 1 << 23)
            model = m.input.policy.commute
            slack = ProjectGeometry.edgeSlack(model)
            let order = m.geometry.order
            setsAllowed = sets && open != nil && (blocks?.words ?? 0) > 0 && m.admission.exactEverywhere
            if setsAllowed, let blocks {
                let districts = Int(m.projectDistrict.max() ?? -1) + 1
                var bits = [UInt64](repeating: 0, count: districts * blocks.words)
                for (k, p) in order.enumerated() where m.projectDistrict[p] >= 0 {
                    bits[Int(m.projectDistrict[p]) * blocks.words + (k >> 6)] |= 1 << UInt64(k & 63)
                }
                districtBits = bits
            } else {
                districtBits = []
            }
        }

        /// For one chunk of applicants ranked `lowestRank` or worse, built from `refusals`:
        /// a superset of the projects that may still admit any of them, as positions —
        /// those with a free class, or whose cutoff is above the best rank any of them can
        /// have there (a rank at a project is at least the global one, plus the applicant
        /// count unless the project is local to them).
        struct ChunkFilter {
            /// Free class, or cutoff above `applicants + lowestRank`.
            var anyone: [UInt64]
            /// Cutoff above `lowestRank` (only local applicants can rank that well).
            var local: [UInt64]
        }

        func chunkFilter(_ refusals: Refusals, lowestRank: Int) -> ChunkFilter? {
            guard setsAllowed, let blocks else { return nil }
            let n = m.input.applicants.count
            var filter = ChunkFilter(
                anyone: [UInt64](repeating: 0, count: blocks.words), local: [UInt64](repeating: 0, count: blocks.words))
            for (k, p) in m.geometry.order.enumerated() {
                let bit: UInt64 = 1 << UInt64(k & 63)
                if refusals.open[p] != 0 || refusals.cutoff[p] > n + lowestRank { filter.anyone[k >> 6] |= bit }
                if refusals.cutoff[p] > lowestRank { filter.local[k >> 6] |= bit }
            }
            return filter
        }

        /// Appends `a`'s list and returns its length: to `packed` when packing (`entries`
        /// is then scratch space), else to `entries`, with each entry's minutes appended to
        /// `minutes` when tiers are ranks (sorted once the ranks are known).
        func append(_ a: Int, entries: inout [UInt64], packed: inout [UInt32], minutes: inout [Int]) -> Int {
            if pack { entries.removeAll(keepingCapacity: true) }
            let before = entries.count
            collect(a, entries: &entries, minutes: &minutes)
            return finish(from: before, entries: &entries, packed: &packed)
        }

        /// Deferred acceptance's `append` (packed entries only): makes `a`'s summary from
        /// the whole list first, then leaves out every project that `refusals` says refuses
        /// `a` — refused once, refused for good (see `ListChunks`), so the mechanism would
        /// only have skipped it. Returns the length of the list kept.
        func appendOpen(
            _ a: Int, refusals: Refusals?, filter: ChunkFilter? = nil, entries: inout [UInt64], packed: inout [UInt32],
            summary: inout Summaries.Stored
        ) -> Int {
            precondition(pack && !wide, "deferred acceptance's chunks hold 32-bit entries")
            entries.removeAll(keepingCapacity: true)
            // The summary as `NearestLists.summary` makes it, over every open project; a
            // refused project's commute is computed only while it might be among the two.
            var scan = NearestLists.SummaryScan()
            if let refusals, let filter, let open, let blocks {
                appendOpenBySets(a, refusals, filter, open, blocks, &scan, &entries)
            } else {
                forEachOpen(a) { p, chord2, minutes in
                    take(
                        a, p, chord2: chord2, refused: refusals?.refuse(a, at: p, m) ?? false, minutes: minutes,
                        &scan, &entries)
                }
            }
            summary = Summaries.Stored(count: scan.count, top: scan.top, minutes: { $0 })
            return finish(from: 0, entries: &entries, packed: &packed)
        }

        /// One open project of `a`, read by either path of `appendOpen`: counted for the
        /// summary, kept unless it refuses `a`, and its commute computed only when it is kept
        /// or might still be one of the summary's two.
        @inline(__always)
        private func take(
            _ a: Int, _ p: Int, chord2: Double, refused: Bool, minutes: () -> Int,
            _ scan: inout NearestLists.SummaryScan, _ entries: inout [UInt64]
        ) {
            scan.count += 1
            if refused && chord2 > scan.cut { return }
            let t = minutes()
            if !refused { entries.append(UInt64(t) << 32 | UInt64(p)) }
            scan.offer(m, a, p, minutes: t)
        }

        /// `appendOpen` with blocks, every project exact and a chunk's filter: the same
        /// projects, counted and kept. The block's entries surely in reach are read one by
        /// one until the summary's two are found and the next entry is surely farther than
        /// the second (nothing after it can enter the two); the rest of them are one set
        /// (`ApplicantBlocks.entryBits`), counted with the kind's open projects, and only its
        /// members the filter lets through are asked whether they refuse. The entries near
        /// the reach's edge are read one by one. (Written out rather than through
        /// `forEachProjectWithin`'s closures, which copied the builder for every applicant.)
        private func appendOpenBySets(
            _ a: Int, _ refusals: Refusals, _ filter: ChunkFilter, _ open: OpenProjects, _ blocks: ApplicantBlocks,
            _ scan: inout NearestLists.SummaryScan, _ entries: inout [UInt64]
        ) {
            guard let r = blocks.reach(of: a, m) else { return }
            let lat = m.workLat[a], lon = m.workLon[a]
            let u = ProjectGeometry.unitVector(lat: lat, lon: lon)
            let order = m.geometry.order
            let base = Int(open.kindOf[a]) * open.projects
            let s = blocks.start[r.block]
            // One entry, as `forEachProjectWithin` and `appendOpen` read it.
            func read(_ i: Int, _ scan: inout NearestLists.SummaryScan, _ entries: inout [UInt64]) {
                let k = Int(blocks.position[i])
                guard open.table[base + k] != 0 else { return }
                let within = i < r.sure ? m.geometry.chord2(u, at: k) : blocks.chord2Within(k, u, lat, lon, r, m)
                guard let chord2 = within else { return }
                let p = order[k]
                take(
                    a, p, chord2: chord2, refused: refusals.refuse(a, at: p, m),
                    minutes: { m.geometry.minutes(fromLat: lat, lon, to: p, chord2: chord2, model: model, slack: slack) },
                    &scan, &entries)
            }
            var i = s
            while i < r.sure {
                let lower = ApplicantBlocks.bounds(blocks.distance[i], radius: r.radius).lower
                if scan.surelyPast(lower: lower) { break }
                read(i, &scan, &entries)
                i += 1
            }
            if i < r.sure {
                let words = blocks.words
                let local = m.input.policy.localPriority && m.applicantDistrict[a] >= 0
                    && Int(m.applicantDistrict[a]) * words < districtBits.count
                let district = local ? Int(m.applicantDistrict[a]) * words : 0
                let kind = Int(open.kindOf[a]) * words
                var set = [UInt64](repeating: 0, count: words)
                set.withUnsafeMutableBufferPointer { blocks.entryBits(block: r.block, from: i - s, to: r.sure - s, into: $0.baseAddress!) }
                for w in 0..<words {
                    var x = set[w] & open.bits[kind + w]
                    scan.count += x.nonzeroBitCount
                    x &= filter.anyone[w] | (local ? filter.local[w] & districtBits[district + w] : 0)
                    while x != 0 {
                        let k = w << 6 | x.trailingZeroBitCount
                        x &= x - 1
                        let p = order[k]
                        if refusals.refuse(a, at: p, m) { continue }
                        let t = m.geometry.minutes(
                            fromLat: lat, lon, to: p, chord2: m.geometry.chord2(u, at: k), model: model, slack: slack)
                        entries.append(UInt64(t) << 32 | UInt64(p))
                    }
                }
                i = r.sure
            }
            while i < r.end {
                read(i, &scan, &entries)
                i += 1
            }
        }

        /// Sorts the list appended at `before` and packs it when packing; returns its length.
        private func finish(from before: Int, entries: inout [UInt64], packed: inout [UInt32]) -> Int {
            if !wide {
                entries.withUnsafeMutableBufferPointer { buffer in
                    ProjectLists.sortInPlace(UnsafeMutableBufferPointer(rebasing: buffer[before...]))
                }
            }
            if pack {
                for e in entries { packed.append(UInt32(truncatingIfNeeded: e >> 32) << 16 | UInt32(truncatingIfNeeded: e & 0xFFFF)) }
            }
            return entries.count - before
        }

        /// Appends `a`'s open projects to `entries`, unsorted (`minutes`: see `append`).
        private func collect(_ a: Int, entries: inout [UInt64], minutes: inout [Int]) {
            forEachOpen(a) { p, _, commute in
                if wide {
                    minutes.append(commute())
                    entries.append(UInt64(p))
                } else {
                    entries.append(UInt64(commute()) << 32 | UInt64(p))
                }
            }
        }

        /// Calls `body(p, chord2, minutes)` for each of `a`'s open projects, in no set
        /// order: `chord2` is the squared chord to it (-1 where not known, so no bound
        /// skips it), `minutes()` its commute, computed when asked.
        @inline(__always)
        private func forEachOpen(_ a: Int, _ body: (Int, Double, () -> Int) -> Void) {
            if let open, let blocks {
                let lat = m.workLat[a], lon = m.workLon[a]
                let u = ProjectGeometry.unitVector(lat: lat, lon: lon)
                let order = m.geometry.order
                blocks.forEachProjectWithin(of: a, at: u, m, open) { k, measured, _ in
                    let p = order[k]
                    guard m.hasClassAdmitting(a, at: p) else { return }
                    let chord2 = measured >= 0 ? measured : m.geometry.chord2(u, at: k)
                    body(p, chord2) { m.geometry.minutes(fromLat: lat, lon, to: p, chord2: chord2, model: model, slack: slack) }
                }
            } else {
                m.forEachReachableProject(of: a, skip: { m.admission.mask(applicant: a, project: $0) == 0 }) { p, commute in
                    if m.hasClassAdmitting(a, at: p) { body(p, -1) { commute } }
                }
            }
        }
    }

    /// Deferred acceptance's project state at some moment, for `Builder.appendOpen`: per
    /// project, the bits of its classes with a free slot and the rank at or below which
    /// every full class refuses (`GroupStates.openClasses`, `projectCutoff`).
    struct Refusals: Sendable {
        var open: [UInt64]
        var cutoff: [Int]

        /// Whether project `p` refused `a` at that moment: none of `a`'s classes there had
        /// a free slot and every full one held only applicants ranked above `a` — the test
        /// deferred acceptance skips a project by.
        @inline(__always)
        func refuse(_ a: Int, at p: Int, _ m: Market) -> Bool {
            Self.refuses(
                mask: m.admission.mask(applicant: a, project: p), rank: m.projectRank(of: a, at: p), open: open[p],
                cutoff: cutoff[p])
        }

        /// The test itself, for an applicant of admission `mask` and `rank` at a project of
        /// open-class bits `open` and cutoff `cutoff` (deferred acceptance's `nextGroup`
        /// skips a project by it too).
        @inline(__always)
        static func refuses(mask: UInt64, rank: Int, open: UInt64, cutoff: Int) -> Bool {
            mask & open == 0 && rank >= cutoff
        }
    }

    /// Whether some open project may lie 2^32 − 2 minutes or more away, so minutes no longer
    /// fit a tier: only then are tiers ranks. The bound is the farthest commute on Earth
    /// (half its circumference, with a margin for rounding) or the largest limit.
    static func needsRankedTiers(_ m: Market) -> Bool {
        let largestLimit = m.maxCommute.max() ?? 0
        let farthest = m.input.policy.commute.minutes(distanceKm: CommuteModel.earthRadiusKm * .pi * (1 + 1e-9))
        return min(largestLimit, farthest == CommuteModel.beyondEveryLimit ? farthest : farthest + 1) >= Int(UInt32.max) - 1
    }

    /// Sorts a short run of keys (Swift's `sort` is a merge sort that allocates a buffer per
    /// call, which dominated for 200k runs of ~70 keys; runs under 48 keys allocate nothing).
    /// A list's keys are `minutes << 32 | project`, and its minutes span a few dozen values
    /// (the commute limit): so a run of 48 keys or more whose high halves span at most as
    /// many values as it has keys is counted into buckets by the high half, then each bucket
    /// sorted (insertion sort when short) — at a million applicants, with lists of ~280
    /// keys, sorting was 15% of deferred acceptance's time with quicksort alone. Any other
    /// run takes `quicksort`. Either way the result is the sorted order, so nothing built
    /// from it changes.
    static func sortInPlace(_ a: UnsafeMutableBufferPointer<UInt64>) {
        let n = a.count
        guard n >= 48 else { return quicksort(a) }
        var low = UInt32.max, high: UInt32 = 0
        for key in a {
            let h = UInt32(truncatingIfNeeded: key >> 32)
            low = min(low, h)
            high = max(high, h)
        }
        let span = Int(high - low) + 1
        guard span <= n else { return quicksort(a) }
        // One heap block for the bucket starts and the keys' copy. (`withUnsafeTemporaryAllocation`
        // trapped here in the release build, "Allocation byte count too large", though not in a
        // debug build nor in a small -O program with the same function: not understood, so not used.)
        let block = UnsafeMutableRawPointer.allocate(byteCount: (span + 1 + n) * 8, alignment: 8)
        defer { block.deallocate() }
        let next = block.bindMemory(to: Int.self, capacity: span + 1)
        next.initialize(repeating: 0, count: span + 1)
        for key in a { next[Int(UInt32(truncatingIfNeeded: key >> 32) - low) + 1] += 1 }
        for b in 0..<span { next[b + 1] += next[b] }  // next[b]: where bucket b starts
        let out = (block + (span + 1) * 8).bindMemory(to: UInt64.self, capacity: n)
        for key in a {
            let b = Int(UInt32(truncatingIfNeeded: key >> 32) - low)
            (out + next[b]).initialize(to: key)
            next[b] += 1
        }
        // next[b] is now where bucket b ends.
        var start = 0
        for b in 0..<span {
            let end = next[b]
            if end - start > 1 {
                let bucket = UnsafeMutableBufferPointer(start: out + start, count: end - start)
                if end - start > 16 { quicksort(bucket) } else { insertionSort(bucket) }
            }
            start = end
        }
        _ = a.update(fromContentsOf: UnsafeBufferPointer(start: out, count: n))
    }

    /// Insertion sort, for short runs.
    private static func insertionSort(_ a: UnsafeMutableBufferPointer<UInt64>) {
        guard a.count > 1 else { return }
        for k in 1..<a.count {
            let x = a[k]
            var m = k - 1
            while m >= 0 && a[m] > x {
                a[m + 1] = a[m]
                m -= 1
            }
            a[m + 1] = x
        }
    }

    /// Quicksort with a median-of-three pivot down to insertion sort for small ranges.
    static func quicksort(_ a: UnsafeMutableBufferPointer<UInt64>) {
        var lo = 0
        var hi = a.count - 1
        while hi - lo > 16 {
            let mid = (lo + hi) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Recurse into the smaller side, loop on the larger: O(log n) stack.
            if j - lo < hi - i {
                if j > lo { quicksort(UnsafeMutableBufferPointer(rebasing: a[lo...j])) }
                lo = i
            } else {
                if hi > i { quicksort(UnsafeMutableBufferPointer(rebasing: a[i...hi])) }
                hi = j
            }
        }
        if hi > lo { insertionSort(UnsafeMutableBufferPointer(rebasing: a[lo...hi])) }
    }
}
