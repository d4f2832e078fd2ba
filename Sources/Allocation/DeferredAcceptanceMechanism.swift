/// `deferred_acceptance`: applicant-proposing deferred acceptance over slots, run on groups.
///
/// Why groups suffice: a group (one project, one rent) is contiguous in every applicant's
/// preference list and all its slots rank applicants by the same project key. With one
/// priority order shared by all slots of a group, the stable assignment inside the group is
/// serial dictatorship over the group's holders in that order (each takes their lowest-id
/// eligible slot). So a group holds a sorted list of applicants and re-derives its slot
/// assignment when someone new is admitted; adding one applicant displaces at most one
/// holder (a single chain of moves). An applicant is admitted iff one of their eligible
/// slots is free or held by someone ranked below them — checked per class in O(1) from each
/// class's free count and worst holder. The result is the slot-level applicant-optimal
/// stable matching, which does not depend on the order proposals are processed in.
enum DeferredAcceptanceMechanism {
    /// Returns, per applicant, a position in `market.slots` or -1.
    static func run(_ m: Market, _ cands: Candidates) -> [Int32] {
        let n = m.input.applicants.count
        var state = GroupStates(m)
        var next = Array(cands.start.dropLast())
        var stack = m.priorityOrder.reversed().map { $0 }
        while let a32 = stack.popLast() {
            let a = Int(a32)
            let end = cands.start[a + 1]
            while next[a] < end {
                let g = Int(m.groupByOrder[Candidates.order(cands.keys[next[a]])])
                if let displaced = state.propose(a, to: g) {
                    if displaced >= 0 {
                        next[Int(displaced)] += 1
                        stack.append(displaced)
                    }
                    break
                }
                next[a] += 1
            }
        }
        var result = [Int32](repeating: -1, count: n)
        for g in m.groups.indices {
            let assigned = state.serialDictatorship(g)
            for (h, slot) in zip(state.holders[g], assigned) where slot.position >= 0 { result[Int(h)] = slot.position }
        }
        return result
    }
}

/// The tentative state of every group during deferred acceptance.
struct GroupStates {
    let m: Market
    /// Holders of each group, sorted by their rank at the group's project (best first).
    var holders: [[Int32]]
    var holderRank: [[Int]]
    /// Per class: free slots and the rank of its worst holder (-1 when none).
    var free: [Int]
    var worst: [Int]

    init(_ m: Market) {
        self.m = m
        holders = Array(repeating: [], count: m.groups.count)
        holderRank = Array(repeating: [], count: m.groups.count)
        free = m.classes.map { $0.slots.count }
        worst = Array(repeating: -1, count: m.classes.count)
    }

    /// `a` proposes to group `g`. Returns nil when rejected; otherwise the applicant it
    /// displaced, or -1 when nobody was.
    mutating func propose(_ a: Int, to g: Int) -> Int32? {
        let rank = m.projectRank(of: a, at: Int(m.groups[g].project))
        var admitted = false
        for c32 in m.groups[g].classes {
            let c = Int(c32)
            if (free[c] > 0 || worst[c] > rank) && m.admits(c, applicant: a) {
                admitted = true
                break
            }
        }
        guard admitted else { return nil }
        var lo = 0, hi = holderRank[g].count
        while lo < hi {
            let mid = (lo + hi) / 2
            if holderRank[g][mid] < rank { lo = mid + 1 } else { hi = mid }
        }
        holders[g].insert(Int32(a), at: lo)
        holderRank[g].insert(rank, at: lo)
        let assigned = serialDictatorship(g)
        var displaced: Int32 = -1
        if let out = assigned.firstIndex(where: { $0.position < 0 }) {
            displaced = holders[g].remove(at: out)
            holderRank[g].remove(at: out)
            precondition(!assigned[(out + 1)...].contains { $0.position < 0 }, "one admission displaces at most one holder")
        }
        // Refresh the per-class statistics from the new assignment.
        for c in m.groups[g].classes {
            free[Int(c)] = m.classes[Int(c)].slots.count
            worst[Int(c)] = -1
        }
        var i = 0
        for slot in assigned where slot.position >= 0 {
            free[slot.klass] -= 1
            worst[slot.klass] = max(worst[slot.klass], holderRank[g][i])
            i += 1
        }
        return displaced
    }

    /// The group's stable assignment: holders in rank order each take their lowest-id
    /// eligible free slot. Returns a slot position and class per holder (position -1: none
    /// left for them).
    func serialDictatorship(_ g: Int) -> [(position: Int32, klass: Int)] {
        let classes = m.groups[g].classes
        var taken = [Int](repeating: 0, count: classes.count)
        var out = [(position: Int32, klass: Int)](repeating: (-1, -1), count: holders[g].count)
        for (i, h) in holders[g].enumerated() {
            var best: Int32 = .max
            var bestIndex = -1
            for (ci, c32) in classes.enumerated() {
                let slots = m.classes[Int(c32)].slots
                guard taken[ci] < slots.count, slots[taken[ci]] < best, m.admits(Int(c32), applicant: Int(h))
                else { continue }
                best = slots[taken[ci]]
                bestIndex = ci
            }
            if bestIndex >= 0 {
                taken[bestIndex] += 1
                out[i] = (best, Int(classes[bestIndex]))
            }
        }
        return out
    }
}
