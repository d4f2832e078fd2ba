/// Successive shortest paths routing *applicants* — the core `TransportationSolver` uses when classes
/// have room for every applicant with an arc (then searches from applicants end quickly at a class
/// with room, while searches from slots would run out of free applicants and go far).
///
/// Network. Applicant i has supply 1 and must reach the terminal T, either through a class (i → j,
/// cost `c(i, j)`, capacity 1; j → T, cost 0, capacity `capacities[j]`) or directly, staying
/// unassigned (i → T, cost M). Its cost is Σ_assigned c + M·unassigned = M·n − Σ_assigned (M − c), so
/// a cheapest flow is what `TransportationSolver` wants.
///
/// Algorithm and proof as in `ClassShortestPaths` (one Dijkstra per unit with potentials π, reduced
/// costs ≥ 0 on every residual arc, `π(v) += d(v) − d(T)` for nodes settled before T), with the
/// search again on classes only: a routed applicant i′ in class j has exactly one residual in-arc (from
/// j, the reverse of its assignment), so it contracts into j: class j → class j′ through member i′
/// costs `−c(i′, j) + c(i′, j′) + π(j) − π(j′)`, and member i′ dropping out costs
/// `−c(i′, j) + π(j) + M − π(T)`; a class with room reaches T at `π(j) − π(T)`. An applicant not yet
/// routed has no residual in-arc, so it is never reached and keeps potential 0; T keeps potential 0
/// (it is the target). Potentials only decrease, so a new source's arcs `c(i, j) − π(j) ≥ 0`.
///
/// Dual at the end (with π(T) = 0): `classPrice[j] = max(0, −π(j))`. Check: a class with room has
/// j → T residual, so π(j) ≥ 0 and price 0; a class with members has T → j residual, so π(j) ≤ 0 and
/// its price is −π(j); then for applicant i with u_i = max(0, M + π(i)) every arc has
/// u_i + price_j ≥ M − c(i, j) (from c(i, j) + π(i) − π(j) ≥ 0), with equality on its assigned arc
/// (tight both ways), and an unassigned applicant has T → i residual, so M + π(i) ≤ 0 and u_i = 0 —
/// exactly the conditions `certify` checks.
final class ApplicantShortestPaths {
    let classCount: Int
    let sourceCount: Int
    let reward: Int
    private let problem: TransportationProblem

    /// Per applicant: its class (-1: unassigned) and the cost of that arc.
    let seat: UnsafeMutablePointer<TransportationSeat>
    /// Each class's members; `members.count[j]` is class j's load.
    private let members: ClassMembers
    private let capacity: UnsafeMutablePointer<Int>
    let potential: UnsafeMutablePointer<Int>
    private let distance: UnsafeMutablePointer<Int>
    private let seen: UnsafeMutablePointer<Int>
    private let settled: UnsafeMutablePointer<Int>
    /// How class j was reached: applicant `applicant` moves into j from class `from` (-1: the source)
    /// at cost `cost`.
    private let via: UnsafeMutablePointer<TransportationVia>
    private let settledList: UnsafeMutablePointer<Int32>
    private var heap = ClassHeap()
    private var stamp = 0

    private(set) var searches = 0
    private(set) var settledClasses = 0
    private(set) var scannedEntries = 0

    init(_ p: TransportationProblem, reward: Int) {
        problem = p
        classCount = p.sinkCount
        sourceCount = p.sourceCount
        self.reward = reward
        seat = filled(TransportationSeat(cls: -1, cost: 0), sourceCount)
        // A class never holds more members than there are applicants.
        let room = p.capacities.map { min($0, p.sourceCount) }
        capacity = filled(0, classCount)
        capacity.update(from: room, count: classCount)
        members = ClassMembers(room: room, sourceCount: sourceCount)
        potential = filled(0, classCount)
        distance = filled(0, classCount)
        seen = filled(0, classCount)
        settled = filled(0, classCount)
        via = filled(TransportationVia(applicant: -1, from: -1, cost: 0), classCount)
        settledList = filled(0, classCount)
    }

    deinit {
        seat.deallocate(); members.deallocate(); capacity.deallocate(); potential.deallocate(); distance.deallocate()
        seen.deallocate(); settled.deallocate(); via.deallocate(); settledList.deallocate()
    }

    func run(progress: ((Double) -> Void)?) {
        let reportStep = max(1, sourceCount / 100)
        problem.arcStart.withUnsafeBufferPointer { start in
            problem.arcSink.withUnsafeBufferPointer { sink in
                problem.arcCost.withUnsafeBufferPointer { cost in
                    for i in 0..<sourceCount {
                        if i % reportStep == 0 { progress?(Double(i) / Double(max(sourceCount, 1))) }
                        if start[i + 1] > start[i] { route(i, start, sink, cost) }
                    }
                }
            }
        }
    }

    private func addMember(_ i: Int, to j: Int, cost: Int32) {
        seat[i] = TransportationSeat(cls: Int32(j), cost: cost)
        members.add(i, to: j)
    }

    private func removeMember(_ i: Int) {
        members.remove(i, from: Int(seat[i].cls))
        seat[i] = TransportationSeat(cls: -1, cost: 0)
    }

    /// One search from the unrouted applicant `source` and the augmentation along it.
    private func route(
        _ source: Int, _ start: UnsafeBufferPointer<Int>, _ sink: UnsafeBufferPointer<Int32>,
        _ cost: UnsafeBufferPointer<Int32>
    ) {
        stamp += 1
        searches += 1
        let stamp = self.stamp, reward = self.reward
        let potential = self.potential, distance = self.distance, seen = self.seen, settled = self.settled
        let via = self.via, seat = self.seat, members = self.members
        heap.removeAll()
        var settledCount = 0
        var scanned = 0
        // Staying out: the source's own unfilled arc (its potential is 0, as is T's).
        var best = reward
        var endClass = -1      // -1: the source stays out
        var endDropped = -1    // ≥ 0: this member of endClass drops out; -1: endClass had room
        for e in start[source]..<start[source + 1] {
            let j = Int(sink[e])
            let nd = Int(cost[e]) - potential[j]
            if nd < best && (seen[j] != stamp || nd < distance[j]) {
                distance[j] = nd
                seen[j] = stamp
                via[j] = TransportationVia(applicant: Int32(source), from: -1, cost: cost[e])
                heap.push(nd, Int32(j))
            }
        }
        scanned += start[source + 1] - start[source]
        while let (d, j32) = heap.popMin() {
            let j = Int(j32)
            if settled[j] == stamp { continue }
            if d >= best { break }
            settled[j] = stamp
            settledList[settledCount] = j32
            settledCount += 1
            let base = d + potential[j]
            if members.count[j] < capacity[j] {
                if base < best { best = base; endClass = j; endDropped = -1 }
                continue  // from a class with room, T is at least as close as anything beyond it
            }
            for slot in members.slots(of: j) {
                let m = Int(members.applicant[slot])
                let mBase = base - Int(seat[m].cost)
                if mBase + reward < best { best = mBase + reward; endClass = j; endDropped = m }
                for e in start[m]..<start[m + 1] {
                    let k = Int(sink[e])
                    if k == j || settled[k] == stamp { continue }
                    let nd = mBase + Int(cost[e]) - potential[k]
                    if nd < best && (seen[k] != stamp || nd < distance[k]) {
                        distance[k] = nd
                        seen[k] = stamp
                        via[k] = TransportationVia(applicant: Int32(m), from: j32, cost: cost[e])
                        heap.push(nd, Int32(k))
                    }
                }
                scanned += start[m + 1] - start[m]
            }
        }
        settledClasses += settledCount
        scannedEntries += scanned
        for t in 0..<settledCount {
            let j = Int(settledList[t])
            potential[j] += distance[j] - best
        }
        guard endClass >= 0 else { return }  // the source stays unassigned
        if endDropped >= 0 { removeMember(endDropped) }
        var j = endClass
        while true {
            let step = via[j]
            let i = Int(step.applicant)
            if step.from >= 0 { removeMember(i) }
            addMember(i, to: j, cost: step.cost)
            if step.from < 0 { break }
            j = Int(step.from)
        }
    }
}

/// Binary min-heap of (distance, class), ties by class; lazy deletion by the caller.
struct ClassHeap {
    private var keys: [Int] = []
    private var classes: [Int32] = []

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
    }

    mutating func push(_ key: Int, _ cls: Int32) {
        keys.append(key)
        classes.append(cls)
        var hole = keys.count - 1
        while hole > 0 {
            let parent = (hole - 1) >> 1
            let pk = keys[parent]
            if pk < key || (pk == key && classes[parent] <= cls) { break }
            keys[hole] = pk
            classes[hole] = classes[parent]
            hole = parent
        }
        keys[hole] = key
        classes[hole] = cls
    }

    mutating func popMin() -> (Int, Int32)? {
        guard let topKey = keys.first else { return nil }
        let top = (topKey, classes[0])
        let key = keys.removeLast(), cls = classes.removeLast()
        let n = keys.count
        if n > 0 {
            var hole = 0
            while true {
                var child = 2 * hole + 1
                if child >= n { break }
                if child + 1 < n && (keys[child + 1] < keys[child] || (keys[child + 1] == keys[child] && classes[child + 1] < classes[child])) {
                    child += 1
                }
                let ck = keys[child]
                if key < ck || (key == ck && cls <= classes[child]) { break }
                keys[hole] = ck
                classes[hole] = classes[child]
                hole = child
            }
            keys[hole] = key
            classes[hole] = cls
        }
        return top
    }
}
