/// Every arc, grouped by class and, within a class, by cost bucket (`(cost − minCost) >> shift`), as
/// keys ordered as (cost, applicant): `(cost − costBase) << applicantBits | applicant`, 32-bit when
/// the applicants' indices and the span of costs fit (`holds`), else 64-bit with
/// `cost << 32 | applicant`. Both order the arcs alike, so the solver does the same steps
/// with either; the 32-bit keys halve the solver's largest array (at a million applicants
/// about 100 MB, at the moment the optimal round's memory peaks).
///
/// A class's arcs are revealed cheapest-first: its *list* is the sorted prefix of its segment
/// made of whole buckets, and `extend` sorts and appends the next non-empty
/// bucket. Because buckets partition the cost range in order, a list is always a cost prefix: every
/// arc of the class outside its list costs more than every arc inside.
///
/// Building it: one parallel counting pass (per chunk of applicants: arcs per (class, bucket)) fixes
/// the whole layout; then a parallel scatter places only each class's probably-needed cheapest buckets
/// (`initialLength`). When a class needs a bucket not placed yet, one more scatter pass places all of
/// that class's arcs and at least doubles every other class's placed prefix, so passes stay few (one
/// in the benchmark's shape, where applicants far outnumber capacity). Chunks write disjoint,
/// precomputed positions in chunk-then-applicant order, so the layout never depends on thread timing.
final class ClassArcs<Key: ArcKey> {
    let classCount: Int
    let bucketCount: Int
    let shift: Int
    let minCost: Int32
    let arcCount: Int
    /// Keys by (class, bucket); bucket (j, b) is sorted once it is in j's list.
    let keys: UnsafeMutablePointer<Key>
    /// Per class: start of its segment (count classCount + 1).
    let segmentStart: UnsafeMutablePointer<Int>
    /// Per class: end of its list (its sorted prefix).
    let listEnd: UnsafeMutablePointer<Int>
    /// Per class: the next bucket to add.
    let nextBucket: UnsafeMutablePointer<Int32>
    /// Per class: buckets 0...scatteredCut[j] are in `keys` (the others are not placed yet).
    private let scatteredCut: UnsafeMutablePointer<Int32>
    /// Per class: the cut the next scatter pass goes up to.
    private let targetCut: UnsafeMutablePointer<Int32>
    /// Arcs per (class, bucket), class-major.
    private let counts: UnsafeMutablePointer<Int32>
    /// Per chunk, per (class, bucket): where that chunk's next arc goes.
    private var chunkNext: [UnsafeMutablePointer<Int32>]
    private let chunkRanges: [Range<Int>]
    private let problem: TransportationProblem
    private var everythingScattered = false
    private(set) var scatterPasses = 0
    private(set) var listedArcs = 0

    /// - Parameter initialLength: per class, how many of its cheapest arcs it probably needs, given
    ///   its capacity and its demand share (Σ over its applicants of 1 / their arc count).
    /// - Parameter chunks: tests only — forces the number of applicant chunks.
    init(
        _ p: TransportationProblem, minCost: Int32, maxCost: Int32, chunks: Int? = nil,
        initialLength: (_ capacity: Int, _ share: Double) -> Int
    ) {
        problem = p
        precondition(Self.holds(sourceCount: p.sourceCount, minCost: minCost, maxCost: maxCost), "ClassArcs: keys too narrow")
        let classCount = p.sinkCount
        self.classCount = classCount
        self.minCost = minCost
        arcCount = p.arcCount
        // Keep each count table small enough to stay in cache: about 2^18 counters, 16…1024 per class.
        let target = max(16, min(1024, (1 << 18) / max(classCount, 1)))
        let span = Int(maxCost) - Int(minCost)
        var bits = 0
        while (span >> bits) >= target { bits += 1 }
        let shift = bits
        self.shift = shift
        let buckets = (span >> shift) + 1
        bucketCount = buckets
        let cells = classCount * buckets

        // Chunks of applicants, each with its own count and position tables (bounded memory).
        let chunkCount = max(1, chunks ?? min(8, p.arcCount >> 20, (1 << 23) / max(cells, 1)))
        let ranges = (0..<chunkCount).map { Parallel.range($0, of: chunkCount, count: p.sourceCount) }
        chunkRanges = ranges

        // Pass 1: counts and demand shares per chunk.
        let parts = Parallel.map(chunks: chunkCount) { chunk -> (counts: [Int32], share: [Double]) in
            var counts = [Int32](repeating: 0, count: cells)
            var share = [Double](repeating: 0, count: classCount)
            counts.withUnsafeMutableBufferPointer { counts in
                share.withUnsafeMutableBufferPointer { share in
                    p.arcStart.withUnsafeBufferPointer { start in
                        p.arcSink.withUnsafeBufferPointer { sink in
                            p.arcCost.withUnsafeBufferPointer { cost in
                                for i in ranges[chunk] where start[i + 1] > start[i] {
                                    let weight = 1 / Double(start[i + 1] - start[i])
                                    for e in start[i]..<start[i + 1] {
                                        let j = Int(sink[e])
                                        counts[j * buckets + (Int(cost[e] &- minCost) >> shift)] += 1
                                        share[j] += weight
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (counts, share)
        }
        counts = .allocate(capacity: max(cells, 1))
        counts.initialize(repeating: 0, count: cells)
        var share = [Double](repeating: 0, count: classCount)
        for part in parts {
            for c in 0..<cells { counts[c] += part.counts[c] }
            for j in 0..<classCount { share[j] += part.share[j] }
        }

        // Layout: segments by class, cells by bucket, chunks in order inside each cell.
        keys = .allocate(capacity: max(arcCount, 1))
        // Debug builds poison the keys, so a position the scatter missed cannot pass `extend`'s check.
        #if DEBUG
        keys.initialize(repeating: .max, count: arcCount)
        #endif
        segmentStart = .allocate(capacity: classCount + 1)
        listEnd = .allocate(capacity: max(classCount, 1))
        nextBucket = .allocate(capacity: max(classCount, 1))
        nextBucket.initialize(repeating: 0, count: classCount)
        scatteredCut = .allocate(capacity: max(classCount, 1))
        scatteredCut.initialize(repeating: -1, count: classCount)
        targetCut = .allocate(capacity: max(classCount, 1))
        chunkNext = (0..<chunkCount).map { _ in UnsafeMutablePointer<Int32>.allocate(capacity: max(cells, 1)) }
        var position = 0
        for j in 0..<classCount {
            segmentStart[j] = position
            listEnd[j] = position
            for b in 0..<buckets {
                let cell = j * buckets + b
                for chunk in 0..<chunkCount {
                    chunkNext[chunk][cell] = Int32(truncatingIfNeeded: position)
                    position += Int(parts[chunk].counts[cell])
                }
            }
            // The first pass scatters the buckets holding the class's probably-needed prefix.
            let want = initialLength(p.capacities[j], share[j])
            var cut: Int32 = -1, total = 0
            while total < want && Int(cut) + 1 < buckets {
                cut += 1
                total += Int(counts[j * buckets + Int(cut)])
            }
            targetCut[j] = cut
        }
        segmentStart[classCount] = position
        scatter()
    }

    deinit {
        keys.deallocate(); segmentStart.deallocate(); listEnd.deallocate(); nextBucket.deallocate()
        scatteredCut.deallocate(); targetCut.deallocate(); counts.deallocate()
        for t in chunkNext { t.deallocate() }
    }

    /// One pass over all arcs: places the arcs of buckets scatteredCut[j] < b ≤ targetCut[j].
    private func scatter() {
        let p = problem, buckets = bucketCount, shift = shift, minCost = minCost
        let ranges = chunkRanges
        nonisolated(unsafe) let keys = self.keys
        let applicantBits = Self.applicantBits, costBase = costBase
        nonisolated(unsafe) let low = self.scatteredCut
        nonisolated(unsafe) let high = self.targetCut
        nonisolated(unsafe) let tables = self.chunkNext
        _ = Parallel.map(chunks: ranges.count) { chunk -> Int in
            let next = tables[chunk]
            p.arcStart.withUnsafeBufferPointer { start in
                p.arcSink.withUnsafeBufferPointer { sink in
                    p.arcCost.withUnsafeBufferPointer { cost in
                        for i in ranges[chunk] {
                            let applicant = Key(truncatingIfNeeded: i)
                            for e in start[i]..<start[i + 1] {
                                let c = cost[e], j = Int(sink[e])
                                let b = Int32(truncatingIfNeeded: Int(c &- minCost) >> shift)
                                if b > low[j] && b <= high[j] {
                                    let cell = j * buckets + Int(b)
                                    keys[Int(next[cell])] = Key(truncatingIfNeeded: Int(c) - costBase) << applicantBits | applicant
                                    next[cell] += 1
                                }
                            }
                        }
                    }
                }
            }
            return 0
        }
        scatterPasses += 1
        var all = true
        for j in 0..<classCount {
            scatteredCut[j] = targetCut[j]
            if Int(targetCut[j]) < bucketCount - 1 { all = false }
        }
        if all {
            everythingScattered = true
            for t in chunkNext { t.deallocate() }
            chunkNext = []
        }
    }

    /// Class j needs bucket b, not placed yet: one more pass, which places all of j's arcs and, for
    /// every other class, enough buckets to at least double what it has (so passes stay few).
    private func scatterMore(for j: Int) {
        for k in 0..<classCount {
            var cut = Int(scatteredCut[k]), have = 0
            if cut >= 0 { for b in 0...cut { have += Int(counts[k * bucketCount + b]) } }
            var total = have
            while cut + 1 < bucketCount && (cut == Int(scatteredCut[k]) || total < 2 * have) {
                cut += 1
                total += Int(counts[k * bucketCount + cut])
            }
            targetCut[k] = Int32(cut)
        }
        targetCut[j] = Int32(bucketCount - 1)
        scatter()
    }

    // MARK: Key layout
    //
    // The applicant in the low `applicantBits` bits, the cost less `costBase` above. The layout
    // is fixed per key width, so once the code is specialized for a width its shifts and masks
    // are constants: read from variables they cost the search about 9% at 50,000 × 50,000.

    /// Bits of a key for the applicant: 32 in 64-bit keys; 21 in 32-bit ones (indices below
    /// 2^21, 2,097,152 applicants), leaving 11 for the cost.
    static var applicantBits: Int { Key.bitWidth >= 64 ? 32 : 21 }

    /// The largest cost field a key holds: every arc's must be below it, so that a limit
    /// above every cost exists (`keyLimit`). For 32-bit keys 2^11 − 1, a span of 2,046 minutes.
    static var costFieldLimit: Int { (1 << (Key.bitWidth - applicantBits)) - 1 }

    /// Whether `Key` holds every arc of a problem with these applicants and costs: 64-bit keys
    /// always (costs are at most `TransportationProblem.costLimit`); 32-bit ones when the
    /// applicants' indices fit and the span of costs stays below `costFieldLimit`.
    static func holds(sourceCount: Int, minCost: Int32, maxCost: Int32) -> Bool {
        if Key.bitWidth >= 64 { return true }
        return sourceCount <= 1 << applicantBits && Int(maxCost) - Int(minCost) < costFieldLimit
    }

    /// What a key's cost field is counted from: the least cost in 32-bit keys, 0 in 64-bit ones.
    @inline(__always) var costBase: Int { Key.bitWidth >= 64 ? 0 : Int(minCost) }

    @inline(__always) static func applicant(_ key: Key) -> Int {
        Int(truncatingIfNeeded: key & ((1 << applicantBits) - 1))
    }
    @inline(__always) static func cost(_ key: Key, base: Int) -> Int {
        Int(truncatingIfNeeded: key >> applicantBits) + base
    }
    @inline(__always) func applicant(_ key: Key) -> Int { Self.applicant(key) }
    @inline(__always) func cost(_ key: Key) -> Int { Self.cost(key, base: costBase) }

    /// The least key of an arc costing `bound` or more: the keys below it are exactly the arcs
    /// cheaper than `bound` (every key, for a bound above every cost).
    @inline(__always) func keyLimit(below bound: Int) -> Key {
        Key(truncatingIfNeeded: min(max(bound - costBase, 0), Self.costFieldLimit)) << Self.applicantBits
    }

    /// A lower bound on the cost of every arc of class j outside its list (Int.max when complete).
    @inline(__always)
    func unlistedCostBound(_ j: Int) -> Int {
        let b = Int(nextBucket[j])
        return b >= bucketCount ? Int.max / 4 : Int(minCost) + (b << shift)
    }

    /// Appends class j's next non-empty bucket to its list, sorted. False when the list is complete.
    func extend(_ j: Int) -> Bool {
        var b = Int(nextBucket[j])
        while b < bucketCount {
            let n = Int(counts[j * bucketCount + b])
            if n > 0 && b > Int(scatteredCut[j]) { scatterMore(for: j) }
            b += 1
            if n > 0 {
                let from = listEnd[j]
                var bucket = UnsafeMutableBufferPointer(start: keys + from, count: n)
                bucket.sort()
                assert(bucket.allSatisfy {
                    applicant($0) < problem.sourceCount && (cost($0) - Int(minCost)) >> shift == b - 1
                }, "ClassArcs: bucket \(b - 1) of class \(j) was not fully placed")
                listEnd[j] = from + n
                nextBucket[j] = Int32(b)
                listedArcs += n
                return true
            }
        }
        nextBucket[j] = Int32(b)
        return false
    }
}

/// The integer types `ClassArcs` keys can be.
protocol ArcKey: FixedWidthInteger, UnsignedInteger, Sendable {}
extension UInt32: ArcKey {}
extension UInt64: ArcKey {}
