@testable import Allocation

/// A plain reading of "where you stand", written from the definitions and not from the
/// engine: every (applicant, slot) pair checked with `ReferenceRules`, orders from
/// `ReferenceAllocator`'s keys, relaxed limits by re-checking a changed applicant.
struct ReferenceStanding {
    let ref: ReferenceAllocator
    let mechanism: Mechanism
    /// Slot index → the applicant offered it.
    let holderOf: [Int: Int]
    let outcome: [ApplicantResult.Outcome]

    init(_ ref: ReferenceAllocator, result: RoundResult) {
        self.ref = ref
        mechanism = result.mechanism
        let input = ref.input
        var holderOf: [Int: Int] = [:]
        var outcome: [ApplicantResult.Outcome] = []
        for (a, x) in input.applicants.enumerated() {
            let row = result.rows.first { ReferenceRules.bytesEqual($0.applicantID, x.id) }!
            outcome.append(row.outcome)
            if let slot = row.slotID {
                holderOf[input.slots.firstIndex { ReferenceRules.bytesEqual($0.id, slot) }!] = a
            }
        }
        self.holderOf = holderOf
        self.outcome = outcome
    }

    /// `b` before `a` in the mechanism's order at project `p`.
    func before(_ b: Int, _ a: Int, at p: Int) -> Bool {
        mechanism == .deferredAcceptance ? ref.projectBefore(b, a, atProject: p) : ref.globalBefore(b, a)
    }

    func slots(of p: Int) -> [Int] { ref.input.slots.indices.filter { ref.slotProject[$0] == p } }

    func eligible(_ x: Applicant, _ s: Int) -> Bool {
        ReferenceRules.isEligible(x, for: ref.input.slots[s], in: ref.input.projects[ref.slotProject[s]], policy: ref.input.policy)
    }

    func standing(of a: Int) -> Standing {
        let input = ref.input
        let x = input.applicants[a]
        let n = input.applicants.count
        let limit = x.maxCommuteMin ?? input.policy.defaultMaxCommuteMin
        let open = input.projects.indices.filter { p in slots(of: p).contains { ref.eligible[a][$0] } }
            .sorted { p, q in
                let cp = ref.commute[a][p], cq = ref.commute[a][q]
                return cp != cq ? cp < cq : ReferenceRules.bytesLess(input.projects[p].id, input.projects[q].id)
            }
        func position(_ who: Int, at p: Int) -> Int { 1 + (0..<n).filter { before($0, who, at: p) }.count }
        let lines = open.prefix(3).map { p -> Standing.ProjectLine in
            let mine = slots(of: p).filter { ref.eligible[a][$0] }
            let holders = mine.compactMap { holderOf[$0] }
            let eligibleHere = (0..<n).filter { b in slots(of: p).contains { ref.eligible[b][$0] } }
            let queued = mechanism != .optimal
            let cutoff = holders.map { position($0, at: p) }.max()
            return Standing.ProjectLine(
                projectID: input.projects[p].id, name: input.projects[p].name, district: input.projects[p].district,
                minutes: ref.commute[a][p], places: mine.count, offered: holders.count, eligible: eligibleHere.count,
                position: queued ? position(a, at: p) : nil, cutoff: queued ? cutoff : nil,
                ahead: queued ? eligibleHere.filter { before($0, a, at: p) }.count : nil)
        }
        func whatIf(_ extra: Int, _ change: (inout Applicant) -> Void) -> Standing.WhatIf {
            var y = x
            change(&y)
            var projects = 0, likely = 0
            for p in input.projects.indices where !open.contains(p) {
                let opened = slots(of: p).filter { eligible(y, $0) }
                if opened.isEmpty { continue }
                projects += 1
                let good = opened.contains { s in
                    guard let h = holderOf[s] else { return true }
                    return mechanism != .optimal && before(a, h, at: p)
                }
                if good { likely += 1 }
            }
            return Standing.WhatIf(extra: extra, projects: projects, likely: likely)
        }
        return Standing(
            mechanism: mechanism, outcome: outcome[a], position: 1 + (0..<n).filter { ref.globalBefore($0, a) }.count,
            applicants: n, points: x.priorityPoints, commuteLimit: limit, rentLimit: x.maxRent, openProjects: open.count,
            nearest: Array(lines),
            longerCommute: [15, 30].map { d in whatIf(d) { $0.maxCommuteMin = limit + d } },
            higherRent: x.maxRent.map { cap in [200, 500].map { r in whatIf(r) { $0.maxRent = cap + r } } } ?? [])
    }
}
