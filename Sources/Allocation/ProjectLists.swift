/// Every applicant's open projects — programme admits them, within their commute limit,
/// some class admits them — as `minutes << 32 | project`, ascending, so by commute first.
///
/// Built once, in parallel, and shared: a mechanism walks an applicant's list from the
/// nearest project and stops at the first commute tier that has a place for them, a
/// displaced applicant resumes without any geometry, and explanations read the count of
/// open projects and the nearest ones off the list.
struct ProjectLists: Sendable {
    let start: [Int]
    let entries: [UInt64]

    @inline(__always) static func minutes(_ e: UInt64) -> Int { Int(e >> 32) }
    @inline(__always) static func project(_ e: UInt64) -> Int { Int(e & 0xFFFF_FFFF) }

    @inline(__always) func range(of a: Int) -> Range<Int> { start[a]..<start[a + 1] }

    init(_ m: Market, progress: ProgressCounter?) {
        let n = m.input.applicants.count
        let chunks = max(1, min(64, n / 512))
        let parts = Parallel.map(chunks: chunks) { chunk -> (counts: [Int], entries: [UInt64]) in
            var counts: [Int] = []
            var entries: [UInt64] = []
            let range = Parallel.range(chunk, of: chunks, count: n)
            counts.reserveCapacity(range.count)
            entries.reserveCapacity(range.count * 64)
            for a in range {
                let before = entries.count
                m.forEachReachableProject(of: a, skip: { m.admission.mask(applicant: a, project: $0) == 0 }) { p, minutes in
                    if !m.admission.exact(p) && !m.projectClasses[p].contains(where: { m.admits($0, applicant: a) }) { return }
                    entries.append(UInt64(minutes) << 32 | UInt64(p))
                }
                entries.withUnsafeMutableBufferPointer { buffer in
                    ProjectLists.sortInPlace(UnsafeMutableBufferPointer(rebasing: buffer[before...]))
                }
                counts.append(entries.count - before)
                if a & 1023 == 1023 { progress?.add(512) }
            }
            return (counts, entries)
        }
        var start = [0]
        start.reserveCapacity(n + 1)
        var entries: [UInt64] = []
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.entries.count })
        for part in parts {
            for c in part.counts { start.append(start[start.count - 1] + c) }
            entries.append(contentsOf: part.entries)
        }
        self.start = start
        self.entries = entries
    }

    /// The first position in `a`'s list whose commute is at least `minutes`.
    func firstIndex(of a: Int, atLeast minutes: Int) -> Int {
        var lo = start[a], hi = start[a + 1]
        let key = UInt64(minutes) << 32
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Sorts a short run of keys without allocating (Swift's `sort` is a merge sort that
    /// allocates a buffer per call, which dominated for 200k runs of ~70 keys): quicksort
    /// with a median-of-three pivot down to insertion sort for small ranges.
    static func sortInPlace(_ a: UnsafeMutableBufferPointer<UInt64>) {
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
                if j > lo { sortInPlace(UnsafeMutableBufferPointer(rebasing: a[lo...j])) }
                lo = i
            } else {
                if hi > i { sortInPlace(UnsafeMutableBufferPointer(rebasing: a[i...hi])) }
                hi = j
            }
        }
        if hi > lo {
            for k in (lo + 1)...hi {
                let x = a[k]
                var m = k - 1
                while m >= lo && a[m] > x {
                    a[m + 1] = a[m]
                    m -= 1
                }
                a[m + 1] = x
            }
        }
    }
}
