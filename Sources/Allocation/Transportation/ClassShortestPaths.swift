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
/// Pair scans (`ClassPairs`, where applicants and places are not far apart in number): settling j reads one
/// entry per class k holding members listed for j — the least c(i, j) − c(i, k) among them, kept
/// as members move — instead of each listed member. Those are the same arcs and more (members past
/// the first free applicant or past `best`, whose entries come out ≥ best), so the distances are
/// the same; a tie between paths may be broken otherwise, which any exact method may do.
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
    /// Per class: members beyond its capacity still to shed (warm start only; 0 otherwise).
    private let deficit: UnsafeMutablePointer<Int>
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

    /// Class-pair minima for the forward searches (nil: scan each member, see `ClassPairs`).
    /// Dropped once the forward searches are done (`shedDeficits` moves members without it).
    private var pairs: ClassPairs<Key>?

    init(arcs: ClassArcs<Key>, sourceCount: Int, reward: Int, pairs: ClassPairs<Key>? = nil) {
        let classCount = arcs.classCount
        self.arcs = arcs
        self.pairs = pairs
        self.classCount = classCount
        self.sourceCount = sourceCount
        self.reward = reward
        seat = filled(Seat(cls: -1, cost: 0), sourceCount)
        unfilled = filled(0, classCount)
        deficit = filled(0, classCount)
        node = filled(Node(), classCount)
        freePointer = filled(0, classCount)
        freePointer.update(from: arcs.segmentStart, count: classCount)
        via = filled(Via(applicant: -1, from: -1, cost: 0), classCount)
        settledList = filled(0, classCount)
    }

    deinit {
        seat.deallocate(); unfilled.deallocate(); deficit.deallocate(); node.deallocate(); freePointer.deallocate(); via.deallocate()
        settledList.deallocate()
    }

    /// Routes `units[j]` units from each class j (its capacity from scratch; its excess after
    /// `warmStart`). `progress` gets the fraction of units routed.
    func run(units: [Int], progress: ((Double) -> Void)?) {
        let totalUnits = units.reduce(0, +)
        var routed = 0
        var nextReport = 0
        let reportStep = max(1, totalUnits / 100)
        for s in 0..<classCount {
            var remaining = units[s]
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

    /// Starts a search (forward or backward) at class `s`, at distance 0.
    private func startSearch(at s: Int) {
        stamp += 1
        searches += 1
        heap.removeAll()
        node[s].distance = 0
        node[s].seen = stamp
        heap.push(0, Int32(s))
    }

    /// The nearest class not settled yet, if nearer than `best`: marked settled and listed.
    @inline(__always)
    private func settleNext(before best: Int, stamp: Int, count settledCount: inout Int) -> (distance: Int, cls: Int)? {
        let node = self.node, settledList = self.settledList
        while let (d, j32) = heap.popMin() {
            let j = Int(j32)
            if node[j].settled == stamp { continue }
            if d >= best { return nil }
            node[j].settled = stamp
            settledList[settledCount] = j32
            settledCount += 1
            return (d, j)
        }
        return nil
    }

    /// One shortest-path search from class `s` and the augmentation along it. Returns true when the
    /// path is s's own unfilled arc.
    private func route(from s: Int) -> Bool {
        startSearch(at: s)
        let stamp = self.stamp
        let reward = self.reward
        var settledCount = 0
        var scanned = 0
        var best = Int.max
        var endClass = -1
        var endApplicant = -1  // -1: endClass's unfilled arc; -2: endClass sheds a unit of its deficit
        var endCost: Int32 = 0
        let deficit = self.deficit
        let keys = arcs.keys, segmentStart = arcs.segmentStart, listEnd = arcs.listEnd
        // Keys decode through `ClassArcs`' fixed layout, with its cost base in a local so the
        // loops below read nothing else of `arcs`.
        let costBase = arcs.costBase
        @inline(__always) func applicant(_ key: Key) -> Int { ClassArcs<Key>.applicant(key) }
        @inline(__always) func cost(_ key: Key) -> Int { ClassArcs<Key>.cost(key, base: costBase) }
        let seat = self.seat, node = self.node, via = self.via
        // Class `target` (node k) reached at distance nd through applicant i moving to class `from` at
        // cost c: kept if nearer; a class with a member too many ends the path there (never settled).
        @inline(__always) func relax(_ k: Int, _ target: Node, _ nd: Int, applicant i: Int, from: Int32, cost c: Int) {
            guard nd < best && (target.seen != stamp || nd < target.distance) else { return }
            node[k].distance = nd
            node[k].seen = stamp
            via[k] = Via(applicant: Int32(i), from: from, cost: Int32(truncatingIfNeeded: c))
            if deficit[k] > 0 {
                best = nd; endClass = k; endApplicant = -2
            } else {
                heap.push(nd, Int32(k))
            }
        }
        while let (d, j) = settleNext(before: best, stamp: stamp, count: &settledCount) {
            let j32 = Int32(j)
            // First free applicant of j's list; reveal more arcs while the list has none (this keeps
            // λ_j ≤ every cost outside the list, see the type's notes).
            let lo = segmentStart[j]
            let listedBefore = listEnd[j]
            var hi = listedBefore
            var p = freePointer[j]
            let base = d + node[j].potential
            while true {
                while p < hi && seat[applicant(keys[p])].cls >= 0 { p += 1 }
                if p < hi || base + arcs.unlistedCostBound(j) >= best || !arcs.extend(j) { break }
                hi = listEnd[j]
            }
            freePointer[j] = p
            if let pairs, hi > listedBefore { pairs.listed(j, listedBefore..<hi, seat: seat) }
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
            if let pairs {
                // One entry per class k holding members listed here: its least c(i, j) − c(i, k).
                // (A pair's least member may lie beyond p or `best`; then nd ≥ base + its cost ≥ best.)
                pairs.active[j].withUnsafeBufferPointer { entries in
                    for entry in entries {
                        let k = Int(entry.k)
                        let target = node[k]
                        if target.settled == stamp { continue }
                        let key = keys[Int(entry.minPosition)]
                        relax(
                            k, target, base + Int(entry.minValue) - target.potential, applicant: applicant(key), from: j32,
                            cost: cost(key))
                    }
                    scanned += entries.count
                }
                continue
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
                    relax(k, target, base + c - Int(seat[i].cost) - target.potential, applicant: i, from: j32, cost: c)
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
            pairs?.move(endApplicant, from: -1, to: endClass, seat: seat)
        } else if endApplicant == -2 {
            deficit[endClass] -= 1
        } else {
            unfilled[endClass] += 1
        }
        var j = endClass
        while j != s {
            let step = via[j]
            let i = Int(step.applicant)
            seat[i] = Seat(cls: step.from, cost: step.cost)
            pairs?.move(i, from: j, to: Int(step.from), seat: seat)
            j = Int(step.from)
        }
        return endApplicant == -1 && endClass == s
    }
}

/// Warm start: the optimum of a restricted problem, with its certified prices, as the starting
/// point for a problem with more arcs (column generation's next round) — or any assignment along
/// arcs with any prices ≥ 0 (`AuctionSeed`'s), which the same steps make exact.
///
/// Seeding. With prices b_j (certified: every applicant's surplus u_i = max(0, max_j M − c − b_j)
/// attained by its class, b_j > 0 only for full classes) take π(j) = b_j − M, fill each class's
/// units with its members and the rest with unfilled arcs. (A seed that is no optimum may give an
/// applicant a negative surplus, c(i, own) + π(own) > 0: it is freed first, so that π(i) ≤ 0 as
/// the arc T → i needs. A class with room and a positive price routes its spare units, below, and
/// one over capacity sheds its extra members, so no other property of the seed is needed.) Each
/// applicant's implicit potential is π(i) = c(i, own) + π(own) = −u_i (0 when free), so every residual arc has reduced cost ≥ 0 except
/// the new arcs an applicant now prefers: c(i, j) + π(j) < π(i). Such an applicant moves to its best
/// arc j* (least c + π, ties by the lower class): then π(i) = c(i, j*) + π(j*) is again ≤ every arc's
/// and < 0, so every arc at i is valid. Its old class keeps a unit with nowhere to go (*excess*);
/// j* takes an unfilled slot if it has one, else holds a member too many (*deficit*). That is a
/// pseudoflow with valid potentials, and successive shortest paths from excess to deficit finish it:
/// - forward, from each excess unit (`route`, which also ends at a deficit class);
/// - then backward, into each deficit left — a member of a class on the path is freed or a class
///   gives up an unfilled slot (`shedDeficits`), which is Dijkstra on the reversed residual network,
///   with π(v) += B − b(v) for the classes settled at backward distance b(v) < B, the path's length.
///   It runs last because it frees applicants, which the forward searches' first-free pointers
///   assume never happens.
/// Every unit of supply ends routed and every class within capacity, so the result is an optimum of
/// the larger problem and the potentials its prices, exactly as from scratch.
///
/// Lists. The lists' invariant (λ_j ≤ the unlisted bound) is only there to keep unlisted arcs' reduced
/// costs ≥ 0; the seed checks that directly, for every arc of every applicant, and each settle of j
/// re-establishes λ_j ≤ bound as from scratch (the update sets λ_j = best − base). So the lists start
/// as short as from scratch (the tests run warm starts with lists of one bucket).
extension ClassShortestPaths {
    /// Seeds the state from `warm` (an optimum of a problem on a subset of `p`'s arcs, or any
    /// assignment along `p`'s arcs with prices ≥ 0; same classes, capacities and reward). Returns
    /// the excess units per class, to route with `run(units:)`.
    func warmStart(_ p: TransportationProblem, from warm: TransportationSolution) -> [Int] {
        precondition(warm.unitReward == reward && warm.sinkOf.count == sourceCount && warm.classPrice.count == classCount)
        // Seats set here need no pair upkeep: nothing is listed yet (lists grow in the searches).
        precondition(pairs == nil || arcs.listedArcs == 0, "warm start after a search")
        var load = [Int](repeating: 0, count: classCount)
        // A certified price above M only on a class without members (a member's surplus M − c − b ≥ 0),
        // so one of capacity 0: lowering it to M changes no reduced cost that matters. (A seed's
        // members of such a class are freed below: their surplus is negative.)
        for j in 0..<classCount { node[j].potential = min(warm.classPrice[j], reward) - reward }
        p.arcStart.withUnsafeBufferPointer { start in
            p.arcSink.withUnsafeBufferPointer { sink in
                p.arcCost.withUnsafeBufferPointer { cost in
                    for i in 0..<sourceCount {
                        let own = Int(warm.sinkOf[i])
                        var ownCost = Int32.max
                        var best = Int.max, bestClass = -1, bestCost: Int32 = 0
                        for e in start[i]..<start[i + 1] {
                            let j = Int(sink[e])
                            if j == own { ownCost = min(ownCost, cost[e]) }
                            let value = Int(cost[e]) + node[j].potential
                            if value < best || (value == best && j < bestClass) {
                                best = value; bestClass = j; bestCost = cost[e]
                            }
                        }
                        var potential = 0
                        if own >= 0 {
                            precondition(ownCost != Int32.max, "warm start: applicant \(i)'s class \(own) is not among its arcs")
                            potential = Int(ownCost) + node[own].potential
                            // A negative surplus (only in a seed that is no optimum) leaves it free.
                            if potential <= 0 {
                                seat[i] = Seat(cls: Int32(own), cost: ownCost)
                                load[own] += 1
                            } else {
                                potential = 0
                            }
                        }
                        guard bestClass >= 0, best < potential else { continue }
                        if seat[i].cls >= 0 { load[Int(seat[i].cls)] -= 1 }
                        seat[i] = Seat(cls: Int32(bestClass), cost: bestCost)
                        load[bestClass] += 1
                    }
                }
            }
        }
        var excess = [Int](repeating: 0, count: classCount)
        for j in 0..<classCount {
            let room = p.capacities[j] - load[j]
            if room < 0 {
                deficit[j] = -room
            } else if node[j].potential == -reward {
                // Price 0: the spare units take the unfilled arc, a path of reduced cost 0.
                unfilled[j] = room
            } else {
                // A positive price: spare units (their members left) are routed again.
                excess[j] = room
            }
        }
        return excess
    }

    /// Backward searches into each class still holding members beyond its capacity (after the
    /// excess units are routed), each freeing a member or filling an unfilled slot somewhere along
    /// a shortest path. Ends with every class within capacity.
    func shedDeficits(_ p: TransportationProblem) {
        // The backward searches scan members directly and move them without pair upkeep.
        pairs = nil
        var total = 0
        for j in 0..<classCount { total += deficit[j] }
        guard total > 0 else { return }
        // Members per class, with room for one more than now (a path adds at most one to a class).
        var load = [Int](repeating: 0, count: classCount)
        for i in 0..<sourceCount where seat[i].cls >= 0 { load[Int(seat[i].cls)] += 1 }
        let members = ClassMembers(room: (0..<classCount).map { max(load[$0], p.capacities[$0]) + 1 }, sourceCount: sourceCount)
        defer { members.deallocate() }
        for i in 0..<sourceCount where seat[i].cls >= 0 { members.add(i, to: Int(seat[i].cls)) }
        p.arcStart.withUnsafeBufferPointer { start in
            p.arcSink.withUnsafeBufferPointer { sink in
                p.arcCost.withUnsafeBufferPointer { cost in
                    for t in 0..<classCount {
                        while deficit[t] > 0 {
                            shedOne(into: t, start, sink, cost, members)
                        }
                    }
                }
            }
        }
    }

    /// One backward search into deficit class `target` and the augmentation along it. Backward, a
    /// settled class j at distance b gives up member x (residual x → j) to class l, which takes x
    /// (l → x): l is then at b + c(x, l) + π(l) − π(x); or x is freed (T → x, reduced cost −π(x));
    /// or j fills from an unfilled slot (T → j, reduced cost −M − π(j), 0 when it has one).
    private func shedOne(
        into target: Int, _ start: UnsafeBufferPointer<Int>, _ sink: UnsafeBufferPointer<Int32>,
        _ cost: UnsafeBufferPointer<Int32>, _ members: ClassMembers
    ) {
        startSearch(at: target)
        let stamp = self.stamp
        var settledCount = 0
        var best = Int.max
        var endClass = -1
        var endFreed = -1  // ≥ 0: this member of endClass is freed; -1: endClass gives up an unfilled slot
        while let (d, j) = settleNext(before: best, stamp: stamp, count: &settledCount) {
            let j32 = Int32(j)
            let pj = node[j].potential
            if unfilled[j] > 0 && d - reward - pj < best {
                best = d - reward - pj; endClass = j; endFreed = -1
            }
            for slot in members.slots(of: j) {
                let x = Int(members.applicant[slot])
                let px = Int(seat[x].cost) + pj
                if d - px < best { best = d - px; endClass = j; endFreed = x }
                for e in start[x]..<start[x + 1] {
                    let l = Int(sink[e])
                    if l == j || node[l].settled == stamp { continue }
                    let nd = d + Int(cost[e]) + node[l].potential - px
                    if nd < best && (node[l].seen != stamp || nd < node[l].distance) {
                        node[l].distance = nd
                        node[l].seen = stamp
                        via[l] = Via(applicant: Int32(x), from: j32, cost: cost[e])
                        heap.push(nd, Int32(l))
                    }
                }
                scannedEntries += start[x + 1] - start[x]
            }
        }
        settledClasses += settledCount
        // Backward update: π(v) += B − b(v) for classes settled before the path's end.
        for t in 0..<settledCount {
            let j = Int(settledList[t])
            node[j].potential += best - node[j].distance
        }
        // Augment: the end class frees a member or fills a slot, then each class on the way takes
        // its applicant from the next, down to the target, which ends one member lighter.
        if endFreed >= 0 {
            members.remove(endFreed, from: endClass)
            seat[endFreed] = Seat(cls: -1, cost: 0)
        } else {
            unfilled[endClass] -= 1
        }
        var j = endClass
        while j != target {
            let step = via[j]
            let x = Int(step.applicant), from = Int(step.from)
            members.remove(x, from: from)
            members.add(x, to: j)
            seat[x] = Seat(cls: Int32(j), cost: step.cost)
            j = from
        }
        deficit[target] -= 1
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
