@testable import Allocation

/// A deliberately plain, slow reading of the contract's "Rules": every (applicant, slot)
/// pair is checked directly, preferences and priorities are sorted from their definitions,
/// and the mechanisms are the textbook algorithms. Assignments are `[Int?]` indexed like
/// `input.applicants`, holding an index into `input.slots`.
struct ReferenceAllocator {
    let input: RoundInput
    let seed: String
    /// `commute[a][p]`: minutes from applicant `a`'s workplace to project `p`.
    let commute: [[Int]]
    /// `eligible[a][s]`.
    let eligible: [[Bool]]
    /// Eligible slots of each applicant, most preferred first.
    private(set) var preferences: [[Int]]
    let lottery: [UInt64]
    /// Project index of each slot.
    let slotProject: [Int]

    init(_ input: RoundInput, seed: String) {
        self.input = input
        self.seed = seed
        let policy = input.policy
        commute = input.applicants.map { a in
            input.projects.map { p in ReferenceRules.commuteMinutes(a, to: p, policy: policy) }
        }
        slotProject = input.slots.map { s in
            input.projects.firstIndex { ReferenceRules.bytesEqual($0.id, s.projectID) }!
        }
        var eligible: [[Bool]] = []
        for a in input.applicants {
            var row: [Bool] = []
            for s in input.slots.indices {
                let project = input.projects[slotProject[s]]
                row.append(ReferenceRules.isEligible(a, for: input.slots[s], in: project, policy: policy))
            }
            eligible.append(row)
        }
        self.eligible = eligible
        lottery = input.applicants.map { ReferenceSHA256.lotteryNumber(seed: seed, applicantID: $0.id) }
        preferences = []
        // Every stored property is set: `prefers` may now be used to sort.
        var preferences: [[Int]] = []
        for a in input.applicants.indices {
            let mine = input.slots.indices.filter { eligible[a][$0] }
            preferences.append(mine.sorted { prefers(a, $0, over: $1) })
        }
        self.preferences = preferences
    }

    var slotsAvailable: Int { input.slots.filter { $0.status == .available }.count }

    func commute(of a: Int, to s: Int) -> Int { commute[a][slotProject[s]] }

    /// Preference order: (commute_min, rent, project_id, slot_id) ascending, ids byte-wise.
    func prefers(_ a: Int, _ s: Int, over t: Int) -> Bool {
        let cs = commute(of: a, to: s)
        let ct = commute(of: a, to: t)
        if cs != ct { return cs < ct }
        let x = input.slots[s]
        let y = input.slots[t]
        if x.rent != y.rent { return x.rent < y.rent }
        if !ReferenceRules.bytesEqual(x.projectID, y.projectID) {
            return ReferenceRules.bytesLess(x.projectID, y.projectID)
        }
        return ReferenceRules.bytesLess(x.id, y.id)
    }

    /// Global key (−priority_points, lottery number, applicant_id), lower first.
    func globalBefore(_ a: Int, _ b: Int) -> Bool {
        let x = input.applicants[a]
        let y = input.applicants[b]
        if x.priorityPoints != y.priorityPoints { return -x.priorityPoints < -y.priorityPoints }
        if lottery[a] != lottery[b] { return lottery[a] < lottery[b] }
        return ReferenceRules.bytesLess(x.id, y.id)
    }

    /// 0 when local priority applies to `a` at project `p`, else 1.
    func localFlag(_ a: Int, atProject p: Int) -> Int {
        let local =
            input.policy.localPriority
            && ReferenceRules.bytesEqual(input.applicants[a].workDistrict, input.projects[p].district)
        return local ? 0 : 1
    }

    /// Project key: the local flag, then the global key; lower first.
    func projectBefore(_ a: Int, _ b: Int, atProject p: Int) -> Bool {
        let fa = localFlag(a, atProject: p)
        let fb = localFlag(b, atProject: p)
        if fa != fb { return fa < fb }
        return globalBefore(a, b)
    }

    var globalOrder: [Int] { input.applicants.indices.sorted { globalBefore($0, $1) } }

    // MARK: Mechanisms

    /// Applicants in global-key order each take their most preferred eligible slot still free.
    func serial() -> [Int?] {
        var assignment = [Int?](repeating: nil, count: input.applicants.count)
        var taken = Set<Int>()
        for a in globalOrder {
            if let s = preferences[a].first(where: { !taken.contains($0) }) {
                assignment[a] = s
                taken.insert(s)
            }
        }
        return assignment
    }

    /// Textbook applicant-proposing Gale–Shapley over individual slots: every slot holds the
    /// best proposer by its project's key and rejects the rest.
    func deferredAcceptance() -> [Int?] {
        var nextChoice = [Int](repeating: 0, count: input.applicants.count)
        var holder = [Int?](repeating: nil, count: input.slots.count)
        var free = Array(input.applicants.indices.reversed())
        while let a = free.popLast() {
            guard nextChoice[a] < preferences[a].count else { continue }
            let s = preferences[a][nextChoice[a]]
            nextChoice[a] += 1
            if let h = holder[s] {
                if projectBefore(a, h, atProject: slotProject[s]) {
                    holder[s] = a
                    free.append(h)
                } else {
                    free.append(a)
                }
            } else {
                holder[s] = a
            }
        }
        var assignment = [Int?](repeating: nil, count: input.applicants.count)
        for (s, h) in holder.enumerated() { if let h { assignment[h] = s } }
        return assignment
    }

    /// The best (count, total commute) over every matching of eligible pairs, found by
    /// enumerating them all: only for tiny instances.
    func bruteForceOptimum() -> (offered: Int, totalCommute: Int) {
        var best = (offered: 0, totalCommute: 0)
        var used = [Bool](repeating: false, count: input.slots.count)
        func visit(_ a: Int, _ offered: Int, _ total: Int) {
            if a == input.applicants.count {
                if offered > best.offered || (offered == best.offered && total < best.totalCommute) {
                    best = (offered, total)
                }
                return
            }
            visit(a + 1, offered, total)
            for s in preferences[a] where !used[s] {
                used[s] = true
                visit(a + 1, offered + 1, total + commute(of: a, to: s))
                used[s] = false
            }
        }
        visit(0, 0, 0)
        return best
    }

    /// Offered count and total commute of an assignment.
    func score(_ assignment: [Int?]) -> (offered: Int, totalCommute: Int) {
        var result = (offered: 0, totalCommute: 0)
        for (a, s) in assignment.enumerated() {
            if let s {
                result.offered += 1
                result.totalCommute += commute(of: a, to: s)
            }
        }
        return result
    }

    /// The contract's outcome for each applicant under `assignment`.
    func outcome(of a: Int, in assignment: [Int?]) -> ApplicantResult.Outcome {
        if assignment[a] != nil { return .offered }
        return preferences[a].isEmpty ? .ineligible : .unmatched
    }
}
