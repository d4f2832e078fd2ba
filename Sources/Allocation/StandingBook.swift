/// Answers "where did I stand?" for any applicant of one round, from the round's input and
/// its results: built once per round (a `Market` and every applicant's open projects, the
/// first two phases of a solve, no mechanism), then each applicant's standing is one pass
/// over the projects and a binary search per listed project.
///
/// Kept per project: the global ranks of everyone eligible there, ascending, split into
/// local workers and the rest (4 bytes per eligible pair, ~70 MB at 200,000 applicants):
/// "how many eligible applicants were ahead of you there" is then a count, not a scan of
/// every applicant per request (which took 1.6 s per request in a debug build at 200k).
///
/// The results must be the round's own (`Allocator` on the same input, mechanism and
/// seed, or the stored rows of that run): the offered slot of each row is what the
/// cutoffs are read from.
public struct StandingBook: Sendable {
    let m: Market
    let mechanism: Mechanism
    let outcomes: [ApplicantResult.Outcome]
    let index: [String: Int]
    /// Per class: how many of its slots were offered, and the worst rank (in the
    /// mechanism's order at its project) among those offered one; -1 when none.
    let holders: [Int]
    let worstHolderRank: [Int]
    /// Per interned work district: the global ranks of its applicants, ascending.
    let ranksByDistrict: [[Int32]]
    /// Per project: global ranks, ascending, of the applicants eligible there who come
    /// first as local workers under deferred acceptance (`eligibleLocal`), and of the rest.
    let eligibleLocal: [[Int32]]
    let eligibleOther: [[Int32]]

    /// `result` must carry the round's mechanism and seed.
    public init(input: RoundInput, result: RoundResult) {
        m = Market(input, seed: result.seed)
        mechanism = result.mechanism
        var index: [String: Int] = [:]
        for (i, a) in input.applicants.enumerated() { index[a.id] = i }
        self.index = index
        var position: [String: Int] = [:]
        for (pos, s) in m.availableSlotIndices.enumerated() { position[input.slots[Int(s)].id] = pos }
        var outcomes = [ApplicantResult.Outcome](repeating: .ineligible, count: input.applicants.count)
        var holders = [Int](repeating: 0, count: m.classes.count)
        var worst = [Int](repeating: -1, count: m.classes.count)
        let byRow = Dictionary(result.rows.map { ($0.applicantID, $0) }, uniquingKeysWith: { a, _ in a })
        for (a, applicant) in input.applicants.enumerated() {
            guard let row = byRow[applicant.id] else { continue }
            outcomes[a] = row.outcome
            guard row.outcome == .offered, let slot = row.slotID, let pos = position[slot] else { continue }
            let c = Int(m.classOfPosition[pos])
            holders[c] += 1
            worst[c] = max(worst[c], Self.rank(m, mechanism, a, at: Int(m.groups[Int(m.classGroup[c])].project)))
        }
        self.outcomes = outcomes
        self.holders = holders
        worstHolderRank = worst
        let districts = (m.applicantDistrict.max().map { Int($0) + 1 } ?? 0)
        var ranks = [[Int32]](repeating: [], count: max(districts, m.projectDistrict.map { Int($0) + 1 }.max() ?? 0))
        for a in m.priorityOrder { ranks[Int(m.applicantDistrict[Int(a)])].append(m.globalRank[Int(a)]) }
        ranksByDistrict = ranks
        let lists = ProjectLists(m, progress: nil)
        var local = [[Int32]](repeating: [], count: input.projects.count)
        var other = local
        let localFirst = result.mechanism == .deferredAcceptance && input.policy.localPriority
        // In priority order, so every list comes out ascending without a sort.
        for a in m.priorityOrder.map({ Int($0) }) {
            for e in lists.range(of: a) {
                let p = ProjectLists.project(lists.entry(e))
                if localFirst && m.applicantDistrict[a] == m.projectDistrict[p] {
                    local[p].append(m.globalRank[a])
                } else {
                    other[p].append(m.globalRank[a])
                }
            }
        }
        eligibleLocal = local
        eligibleOther = other
    }

    /// The applicant's standing; nil when they were not in the round.
    public func standing(of applicantID: String) -> Standing? {
        guard let a = index[applicantID] else { return nil }
        let x = m.input.applicants[a]
        let rentLimit = x.maxRent
        var open: [(minutes: Int, project: Int)] = []
        var commuteWhatIf = Standing.commuteSteps.map { Standing.WhatIf(extra: $0, projects: 0, likely: 0) }
        var rentWhatIf = rentLimit == nil ? [] : Standing.rentSteps.map { Standing.WhatIf(extra: $0, projects: 0, likely: 0) }
        let limit = m.maxCommute[a]
        let commute = m.geometry.minutesToAll(fromLat: x.workLat, x.workLon, model: m.input.policy.commute)
        for p in m.input.projects.indices where !m.projectClasses[p].isEmpty && m.programmeAdmits(a, project: p) {
            let minutes = commute[p]
            let within = CommuteModel.isWithin(minutes, limit: limit)
            let admitting = m.projectClasses[p].filter { m.admits($0, applicant: a) }
            if within && !admitting.isEmpty {
                open.append((minutes, p))
                continue
            }
            if !admitting.isEmpty {
                for i in commuteWhatIf.indices
                where CommuteModel.isWithin(minutes, limit: limit.addingReportingOverflow(commuteWhatIf[i].extra).overflow ? Int.max : limit + commuteWhatIf[i].extra) {
                    commuteWhatIf[i].projects += 1
                    if likely(a, at: p, classes: admitting) { commuteWhatIf[i].likely += 1 }
                }
            } else if within, let cap = rentLimit {
                for i in rentWhatIf.indices {
                    let raised = cap.addingReportingOverflow(rentWhatIf[i].extra).overflow ? Int.max : cap + rentWhatIf[i].extra
                    let classes = m.projectClasses[p].filter { admits($0, a, maxRent: raised) }
                    if classes.isEmpty { continue }
                    rentWhatIf[i].projects += 1
                    if likely(a, at: p, classes: classes) { rentWhatIf[i].likely += 1 }
                }
            }
        }
        open.sort { $0.minutes != $1.minutes ? $0.minutes < $1.minutes : m.input.projects[$0.project].id.utf8Less(m.input.projects[$1.project].id) }
        return Standing(
            mechanism: mechanism, outcome: outcomes[a], position: Int(m.globalRank[a]) + 1,
            applicants: m.input.applicants.count, points: x.priorityPoints, commuteLimit: limit, rentLimit: rentLimit,
            openProjects: open.count, nearest: open.prefix(Standing.nearestCount).map { line(a, at: $0.project, minutes: $0.minutes) },
            longerCommute: commuteWhatIf, higherRent: rentWhatIf)
    }

    private func line(_ a: Int, at p: Int, minutes: Int) -> Standing.ProjectLine {
        let project = m.input.projects[p]
        let mine = m.projectClasses[p].filter { m.admits($0, applicant: a) }
        let places = mine.reduce(0) { $0 + m.size(ofClass: $1) }
        let offered = mine.reduce(0) { $0 + holders[$1] }
        // Everyone eligible here, and those of them ahead of `a` in this project's order.
        let myRank = Self.rank(m, mechanism, a, at: p)
        let n = m.input.applicants.count
        let locals = eligibleLocal[p], others = eligibleOther[p]
        let eligible = locals.count + others.count
        let global = Int32(myRank % max(n, 1))
        let ahead =
            mechanism == .deferredAcceptance && myRank < n
            ? lowerBound(locals, global) : locals.count + lowerBound(others, global)
        let worst = mine.map { worstHolderRank[$0] }.max() ?? -1
        let queued = mechanism != .optimal
        return Standing.ProjectLine(
            projectID: project.id, name: project.name, district: project.district, minutes: minutes, places: places,
            offered: offered, eligible: eligible, position: queued ? position(ofRank: myRank, at: p) : nil,
            cutoff: queued && worst >= 0 ? position(ofRank: worst, at: p) : nil, ahead: queued ? ahead : nil)
    }

    /// Whether one of `classes` at `p` had a place that went to nobody, or (with a queue)
    /// to someone ranked below `a` there.
    private func likely(_ a: Int, at p: Int, classes: [Int]) -> Bool {
        let mine = Self.rank(m, mechanism, a, at: p)
        return classes.contains { c in
            holders[c] < m.size(ofClass: c) || (mechanism != .optimal && worstHolderRank[c] > mine)
        }
    }

    /// The slot-level rules of class `c` for `a`, with `maxRent` in place of theirs.
    private func admits(_ c: Int, _ a: Int, maxRent: Int) -> Bool {
        m.householdSize[a] <= m.classMaxHousehold[c] && (m.classGenderCode[c] == 0 || m.classGenderCode[c] == m.genderCode[a])
            && (!m.needsAccessible[a] || m.classAccessible[c]) && m.classRent[c] <= maxRent
            && (m.classEmployer[c] < 0 || m.classEmployer[c] == m.applicantEmployer[a])
    }

    /// `a`'s rank in the mechanism's order at project `p` (lower first): the global order
    /// for serial and optimal, the project's (local workers first) for deferred acceptance.
    static func rank(_ m: Market, _ mechanism: Mechanism, _ a: Int, at p: Int) -> Int {
        mechanism == .deferredAcceptance ? m.projectRank(of: a, at: p) : Int(m.globalRank[a])
    }

    /// The 1-based position in project `p`'s order of the applicant whose rank is `rank`.
    private func position(ofRank rank: Int, at p: Int) -> Int {
        let n = m.input.applicants.count
        guard mechanism == .deferredAcceptance, m.input.policy.localPriority else { return rank % max(n, 1) + 1 }
        let locals = ranksByDistrict[Int(m.projectDistrict[p])]
        let global = Int32(rank % n)
        let localsAhead = lowerBound(locals, global)
        if rank < n { return localsAhead + 1 }
        // A non-local: every local first, then the non-locals ahead in the global order.
        return locals.count + (Int(global) - localsAhead) + 1
    }

    private func lowerBound(_ a: [Int32], _ x: Int32) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
