/// Every applicant's open projects (as `ProjectLists` defines them), built lazily, nearest
/// first, one *band* of commute tiers at a time, only as far as a mechanism reads them.
///
/// Band `k` of applicant `a` holds the open projects whose commute lies in
/// `(upper(k − 1), upper(k)]` minutes, as `tier << 32 | project`, ascending — exactly the
/// slice of `a`'s `ProjectLists` range with those tiers (tests check this on random rounds).
/// The band edges are the commutes of distances `firstRadiusKm · 2^k`, capped at `a`'s limit,
/// so the first band holds a handful of projects and a search that goes far costs about
/// 2.4 single scans at most; serial, which stops at the first tier with a place, reads
/// further only while nearer projects are full (and then only over projects with a free
/// slot). Edges only decide how the work is split, never what a mechanism sees.
///
/// When tiers must be ranks (`ProjectLists.needsRankedTiers`, commutes of 2^32 minutes or
/// more), or when a mechanism built every list anyway, the whole list is served as a
/// single band.
struct NearestLists: Sendable {
    let m: Market
    /// Built only when tiers are ranks.
    let eager: ProjectLists?
    let firstRadiusKm: Double
    /// Which projects may take each kind of applicant, for `summary`'s scans (nil when the
    /// table would be too large, or with eager lists).
    let open: OpenProjects?
    /// Workplaces in blocks, each with the projects nearest first, for `summary` (nil when
    /// too large, or without `open`).
    let blocks: ApplicantBlocks?
    /// Whether `summary` counts the projects surely in reach past its two as a set (the
    /// blocks' prefix sets and the open-project bitsets): only where the admission table
    /// alone says who is admitted, at every project. `sets: false` in the initialiser
    /// turns it off (tests compare).
    let countsSets: Bool
    private let halfCircumferenceKm = CommuteModel.earthRadiusKm * .pi * (1 + 1e-9)

    /// `summaries: false` builds nothing only `summary` reads (the open-project table and
    /// the blocks; a mechanism's bands use neither). `openTableLimit` caps the table of
    /// `OpenProjects` (kinds × projects bytes); beyond it `summary` asks the market project
    /// by project instead. `blockEntryLimit` caps `ApplicantBlocks` (blocks × projects
    /// entries); beyond it `summary` scans by latitude.
    init(
        _ m: Market, firstRadiusKm: Double = 1.5, summaries: Bool = true, openTableLimit: Int = 1 << 25,
        blockEntryLimit: Int = 1 << 23, sets: Bool = true
    ) {
        self.m = m
        self.eager = ProjectLists.needsRankedTiers(m) ? ProjectLists(m, progress: nil) : nil
        self.firstRadiusKm = firstRadiusKm
        self.open = eager == nil && summaries ? OpenProjects(m, limit: openTableLimit) : nil
        self.blocks = open == nil ? nil : ApplicantBlocks(m, entryLimit: blockEntryLimit)
        self.countsSets = sets && (blocks?.words ?? 0) > 0 && m.admission.exactEverywhere
    }

    /// Over lists already built in full (a mechanism that needed them all): one band each,
    /// and `summary` reads them instead of scanning again.
    init(_ m: Market, eager: ProjectLists) {
        self.m = m
        self.eager = eager
        self.firstRadiusKm = 1.5
        self.open = nil
        self.blocks = nil
        self.countsSets = false
    }

    /// The commute in minutes of tier `t`.
    @inline(__always) func minutes(ofTier t: Int) -> Int { eager?.minutes(ofTier: t) ?? t }

    /// The highest tier of band `k` of applicant `a`, or nil when there is no band `k`.
    func upper(_ k: Int, of a: Int) -> Int? {
        let limit = m.maxCommute[a]
        if eager != nil { return k == 0 ? Int(UInt32.max) : nil }
        let lower = k == 0 ? Int.min : upper(k - 1, of: a) ?? limit
        guard lower < limit else { return nil }
        let radius = firstRadiusKm * Double(1 << min(k, 60))
        if radius >= halfCircumferenceKm { return limit }
        let minutes = m.input.policy.commute.minutes(distanceKm: radius)
        return min(limit, max(minutes, lower == Int.min ? minutes : lower + 1))
    }

    /// Replaces `out` with band `k` of applicant `a`, sorted; false (and `out` empty) when
    /// `a` has no band `k`. With `among`, a geometry over some of the projects, the band
    /// holds only those (a mechanism passes the projects that may still take anyone).
    func band(_ k: Int, of a: Int, into out: inout [UInt64], among: ProjectGeometry? = nil) -> Bool {
        out.removeAll(keepingCapacity: true)
        if let eager {
            guard k == 0 else { return false }
            for e in eager.range(of: a) { out.append(eager.entry(e)) }
            return true
        }
        guard let top = upper(k, of: a) else { return false }
        let lower = k == 0 ? Int.min : upper(k - 1, of: a)!
        let upper = top
        let model = m.input.policy.commute
        let lat = m.workLat[a], lon = m.workLon[a]
        let slack = ProjectGeometry.edgeSlack(model)
        let inner = lower == Int.min ? -1 : ProjectGeometry.sureChord2(withinMinutes: lower, model: model)
        (among ?? m.geometry).forEachProjectChord(
            near: lat, lon, withinMinutes: upper, model: model,
            skip: { p in
                m.projectClasses[p].isEmpty || !m.programmeAdmits(a, project: p)
                    || m.admission.mask(applicant: a, project: p) == 0
            }
        ) { p, chord2 in
            if chord2 <= inner { return }  // surely within the earlier bands
            let minutes = m.geometry.minutes(fromLat: lat, lon, to: p, chord2: chord2, model: model, slack: slack)
            if minutes <= lower { return }
            if !m.hasClassAdmitting(a, at: p) { return }
            out.append(UInt64(minutes) << 32 | UInt64(p))
        }
        out.withUnsafeMutableBufferPointer { ProjectLists.sortInPlace($0) }
        return true
    }

    /// How many open projects applicant `a` has (the length of their whole list), and the
    /// two most preferred of them — ordered by the key (commute, rent, project id) of the
    /// first class of each that admits `a` — in one pass, without building the list:
    /// nothing is sorted or stored, and a project's commute in minutes is computed only
    /// while it might still be among the two.
    func summary(of a: Int) -> (count: Int, top: [(key: UInt64, project: Int)]) {
        var scan = SummaryScan()
        if let eager {
            for e in eager.range(of: a) {
                let entry = eager.entry(e)
                if scan.top.count == 2 && ProjectLists.tier(entry) > Int(scan.top[1].key >> 32) { break }
                scan.consider(m, a, ProjectLists.project(entry), tier: ProjectLists.tier(entry))
            }
            return (eager.range(of: a).count, scan.top)
        }
        let model = m.input.policy.commute
        let lat = m.workLat[a], lon = m.workLon[a]
        let slack = ProjectGeometry.edgeSlack(model)
        func visit(_ p: Int, _ chord2: Double) {
            guard m.hasClassAdmitting(a, at: p) else { return }
            scan.count += 1
            if chord2 > scan.cut { return }
            scan.offer(m, a, p, minutes: m.geometry.minutes(fromLat: lat, lon, to: p, chord2: chord2, model: model, slack: slack))
        }
        if let open, let blocks {
            // Projects nearest the applicant's block first; only those near the edge of
            // the reach are measured (`ApplicantBlocks`).
            let u = ProjectGeometry.unitVector(lat: lat, lon: lon)
            let order = m.geometry.order
            let words = open.words, kind = Int(open.kindOf[a]) * open.words
            blocks.forEachProjectWithin(
                of: a, at: u, m, open,
                // Past the two, the rest surely in reach are only counted: as a set.
                setFrom: { lower in countsSets && scan.surelyPast(lower: lower) },
                set: { set in
                    for w in 0..<words { scan.count += (set[w] & open.bits[kind + w]).nonzeroBitCount }
                }
            ) { k, measured, lower in
                let p = order[k]
                if scan.surelyPast(lower: lower) {
                    // Surely farther than the second: counted only.
                    if m.hasClassAdmitting(a, at: p) { scan.count += 1 }
                    return
                }
                visit(p, measured >= 0 ? measured : m.geometry.chord2(u, at: k))
            }
        } else if let open {
            // One byte per project, read in the scan's own order, instead of three lookups.
            let base = Int(open.kindOf[a]) * open.projects
            open.table.withUnsafeBufferPointer { table in
                m.geometry.forEachProjectChord(
                    near: lat, lon, withinMinutes: m.maxCommute[a], model: model, skipAt: { k, _ in table[base + k] == 0 },
                    visit)
            }
        } else {
            m.geometry.forEachProjectChord(
                near: lat, lon, withinMinutes: m.maxCommute[a], model: model,
                skip: { p in
                    m.projectClasses[p].isEmpty || !m.programmeAdmits(a, project: p)
                        || m.admission.mask(applicant: a, project: p) == 0
                }, visit)
        }
        return (scan.count, scan.top)
    }

    /// `summary`'s running state, shared with deferred acceptance's list builder
    /// (`ProjectLists.Builder.appendOpen`): open projects counted, the two most preferred
    /// so far, and the squared chord beyond which a project is surely farther than the
    /// second of them.
    struct SummaryScan {
        var count = 0
        var top: [(key: UInt64, project: Int)] = []
        var cut = Double.infinity

        /// Offers project `p` at commute tier `tier` to `top`, the two least keys so far
        /// (in whatever order projects are offered: keys are distinct, a group's `order`
        /// being its own): its key is that of the first class of `p` that admits `a`.
        @inline(__always)
        mutating func consider(_ m: Market, _ a: Int, _ p: Int, tier: Int) {
            let mask = m.admission.mask(applicant: a, project: p)
            guard let c = m.projectClasses[p].first(where: { m.admits($0, applicant: a, project: p, mask: mask) }) else {
                return
            }
            let key = m.key(group: Int(m.classGroup[c]), tier: tier)
            if top.count < 2 || key < top[1].key {
                if top.count == 2 { top.removeLast() }
                let at = top.firstIndex { $0.key > key } ?? top.count
                top.insert((key, p), at: at)
            }
        }

        /// Whether a project at least `lower` away (a chord) is surely farther than the
        /// second of two already found, so can only be counted.
        @inline(__always)
        func surelyPast(lower: Double) -> Bool { top.count == 2 && lower > 0 && lower * lower > cut }

        /// `consider` for a project `minutes` away (tiers being minutes), keeping `cut`
        /// up to date; a project past the second's minutes cannot enter, so is not asked.
        @inline(__always)
        mutating func offer(_ m: Market, _ a: Int, _ p: Int, minutes: Int) {
            if top.count == 2 && minutes > Int(top[1].key >> 32) { return }
            let second = top.count == 2 ? top[1].key : nil
            consider(m, a, p, tier: minutes)
            if top.count == 2 && top[1].key != second {
                cut = ProjectGeometry.maxChord2(withinMinutes: Int(top[1].key >> 32), model: m.input.policy.commute)
            }
        }
    }

    /// The position of the first entry in `entries` whose tier is at least `tier`.
    @inline(__always)
    static func firstIndex(in entries: [UInt64], atLeast tier: Int) -> Int {
        var lo = 0, hi = entries.count
        let key = UInt64(tier) << 32
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension NearestLists {
    /// The first bands of `applicants`, computed in parallel (they depend on nothing a
    /// mechanism changes, so the result is the same however the threads run): applicant
    /// `applicants[i]`'s band 0 is `entries[start[i]..<start[i + 1]]`.
    func firstBands(of applicants: ArraySlice<Int32>, among: ProjectGeometry? = nil) -> (start: [Int], entries: [UInt64]) {
        let count = applicants.count
        let chunks = max(1, min(8, count / 256))
        let parts = Parallel.map(chunks: chunks) { chunk -> (counts: [Int], entries: [UInt64]) in
            var counts: [Int] = []
            var entries: [UInt64] = []
            var band: [UInt64] = []
            for i in Parallel.range(chunk, of: chunks, count: count) {
                _ = self.band(0, of: Int(applicants[applicants.startIndex + i]), into: &band, among: among)
                counts.append(band.count)
                entries.append(contentsOf: band)
            }
            return (counts, entries)
        }
        var start = [0]
        start.reserveCapacity(count + 1)
        var entries: [UInt64] = []
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.entries.count })
        for part in parts {
            for c in part.counts { start.append(start[start.count - 1] + c) }
            entries.append(contentsOf: part.entries)
        }
        return (start, entries)
    }
}

/// Which projects may take each *kind* of applicant — applicants admitted by the same
/// programmes and the same slot-level profile (`AdmissionTable`) — so a scan over the
/// projects near an applicant reads one byte per project instead of asking the market
/// three questions. A city has far fewer kinds than applicants.
struct OpenProjects: Sendable {
    /// Per applicant: their kind.
    let kindOf: [Int32]
    /// `table[kind * projects + position]` is 0 when the project at `position` of
    /// `Market.geometry.order` is closed to the kind: no class, its programme refuses the
    /// kind, or no class's slot-level rules admit it. Else 1.
    let table: [UInt8]
    let projects: Int
    /// The same table as bitsets over positions: kind `k`'s at `bits[k * words ..< + words]`.
    let bits: [UInt64]
    let words: Int

    /// Nil when the table would exceed `limit` bytes, or the programmes are too many to key.
    init?(_ m: Market, limit: Int) {
        let n = m.maxCommute.count
        let programmes = m.programmeCount
        guard programmes <= 32 else { return nil }
        var kinds = FirstSeen<UInt64>()
        var kindOf = [Int32](repeating: 0, count: n)
        for a in 0..<n {
            var pattern: UInt64 = 0
            for i in 0..<programmes where m.programmeAdmits[a * programmes + i] { pattern |= 1 << UInt64(i) }
            kindOf[a] = kinds.id(UInt64(UInt32(bitPattern: m.admission.profileOf[a])) << 32 | pattern, first: a)
            if kinds.first.count * m.projectClasses.count > limit { return nil }
        }
        let representative = kinds.first
        let order = m.geometry.order
        var table = [UInt8](repeating: 0, count: representative.count * order.count)
        for (kind, a) in representative.enumerated() {
            for (k, p) in order.enumerated()
            where !m.projectClasses[p].isEmpty && m.programmeAdmits(a, project: p)
                && m.admission.mask(applicant: a, project: p) != 0
            {
                table[kind * order.count + k] = 1
            }
        }
        self.kindOf = kindOf
        self.table = table
        self.projects = order.count
        let words = (order.count + 63) / 64
        var bits = [UInt64](repeating: 0, count: representative.count * words)
        for kind in 0..<representative.count {
            for k in 0..<order.count where table[kind * order.count + k] != 0 {
                bits[kind * words + (k >> 6)] |= 1 << UInt64(k & 63)
            }
        }
        self.bits = bits
        self.words = words
    }
}
