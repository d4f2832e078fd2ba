/// Applicants' workplaces grouped into small blocks (a grid of about a kilometre), each
/// block with every project in order of its distance from the block's centre, so that
/// "how many open projects are within my commute, and which two are best" reads the
/// projects nearest first and measures only those near the edge of the reach.
///
/// Distances are chords in space between unit vectors, where the triangle inequality
/// holds exactly: an applicant `r` or less from the centre (`radius`, the largest such
/// distance in the block, measured) is between `d − r` and `d + r` from a project `d` from
/// the centre. A project whose `d + r` is within the reach's sure chord is within it —
/// exactly what `ProjectGeometry.forEachProjectChord` decides for it — and once `d − r`
/// passes the reach's outer chord, every later project is out. Only the band between is
/// measured, as the scan does. Which block an applicant is in decides only how much is
/// measured, never the answer (tests compare with the scan and with brute force).
struct ApplicantBlocks: Sendable {
    /// Per applicant: their block.
    let blockOf: [Int32]
    /// Per block: its entries, `start[b]..<start[b + 1]`.
    let start: [Int]
    /// Per entry: the project's distance from the block's centre, rounded to a Float
    /// (`bounds` allows for the rounding), ascending within a block.
    let distance: [Float]
    /// Per entry: the project's position in `Market.geometry.order`.
    let position: [Int32]
    /// Per block: at least the largest distance from its centre to one of its applicants.
    let radius: [Double]
    /// Words of a set of positions (`Market.geometry.order`) as a bitset; 0 when the
    /// prefix sets below were not kept (too large).
    let words: Int
    /// Prefix sets kept per block (one per 64 entries, and the empty one).
    let prefixes: Int
    /// `prefixBits[(b * prefixes + q) * words ..< + words]`: the positions of block `b`'s
    /// first `64 q` entries, so that any run of its entries is a set in a few word
    /// operations (`entryBits`).
    let prefixBits: [UInt64]

    /// Grid cells of this many degrees, doubled until the entries fit the limit.
    static let cellDegrees = 0.01

    /// Nil when there are no projects, or the entries would exceed `entryLimit` even with
    /// cells of a degree.
    init?(_ m: Market, entryLimit: Int) {
        let n = m.workLat.count
        let projects = m.geometry.count
        guard projects > 0, n > 0 else { return nil }
        var cell = Self.cellDegrees
        var blockOf = [Int32](repeating: 0, count: n)
        var blocks = 0
        while true {
            var cells = FirstSeen<Int64>()
            for a in 0..<n {
                // Any grouping is correct; the key only has to be finite to be a key.
                let row = Int64(max(-1e6, min(1e6, (m.workLat[a] / cell).rounded(.down))))
                let column = Int64(max(-1e6, min(1e6, (m.workLon[a] / cell).rounded(.down))))
                blockOf[a] = cells.id(row << 32 | (column & 0xFFFF_FFFF), first: a)
            }
            blocks = cells.first.count
            if blocks * projects <= entryLimit { break }
            if cell >= 1 { return nil }
            cell *= 2
        }
        // Centres (the mean of the unit vectors: any point in space will do) and radii.
        var centre = [(Double, Double, Double)](repeating: (0, 0, 0), count: blocks)
        let unit = (0..<n).map { ProjectGeometry.unitVector(lat: m.workLat[$0], lon: m.workLon[$0]) }
        for a in 0..<n {
            let b = Int(blockOf[a])
            centre[b].0 += unit[a].0
            centre[b].1 += unit[a].1
            centre[b].2 += unit[a].2
        }
        var members = [Int](repeating: 0, count: blocks)
        for a in 0..<n { members[Int(blockOf[a])] += 1 }
        for b in 0..<blocks {
            let k = Double(members[b])
            centre[b] = (centre[b].0 / k, centre[b].1 / k, centre[b].2 / k)
        }
        var radius = [Double](repeating: 0, count: blocks)
        for a in 0..<n {
            let b = Int(blockOf[a])
            radius[b] = max(radius[b], Self.length(unit[a], centre[b]))
        }
        // A relative 1e-12 and an absolute 1e-15 over the measured radius cover the
        // rounding of the two subtractions and the square root.
        self.radius = radius.map { $0 * (1 + 1e-12) + 1e-15 }
        let geometry = m.geometry
        let (blockCount, centres) = (blocks, centre)
        let chunks = max(1, min(64, blocks / 16))
        let parts = Parallel.map(chunks: chunks) { chunk -> (distance: [Float], position: [Int32]) in
            var distance: [Float] = []
            var position: [Int32] = []
            var sorted: [(Float, Int32)] = []
            for b in Parallel.range(chunk, of: chunks, count: blockCount) {
                sorted.removeAll(keepingCapacity: true)
                for k in 0..<projects {
                    sorted.append((Float(geometry.chord2(centres[b], at: k).squareRoot()), Int32(k)))
                }
                sorted.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                for (d, k) in sorted {
                    distance.append(d)
                    position.append(k)
                }
            }
            return (distance, position)
        }
        self.blockOf = blockOf
        self.start = (0...blocks).map { $0 * projects }
        self.distance = parts.flatMap(\.distance)
        self.position = parts.flatMap(\.position)
        let words = (projects + 63) / 64, prefixes = projects / 64 + 1
        if blocks * prefixes * words <= Self.prefixWordLimit {
            var bits = [UInt64](repeating: 0, count: blocks * prefixes * words)
            var current = [UInt64](repeating: 0, count: words)
            for b in 0..<blocks {
                for w in 0..<words { current[w] = 0 }
                for j in 0..<projects {
                    if j & 63 == 0 {
                        let at = (b * prefixes + j / 64) * words
                        for w in 0..<words { bits[at + w] = current[w] }
                    }
                    let k = Int(position[b * projects + j])
                    current[k >> 6] |= 1 << UInt64(k & 63)
                }
                if projects & 63 == 0 {
                    let at = (b * prefixes + projects / 64) * words
                    for w in 0..<words { bits[at + w] = current[w] }
                }
            }
            (self.words, self.prefixes, self.prefixBits) = (words, prefixes, bits)
        } else {
            (self.words, self.prefixes, self.prefixBits) = (0, 0, [])
        }
    }

    /// At most this many words of prefix sets (64 MiB).
    static let prefixWordLimit = 1 << 23

    /// Writes to `bits` (`words` words) the positions of block `b`'s entries `first ..<
    /// last`, counted from the block's start: the prefix set of `last` less that of
    /// `first`, each the kept set below it and the few entries after. Precondition:
    /// `words > 0`, `first <= last <= ` the block's entry count.
    @inline(__always)
    func entryBits(block b: Int, from first: Int, to last: Int, into bits: UnsafeMutablePointer<UInt64>) {
        let s = start[b]
        prefixBits.withUnsafeBufferPointer { kept in
            position.withUnsafeBufferPointer { position in
                let upper = (b * prefixes + last / 64) * words
                for w in 0..<words { bits[w] = kept[upper + w] }
                for j in (last & ~63)..<last {
                    let k = Int(position[s + j])
                    bits[k >> 6] |= 1 << UInt64(k & 63)
                }
                let lower = (b * prefixes + first / 64) * words
                for w in 0..<words { bits[w] &= ~kept[lower + w] }
                for j in (first & ~63)..<first {
                    let k = Int(position[s + j])
                    bits[k >> 6] &= ~(1 << UInt64(k & 63))
                }
            }
        }
    }

    /// Calls `body(position, chord2, lower)` for every project within applicant `a`'s
    /// commute limit that `open`'s table does not rule out for them, nearest their block's
    /// centre first: `position` in `Market.geometry.order`, `chord2` the squared chord when
    /// it was measured (else -1: surely within), `lower` a lower bound on the chord. The
    /// projects are exactly those `ProjectGeometry.forEachProjectChord` reports. `u` is the
    /// unit vector of `a`'s workplace, which the caller needs too, to measure the rest.
    ///
    /// With prefix sets kept: at the first project surely within for which
    /// `setFrom(lower)` is true, the projects surely within from there on are handed to
    /// `set` instead, as a bitset of positions (`words` words) that `open`'s table has not
    /// yet been applied to; the projects near the edge of the reach still go to `body`.
    @inline(__always)
    func forEachProjectWithin(
        of a: Int, at u: (Double, Double, Double), _ m: Market, _ open: OpenProjects,
        setFrom: (Double) -> Bool = { _ in false }, set: (UnsafeMutablePointer<UInt64>) -> Void = { _ in },
        _ body: (Int, Double, Double) -> Void
    ) {
        guard let r = reach(of: a, m) else { return }
        let (b, radius, end, sure) = (r.block, r.radius, r.end, r.sure)
        let lat = m.workLat[a], lon = m.workLon[a]
        let base = Int(open.kindOf[a]) * open.projects
        let table = open.table, position = self.position, distance = self.distance
        var i = start[b]
        let sets = words > 0
        while i < sure {
            let lower = Self.bounds(distance[i], radius: radius).lower
            if sets && setFrom(lower) { break }
            let k = Int(position[i])
            if table[base + k] != 0 { body(k, -1, lower) }
            i += 1
        }
        if i < sure {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { bits in
                entryBits(block: b, from: i - start[b], to: sure - start[b], into: bits.baseAddress!)
                set(bits.baseAddress!)
            }
        }
        for i in sure..<end {
            let k = Int(position[i])
            guard table[base + k] != 0, let chord2 = chord2Within(k, u, lat, lon, r, m) else { continue }
            body(k, chord2, Self.bounds(distance[i], radius: radius).lower)
        }
    }

    /// The squared chord to the project at position `k`, near the edge of `r` (an
    /// applicant's reach, their workplace at `u`, `lat`, `lon`), when it is within the
    /// commute limit after all; nil when it is not.
    @inline(__always)
    func chord2Within(_ k: Int, _ u: (Double, Double, Double), _ lat: Double, _ lon: Double, _ r: Reach, _ m: Market) -> Double? {
        let chord2 = m.geometry.chord2(u, at: k)
        guard chord2 <= r.maxChord2 else { return nil }
        if chord2 > r.sureChord2
            && !m.geometry.isWithin(at: k, chord2: chord2, fromLat: lat, lon, limit: r.limit, model: m.input.policy.commute)
        {
            return nil
        }
        return chord2
    }

    /// Where applicant `a`'s reach falls in their block's entries: entries `start[block]
    /// ..< sure` are surely within it, `sure ..< end` near its edge (to be measured), the
    /// rest surely out. Both bounds grow with the stored distance (sorted ascending), so
    /// both boundaries are found by bisection. Nil when the limit reaches nothing.
    @inline(__always)
    func reach(of a: Int, _ m: Market) -> Reach? {
        let model = m.input.policy.commute
        let limit = m.maxCommute[a]
        let maxChord2 = ProjectGeometry.maxChord2(withinMinutes: limit, model: model)
        guard maxChord2 >= 0 else { return nil }
        let sureChord2 = ProjectGeometry.sureChord2(withinMinutes: limit, model: model)
        let maxChord = maxChord2.squareRoot()
        let b = Int(blockOf[a])
        let radius = self.radius[b]
        let end = Self.firstIndex(in: distance, start[b]..<start[b + 1]) { Self.bounds($0, radius: radius).lower > maxChord }
        let sure = Self.firstIndex(in: distance, start[b]..<end) {
            let upper = Self.bounds($0, radius: radius).upper
            return !(upper * upper <= sureChord2)
        }
        return Reach(block: b, radius: radius, sure: sure, end: end, limit: limit, maxChord2: maxChord2, sureChord2: sureChord2)
    }

    struct Reach {
        var block: Int
        var radius: Double
        var sure: Int
        var end: Int
        var limit: Int
        var maxChord2: Double
        var sureChord2: Double
    }

    /// The first index of `range` whose stored distance satisfies `past` (which, once
    /// true, stays true further on), or `range.upperBound`.
    @inline(__always)
    static func firstIndex(in distance: [Float], _ range: Range<Int>, past: (Float) -> Bool) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if past(distance[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Bounds on an applicant's distance to a project `stored` from their block's centre,
    /// the block's `radius` given: the Float's rounding (at most a relative 2^-24) allowed
    /// for with room to spare.
    @inline(__always)
    static func bounds(_ stored: Float, radius: Double) -> (lower: Double, upper: Double) {
        let d = Double(stored)
        return (d * (1 - 1e-6) - radius, d * (1 + 1e-6) + radius)
    }

    private static func length(_ x: (Double, Double, Double), _ y: (Double, Double, Double)) -> Double {
        let dx = x.0 - y.0, dy = x.1 - y.1, dz = x.2 - y.2
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }
}
