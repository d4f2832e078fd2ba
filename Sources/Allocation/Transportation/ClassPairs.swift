/// Class-pair minima for `ClassShortestPaths`' forward searches, where applicants and places are
/// not far apart in number (at most 3 to 1 or 1 to 2; see `TransportationSolver.solve`).
///
/// Settling class j, a forward search relaxes every class k holding a member i listed for j, at
/// `base + c(i, j) − c(i, k) − π(k)`. Only the least `c(i, j) − c(i, k)` over those members counts,
/// and it does not depend on the potentials: so it is kept per pair (j, k) as members move, and
/// the search looks at one entry per pair instead of one per listed member. In a balanced city the
/// searches of the warm start's repair settle ~40 classes each, and a settled class's list holds
/// about seven members per class they sit in (BENCHMARKS.md): the scan shrinks as much, while a
/// member moving costs a look at each of its listed arcs, and members rarely move (~2 per search).
///
/// Which pairs hold what. Position q of `ClassArcs.keys`, listed for class j, with applicant i
/// seated in class k ≥ 0, k ≠ j, is a member of pair (j, k) with value `cost(q) − seat[i].cost`.
/// A pair's minimum is its least (value, key) — the key (cost, applicant) breaking ties as the plain
/// scan's cost order does. Every listed arc of a seated applicant is so in exactly one pair, which
/// is all the plain scan looks at and more (it stops at the first free applicant and at `best`; a
/// pair's entry beyond those is ≥ best, see `ClassShortestPaths.route`), so the searches find
/// paths exactly as short.
///
/// Upkeep. `listed` takes each newly listed bucket, `move` each seat change. A pair that empties
/// leaves its class's active list but keeps its number (the map never deletes). One thread owns an
/// instance (the search's), so its stored properties skip the runtime's exclusivity checks, which
/// cost the upkeep about a fifth (perf, 50k × 50k).
final class ClassPairs<Key: ArcKey> {
    /// One of class j's pairs as the search reads it: contiguous per class.
    struct Active {
        var k: Int32
        /// Key position of the pair's minimum member.
        var minPosition: Int32
        /// Its value (costs are within 0 … 2^24, so a difference fits).
        var minValue: Int32
        /// The pair's number.
        var id: Int32
    }

    private struct Pair {
        /// First member (-1: none, and then not in its class's active list).
        var head: Int32 = -1
        /// Index in its class's active list (-1: empty, not listed there).
        var slot: Int32 = -1
    }

    let arcs: ClassArcs<Key>
    /// Per class j: its pairs with members, in no particular order.
    @exclusivity(unchecked) private(set) var active: [ContiguousArray<Active>]
    @exclusivity(unchecked) private var pairs: ContiguousArray<Pair> = []
    /// (j, k) → pair number, open addressing; key 0 is empty.
    @exclusivity(unchecked) private var mapKeys: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private var mapValues: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var mapMask: Int
    /// Per key position: its neighbours in its pair's member list (-1: none), and its pair (-1: none).
    private let next: UnsafeMutablePointer<Int32>
    private let previous: UnsafeMutablePointer<Int32>
    private let pairOf: UnsafeMutablePointer<Int32>
    /// `listed`'s cache of class j's pairs by k: valid where `cachedFor[k] == j`.
    private let cachedFor: UnsafeMutablePointer<Int32>
    private let cachedPair: UnsafeMutablePointer<Int32>
    /// Per applicant i: its listed positions and their classes, at `firstArc[i] ..< firstArc[i] + listedCount[i]`.
    private let firstArc: [Int]
    private let listedCount: UnsafeMutablePointer<Int32>
    private let listedPosition: UnsafeMutablePointer<Int32>
    private let listedClass: UnsafeMutablePointer<Int32>

    /// - Parameter arcStart: the problem's `arcStart` (an applicant has at most that many arcs listed).
    init(arcs: ClassArcs<Key>, arcStart: [Int]) {
        precondition(arcs.arcCount < Int(Int32.max), "ClassPairs: too many arcs for 32-bit positions")
        self.arcs = arcs
        let sourceCount = arcStart.count - 1
        active = Array(repeating: [], count: arcs.classCount)
        mapMask = (1 << 12) - 1
        mapKeys = filled(0, mapMask + 1)
        mapValues = filled(-1, mapMask + 1)
        next = filled(-1, arcs.arcCount)
        previous = filled(-1, arcs.arcCount)
        pairOf = filled(-1, arcs.arcCount)
        cachedFor = filled(-1, arcs.classCount)
        cachedPair = filled(-1, arcs.classCount)
        firstArc = arcStart
        listedCount = filled(0, sourceCount)
        listedPosition = filled(-1, arcs.arcCount)
        listedClass = filled(-1, arcs.arcCount)
    }

    deinit {
        mapKeys.deallocate(); mapValues.deallocate(); next.deallocate(); previous.deallocate(); pairOf.deallocate()
        cachedFor.deallocate(); cachedPair.deallocate()
        listedCount.deallocate(); listedPosition.deallocate(); listedClass.deallocate()
    }

    /// Class j's list grew by `positions`: each becomes its applicant's and joins a pair if seated.
    func listed(_ j: Int, _ positions: Range<Int>, seat: UnsafeMutablePointer<TransportationSeat>) {
        let keys = arcs.keys
        for q in positions {
            let i = ClassArcs<Key>.applicant(keys[q])
            let at = firstArc[i] + Int(listedCount[i])
            precondition(at < firstArc[i + 1], "ClassPairs: applicant \(i) listed more often than it has arcs")
            listedPosition[at] = Int32(q)
            listedClass[at] = Int32(j)
            listedCount[i] += 1
            let k = Int(seat[i].cls)
            guard k >= 0 && k != j else { continue }
            // A bucket's members sit in few classes: one map lookup per class, not per member.
            if cachedFor[k] != Int32(j) {
                cachedFor[k] = Int32(j)
                cachedPair[k] = Int32(pairNumber(j, k))
            }
            insert(q, into: j, k, pair: Int(cachedPair[k]), seat: seat)
        }
    }

    /// Applicant i moved from class `from` to class `to` (either -1: free); `seat` already holds `to`.
    /// (A search never moves an applicant within its class, so its values change only with its class.)
    func move(_ i: Int, from: Int, to: Int, seat: UnsafeMutablePointer<TransportationSeat>) {
        precondition(from != to, "ClassPairs: applicant \(i) moved within class \(from)")
        for t in firstArc[i]..<(firstArc[i] + Int(listedCount[i])) {
            let q = Int(listedPosition[t]), j = Int(listedClass[t])
            if from >= 0 && from != j { remove(q, from: j, seat: seat) }
            if to >= 0 && to != j { insert(q, into: j, to, pair: pairNumber(j, to), seat: seat) }
        }
    }

    // MARK: Pairs

    @inline(__always) private func value(_ q: Int, seat: UnsafeMutablePointer<TransportationSeat>) -> Int32 {
        let key = arcs.keys[q]
        return Int32(arcs.cost(key) - Int(seat[ClassArcs<Key>.applicant(key)].cost))
    }

    /// Whether member q (of value v) comes before the pair's minimum m (of value w).
    @inline(__always) private func precedes(_ q: Int, _ v: Int32, _ m: Int, _ w: Int32) -> Bool {
        v < w || (v == w && arcs.keys[q] < arcs.keys[m])
    }

    /// Member q joins pair `id`, which is (j, k).
    private func insert(_ q: Int, into j: Int, _ k: Int, pair id: Int, seat: UnsafeMutablePointer<TransportationSeat>) {
        let v = value(q, seat: seat)
        pairOf[q] = Int32(id)
        let head = pairs[id].head
        next[q] = head
        previous[q] = -1
        if head >= 0 { previous[Int(head)] = Int32(q) }
        pairs[id].head = Int32(q)
        if head < 0 {
            pairs[id].slot = Int32(active[j].count)
            active[j].append(Active(k: Int32(k), minPosition: Int32(q), minValue: v, id: Int32(id)))
        } else {
            let slot = Int(pairs[id].slot)
            let current = active[j][slot]
            if precedes(q, v, Int(current.minPosition), current.minValue) {
                active[j][slot].minPosition = Int32(q)
                active[j][slot].minValue = v
            }
        }
    }

    /// Member q, listed for class j, leaves its pair.
    private func remove(_ q: Int, from j: Int, seat: UnsafeMutablePointer<TransportationSeat>) {
        let id = Int(pairOf[q])
        precondition(id >= 0, "ClassPairs: position \(q) of class \(j) is in no pair")
        pairOf[q] = -1
        let n = next[q], p = previous[q]
        if p >= 0 { next[Int(p)] = n } else { pairs[id].head = n }
        if n >= 0 { previous[Int(n)] = p }
        next[q] = -1
        previous[q] = -1
        let slot = Int(pairs[id].slot)
        if pairs[id].head < 0 {
            // Out of the active list: the last entry takes its place.
            let last = active[j].count - 1
            if slot != last {
                let moved = active[j][last]
                active[j][slot] = moved
                pairs[Int(moved.id)].slot = Int32(slot)
            }
            active[j].removeLast()
            pairs[id].slot = -1
        } else if Int(active[j][slot].minPosition) == q {
            var m = Int(pairs[id].head), w = value(m, seat: seat)
            var r = Int(next[m])
            while r >= 0 {
                let v = value(r, seat: seat)
                if precedes(r, v, m, w) { m = r; w = v }
                r = Int(next[r])
            }
            active[j][slot].minPosition = Int32(m)
            active[j][slot].minValue = w
        }
    }

    // MARK: The map

    @inline(__always) private func mapKey(_ j: Int, _ k: Int) -> UInt64 { (UInt64(j) << 32 | UInt64(k)) &+ 1 }

    @inline(__always) private func slotOf(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mapMask
    }

    private func pairNumber(_ j: Int, _ k: Int) -> Int {
        let key = mapKey(j, k)
        var s = slotOf(key)
        while true {
            let stored = mapKeys[s]
            if stored == key { return Int(mapValues[s]) }
            if stored == 0 { break }
            s = (s + 1) & mapMask
        }
        let id = pairs.count
        precondition(id < Int(Int32.max), "ClassPairs: too many pairs")
        pairs.append(Pair())
        mapKeys[s] = key
        mapValues[s] = Int32(id)
        if 2 * pairs.count > mapMask + 1 { grow() }
        return id
    }

    private func grow() {
        let oldKeys = mapKeys, oldValues = mapValues, oldSize = mapMask + 1
        mapMask = 2 * oldSize - 1
        mapKeys = filled(0, mapMask + 1)
        mapValues = filled(-1, mapMask + 1)
        for s in 0..<oldSize where oldKeys[s] != 0 {
            var t = slotOf(oldKeys[s])
            while mapKeys[t] != 0 { t = (t + 1) & mapMask }
            mapKeys[t] = oldKeys[s]
            mapValues[t] = oldValues[s]
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}
