/// Successive shortest paths on the class graph — the exact core of `TransportationSolver`.
///
/// Network. Class `j` has supply `capacities[j]`; every unit must reach the terminal T, either
/// through an applicant (class → applicant, cost `c(i, j)`, capacity 1; applicant → T, cost 0,
/// capacity 1) or through the class's own "unfilled" arc (class → T, cost M, unbounded). A flow is an
/// assignment plus a count of unfilled slots per class, and its cost is Σ c + M·unfilled =
/// M·(total capacity) − Σ_assigned (M − c): minimising it is exactly what `TransportationSolver`
/// wants (see there for why M works).
///
/// Algorithm. Units are routed one at a time, each along a shortest path from its class to T in the
/// residual network (successive shortest paths with supplies). The classic invariant: node
/// potentials π with every residual reduced cost `c(u, v) + π(u) − π(v) ≥ 0`; Dijkstra with those
/// reduced costs finds the path; afterwards `π(v) += min(d(v), d(T)) − d(T)` (only nodes settled before
/// T change) keeps the invariant and makes the path tight. A pseudoflow with such potentials has no
/// negative residual cycle, so it is a cheapest flow for its supplies; after the last unit it is a
/// cheapest feasible flow. Routing order does not matter for exactness.
///
/// The search runs on classes only. An assigned applicant has exactly one residual out-arc (back to
/// its class k) and a free one exactly one (to T), so applicant nodes contract away: class j → class k
/// through an applicant i assigned to k costs `c(i, j) − c(i, k) + π(j) − π(k)` (the applicant's
/// potential cancels); class j → T through a free applicant costs `c(i, j) + π(j)` (free applicants and
/// T keep potential 0: a free applicant settled before T would reach T at the same distance, so its
/// update is 0); class j → T unfilled costs `M + π(j)`. Every applicant has potential ≤ 0 (an assigned
/// one has T → i residual), so any arc j → i costs at least `c(i, j) + π(j)`.
///
/// Pruning. Class j's arcs are scanned cheapest first (`ClassArcs` lists). Settling j at distance d
/// (base = d + π(j)), an entry of cost c costs at least base + c, so the scan stops at the first free
/// applicant (reaching T through it is at least as good as anything after it) and at the first
/// c ≥ best − base, where best is the best distance to T found so far. Applicants never become free
/// again, so the first-free pointer only moves forward.
///
/// Arcs revealed on demand. A class's list is a cost prefix of its arcs; the arcs outside it cost at
/// least `unlistedCostBound(j)`. Settling j, the list grows only while it holds no free applicant and
/// base + that bound < best. Invariant: λ_j := −π(j) ≤ the bound, which makes every unlisted arc's
/// reduced cost `c + π(j) − π(i) ≥ c − λ_j ≥ 0` — so the potentials are valid for *all* arcs, listed or
/// not, and the search on lists is exactly the search on the whole network. It holds initially (λ = 0)
/// and after each update, which sets λ_j to best − base: the list either holds a free applicant of cost
/// c with best ≤ base + c ≤ base + bound, or growth stopped because base + bound ≥ best.
///
/// Batch: when a search ends on the source class's own unfilled arc, its potential becomes −M and that
/// arc has reduced cost 0, so every remaining unit of that class also has a shortest path of length 0
/// there; they are all routed at once.
///
/// At the end `λ_j = −π(j)` ∈ [0, M] (potentials only decrease; the unfilled arc keeps π(j) ≥ −M, and a
/// class with an unfilled slot has T → j residual, so π(j) = −M): λ is the dual that
/// `TransportationSolver.certify` checks, as `classPrice[j] = M − λ_j`.
final class ClassShortestPaths<Key: ArcKey> {
    let classCount: Int
    let sourceCount: Int
    let reward: Int
    let arcs: ClassArcs<Key>

    /// Per applicant: its class (-1: free) and the cost of that arc.
    let seat: UnsafeMutablePointer<Seat>
    let unfilled: UnsafeMutablePointer<Int>
    /// Potential and search state per class, together so a relaxation touches one cache line.
    private let node: UnsafeMutablePointer<Node>
    private let freePointer: UnsafeMutablePointer<Int>
    private let via: UnsafeMutablePointer<Via>
    private let settledList: UnsafeMutablePointer<Int32>
    /// (distance, class) pairs still to settle; lazy deletion.
    private var heap = ClassHeap()
    private var stamp = 0

    private(set) var searches = 0
    private(set) var settledClasses = 0
    private(set) var scannedEntries = 0

    struct Node {
        var potential = 0
        var distance = 0
        /// Search stamps: reached (distance valid) / settled in the current search.
        var seen = 0
        var settled = 0
    }

    func potential(of j: Int) -> Int { node[j].potential }

    typealias Seat = TransportationSeat
    typealias Via = TransportationVia

    init(arcs: ClassArcs<Key>, sourceCount: Int, reward: Int) {
        let classCount = arcs.classCount
        self.arcs = arcs
        self.classCount = classCount
        self.sourceCount = sourceCount
        self.reward = reward
        seat = filled(Seat(cls: -1, cost: 0), sourceCount)
        unfilled = filled(0, classCount)
        node = filled(Node(), classCount)
        freePointer = filled(0, classCount)
        freePointer.update(from: arcs.segmentStart, count: classCount)
        via = filled(Via(applicant: -1, from: -1, cost: 0), classCount)
        settledList = filled(0, classCount)
    }

    deinit {
        seat.deallocate(); unfilled.deallocate(); node.deallocate(); freePointer.deallocate(); via.deallocate()
        settledList.deallocate()
    }

    /// Routes every unit of supply. `progress` gets the fraction of units routed.
    func run(capacities: [Int], progress: ((Double) -> Void)?) {
        let totalUnits = capacities.reduce(0, +)
        var routed = 0
        var nextReport = 0
        let reportStep = max(1, totalUnits / 100)
        for s in 0..<classCount {
            var remaining = capacities[s]
            while remaining > 0 {
                if routed >= nextReport, let progress {
                    progress(Double(routed) / Double(max(totalUnits, 1)))
                    nextReport = routed + reportStep
                }
                if route(from: s) {
                    // The unit went to s's own unfilled arc, now of reduced cost 0: so do all the rest.
                    unfilled[s] += remaining - 1
                    routed += remaining
                    remaining = 0
                } else {
                    routed += 1
                    remaining -= 1
                }
            }
        }
    }

    /// One shortest-path search from class `s` and the augmentation along it. Returns true when the
    /// path is s's own unfilled arc.
    private func route(from s: Int) -> Bool {
        stamp += 1
        searches += 1
        let stamp = self.stamp
        let reward = self.reward
        heap.removeAll()
        var settledCount = 0
        var scanned = 0
        node[s].distance = 0
        node[s].seen = stamp
        heap.push(0, Int32(s))
        var best = Int.max
        var endClass = -1
        var endApplicant = -1
        var endCost: Int32 = 0
        let keys = arcs.keys, segmentStart = arcs.segmentStart, listEnd = arcs.listEnd
        // Keys decode through `ClassArcs`' fixed layout, with its cost base in a local so the
        // loops below read nothing else of `arcs`.
        let costBase = arcs.costBase
        @inline(__always) func applicant(_ key: Key) -> Int { ClassArcs<Key>.applicant(key) }
        @inline(__always) func cost(_ key: Key) -> Int { ClassArcs<Key>.cost(key, base: costBase) }
        let seat = self.seat, node = self.node, via = self.via
        while let (d, j32) = heap.popMin() {
            let j = Int(j32)
            if node[j].settled == stamp { continue }
            if d >= best { break }
            node[j].settled = stamp
            settledList[settledCount] = j32
            settledCount += 1
            // First free applicant of j's list; reveal more arcs while the list has none (this keeps
            // λ_j ≤ every cost outside the list, see the type's notes).
            let lo = segmentStart[j]
            var hi = listEnd[j]
            var p = freePointer[j]
            let base = d + node[j].potential
            while true {
                while p < hi && seat[applicant(keys[p])].cls >= 0 { p += 1 }
                if p < hi || base + arcs.unlistedCostBound(j) >= best || !arcs.extend(j) { break }
                hi = listEnd[j]
            }
            freePointer[j] = p
            if p < hi {
                let candidate = base + cost(keys[p])
                if candidate < best {
                    best = candidate; endClass = j
                    endApplicant = applicant(keys[p]); endCost = Int32(truncatingIfNeeded: cost(keys[p]))
                }
            }
            let viaUnfilled = base + reward
            if viaUnfilled < best {
                best = viaUnfilled; endClass = j; endApplicant = -1
            }
            // Entries before p are all assigned. An entry costs at least base + its cost: stop at `best`.
            let limit = arcs.keyLimit(below: best - base)
            var e = lo
            while e < p && keys[e] < limit {
                let key = keys[e]
                let i = applicant(key)
                let k = Int(seat[i].cls)
                let target = node[k]
                if k != j && target.settled != stamp {
                    let c = cost(key)
                    let nd = base + c - Int(seat[i].cost) - target.potential
                    if nd < best && (target.seen != stamp || nd < target.distance) {
                        node[k].distance = nd
                        node[k].seen = stamp
                        via[k] = Via(applicant: Int32(i), from: j32, cost: Int32(c))
                        heap.push(nd, Int32(k))
                    }
                }
                e += 1
            }
            scanned += e - lo
        }
        settledClasses += settledCount
        scannedEntries += scanned
        // Potentials: π(v) += d(v) − d(T) for classes settled before T.
        for t in 0..<settledCount {
            let j = Int(settledList[t])
            node[j].potential += node[j].distance - best
        }
        // Augment.
        if endApplicant >= 0 {
            seat[endApplicant] = Seat(cls: Int32(endClass), cost: endCost)
        } else {
            unfilled[endClass] += 1
        }
        var j = endClass
        while j != s {
            let step = via[j]
            seat[Int(step.applicant)] = Seat(cls: step.from, cost: step.cost)
            j = Int(step.from)
        }
        return endApplicant < 0 && endClass == s
    }
}

/// Per applicant, in both routings: its class (-1: free) and the cost of that arc.
struct TransportationSeat {
    var cls: Int32
    var cost: Int32
}

/// How a class was reached: applicant `applicant` (assigned to it) moves to `from` at `cost`.
struct TransportationVia {
    var applicant: Int32
    var from: Int32
    var cost: Int32
}

/// A buffer of `count` copies of `value` (at least one element allocated, so an empty
/// problem still gets a valid pointer); the owner deallocates it.
func filled<T>(_ value: T, _ count: Int) -> UnsafeMutablePointer<T> {
    let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
    pointer.initialize(repeating: value, count: count)
    return pointer
}
