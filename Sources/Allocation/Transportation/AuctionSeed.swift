/// A starting point for slot routing's warm start, found by an auction: cheap to find, and close
/// enough to an optimum that little is left to route where successive shortest paths from scratch
/// would be slow (the end game of a balanced city, BENCHMARKS.md).
///
/// Applicants bid for classes (Bertsekas' auction for transportation problems, a class being
/// `capacity` identical copies): an applicant without a class takes the class j₁ of greatest value
/// M − c − price and raises that price by its margin over its second-best value (the outside
/// option, value 0, among the candidates) plus ε; a full class drops its lowest bid, whose bidder
/// bids again. A class's price is its lowest held bid when full, else where it started.
///
/// ε is 4 minutes where places and applicants are close in number (`.balanced`), else 1
/// (`bidIncrement`). A larger ε ends the price wars sooner and leaves an applicant up to ε off its
/// best, which the repair then routes; since the repair's searches look at class pairs
/// (`ClassPairs`) that pays at 50k × 50k (3.0–3.3 → 2.6–2.8 s) and 65k × 50k (2.5 → 1.8 s),
/// and is even at 25k–35k; where places are plentiful 1 is a few ms better (BENCHMARKS.md).
///
/// Prices start at M − maxCost − 1, where every arc is worth 1 … maxCost + 1: a contested class's
/// price ends near M less the commute of the applicant it turns away, and a start at 0 would make
/// it climb most of M in steps of a minute. So a bid is at most M + ε − c, every price rises at
/// most maxCost + 1 + ε times, and the work is bounded. It is also capped at `passes` times one look
/// at every arc (`scanLimit`; an applicant with many arcs that is outbid again and again would
/// otherwise cost its arcs each time), the state then handed over as it is.
///
/// The result is **not** claimed optimal, nor its prices certified: classes left with room may keep
/// a price above 0 (see the shift at the end), and an applicant may be up to ε off its best. It only seeds
/// `ClassShortestPaths.warmStart`, which takes any assignment along arcs within capacity with any
/// prices ≥ 0 and makes it exact.
public enum AuctionSeed {
    /// How far the prices may be lowered at the end (`seed`).
    public enum Mode: Sendable, Equatable {
        case plentiful
        case balanced
    }

    /// ε, what a bid adds to the bidder's margin (see the type's notes).
    static func bidIncrement(_ mode: Mode) -> Int { mode == .balanced ? 4 : 1 }

    /// - Parameters:
    ///   - maxCost: the largest arc cost of `p` (the solver has it from `TransportationProblem.scan`).
    ///   - mode: `.plentiful` when places are plentiful, so lowering the prices may tempt applicants
    ///     without a class (see the shift at the end): the warm start's backward searches that then
    ///     seat them are short, a class with room being near.
    ///   - passes: the work cap, in looks at every arc (tests lower it).
    ///   - increment: ε (tests force it; by default `bidIncrement(mode)`).
    static func seed(
        _ p: TransportationProblem, reward: Int, maxCost: Int, mode: Mode, passes: Int = 64, increment: Int? = nil
    ) -> TransportationSolution {
        let epsilon = increment ?? bidIncrement(mode)
        precondition(epsilon >= 1, "AuctionSeed: ε must be at least 1")
        let n = p.sourceCount, m = p.sinkCount
        // Each class's held bids, a min-heap in its own stretch of `bid`/`bidder`. Raw buffers: the
        // bidding loop is most of a balanced round's time, and bounds checks cost it about a third.
        let heapStart = filled(0, m + 1)
        for j in 0..<m { heapStart[j + 1] = heapStart[j] + max(0, p.capacities[j]) }
        let bid = filled(0, heapStart[m]), bidder = filled(Int32(-1), heapStart[m])
        let held = filled(0, m)
        let price = filled(max(0, reward - maxCost - 1), m)
        let sinkOf = filled(Int32(-1), n)
        // Applicants without a class, first in first out.
        let queue = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
        for i in 0..<n { queue[i] = Int32(i) }
        defer {
            heapStart.deallocate(); bid.deallocate(); bidder.deallocate(); held.deallocate(); price.deallocate()
            sinkOf.deallocate(); queue.deallocate()
        }
        var head = 0, waiting = n
        let scanLimit = passes * (n + p.arcCount) + 1024
        var scanned = 0
        p.arcStart.withUnsafeBufferPointer { start in
            p.arcSink.withUnsafeBufferPointer { sink in
                p.arcCost.withUnsafeBufferPointer { cost in
                    p.capacities.withUnsafeBufferPointer { capacity in
                        while waiting > 0 && scanned < scanLimit {
                            let i = Int(queue[head])
                            head = head + 1 == n ? 0 : head + 1
                            waiting -= 1
                            scanned += 1 + start[i + 1] - start[i]
                            var v1 = Int.min, v2 = 0, j1 = -1
                            for e in start[i]..<start[i + 1] {
                                let j = Int(sink[e])
                                guard capacity[j] > 0 else { continue }
                                let v = reward - Int(cost[e]) - price[j]
                                if v > v1 {
                                    v2 = max(v2, v1)
                                    v1 = v
                                    j1 = j
                                } else if v > v2 {
                                    v2 = v
                                }
                            }
                            guard j1 >= 0, v1 > 0 else { continue }  // the outside option is as good: stays without
                            let offer = price[j1] + (v1 - v2) + epsilon
                            let base = heapStart[j1], size = held[j1]
                            if size < capacity[j1] {
                                var hole = size
                                held[j1] = size + 1
                                while hole > 0 {
                                    let parent = (hole - 1) >> 1
                                    if bid[base + parent] <= offer { break }
                                    bid[base + hole] = bid[base + parent]
                                    bidder[base + hole] = bidder[base + parent]
                                    hole = parent
                                }
                                bid[base + hole] = offer
                                bidder[base + hole] = Int32(i)
                                if size + 1 == capacity[j1] { price[j1] = bid[base] }
                            } else {
                                // Full: the lowest bid makes way, and its bidder waits again.
                                let out = Int(bidder[base])
                                sinkOf[out] = -1
                                queue[(head + waiting) % n] = Int32(out)
                                waiting += 1
                                var hole = 0
                                while true {
                                    var child = 2 * hole + 1
                                    if child >= size { break }
                                    if child + 1 < size && bid[base + child + 1] < bid[base + child] { child += 1 }
                                    if offer <= bid[base + child] { break }
                                    bid[base + hole] = bid[base + child]
                                    bidder[base + hole] = bidder[base + child]
                                    hole = child
                                }
                                bid[base + hole] = offer
                                bidder[base + hole] = Int32(i)
                                price[j1] = bid[base]
                            }
                            sinkOf[i] = Int32(j1)
                        }
                    }
                }
            }
        }
        // Classes left with room keep their starting price, though an optimum prices such a class at
        // 0. Lowering every price by the same δ changes no comparison between classes, so no housed
        // applicant is tempted to move; it only makes classes worth δ more against the outside
        // option. So δ is the least price of a class with room (that class then costs 0, and its
        // spare places are unfilled rather than routed again) — and, unless places are plentiful,
        // at most the least margin by which an applicant without a class is priced out, so that
        // none of them is tempted in: where places are scarce seating one takes a backward search
        // across many classes (BENCHMARKS.md).
        var delta = Int.max
        for j in 0..<m where held[j] < p.capacities[j] { delta = min(delta, price[j]) }
        for i in 0..<n where mode != .plentiful && sinkOf[i] < 0 && delta > 0 {
            for e in p.arcStart[i]..<p.arcStart[i + 1] where p.capacities[Int(p.arcSink[e])] > 0 {
                // Priced out: M − c − price ≤ 0.
                delta = min(delta, max(0, price[Int(p.arcSink[e])] + Int(p.arcCost[e]) - reward))
            }
        }
        if delta != Int.max && delta > 0 { for j in 0..<m { price[j] = max(0, price[j] - delta) } }
        var assigned = 0, totalCost = 0
        for i in 0..<n where sinkOf[i] >= 0 {
            assigned += 1
            // The cheapest arc to its class (an applicant may list a class twice).
            var own = Int.max
            for e in p.arcStart[i]..<p.arcStart[i + 1] where p.arcSink[e] == sinkOf[i] { own = min(own, Int(p.arcCost[e])) }
            totalCost += own
        }
        return TransportationSolution(
            sinkOf: Array(UnsafeBufferPointer(start: sinkOf, count: n)), assigned: assigned, totalCost: totalCost,
            classPrice: Array(UnsafeBufferPointer(start: price, count: m)), unitReward: reward)
    }
}
