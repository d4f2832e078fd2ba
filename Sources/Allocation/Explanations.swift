/// Reasons a bureau can read to an applicant who was not offered a place, in their terms:
/// the rule that kept them out, or the priority that beat them where they wanted to live.
struct Explanations: Sendable {
    let m: Market
    let lists: ProjectLists
    let mechanism: Mechanism
    /// Per class: the applicant index of the lowest-ranked holder under the mechanism's
    /// ranking (-1 when empty):
    /// the cutoff an applicant refused there had to beat.
    let cutoffHolder: [Int32]

    init(_ m: Market, _ lists: ProjectLists, mechanism: Mechanism, slotPositionOf: [Int32]) {
        self.m = m
        self.lists = lists
        self.mechanism = mechanism
        var cutoff = [Int32](repeating: -1, count: m.classes.count)
        var cutoffRank = [Int](repeating: -1, count: m.classes.count)
        for (a, pos) in slotPositionOf.enumerated() where pos >= 0 {
            let c = Int(m.classOfPosition[Int(pos)])
            let p = Int(m.groups[Int(m.classGroup[c])].project)
            let r = mechanism == .serial ? Int(m.globalRank[a]) : m.projectRank(of: a, at: p)
            if r > cutoffRank[c] {
                cutoffRank[c] = r
                cutoff[c] = Int32(a)
            }
        }
        cutoffHolder = cutoff
    }

    /// The outcome and reason for an applicant who was offered nothing: unmatched when
    /// some slot was open to them, else ineligible.
    func reason(_ a: Int) -> (ApplicantResult.Outcome, String) {
        let range = lists.range(of: a)
        if range.isEmpty { return (.ineligible, ineligible(a)) }
        // The two most preferred projects: ordered by (commute, rent, project id) of the
        // first group that admits `a`, so only the first commute tiers need looking at.
        var top: [(key: UInt64, project: Int)] = []
        for e in range {
            let entry = lists.entries[e]
            let tier = ProjectLists.tier(entry)
            if top.count == 2 && tier > Int(top[1].key >> 32) { break }
            let p = ProjectLists.project(entry)
            let mask = m.admission.mask(applicant: a, project: p)
            guard let c = m.projectClasses[p].first(where: { m.admits($0, applicant: a, project: p, mask: mask) }) else {
                continue
            }
            let key = m.key(group: Int(m.classGroup[c]), tier: tier)
            if top.count < 2 || key < top[1].key {
                if top.count == 2 { top.removeLast() }
                let at = top.firstIndex { $0.key > key } ?? top.count
                top.insert((key, p), at: at)
            }
        }
        return (.unmatched, unmatched(a, projects: range.count, top: top))
    }

    private func unmatched(_ a: Int, projects count: Int, top: [(key: UInt64, project: Int)]) -> String {
        let scope = count == 1 ? "the one project open to you" : "all \(count) projects open to you"
        func describe(_ t: (key: UInt64, project: Int)) -> String {
            "\(m.input.projects[t.project].name) (\(lists.minutes(ofTier: Int(t.key >> 32))) min)"
        }
        if mechanism == .optimal {
            return "The allocation housing the most applicants with the least total commute gave the places in "
                + "\(scope) to others; nearest: \(describe(top[0]))."
        }
        let x = m.input.applicants[a]
        let taken = mechanism == .serial ? "were taken before your turn" : "went to applicants ranked ahead of you there"
        let parts = top.map { "\(describe($0)): \(cutoff(for: a, at: $0.project))" }
        return "The places in \(scope) \(taken) (your priority position: \(Self.grouped(Int(m.globalRank[a]) + 1)) "
            + "of \(Self.grouped(m.input.applicants.count)), \(x.priorityPoints) points). Nearest: "
            + parts.joined(separator: "; ") + "."
    }

    /// Why the holders of the places `a` could take at `project` beat `a`, from the
    /// lowest-ranked of them.
    private func cutoff(for a: Int, at project: Int) -> String {
        func rank(_ x: Int) -> Int {
            mechanism == .serial ? Int(m.globalRank[x]) : m.projectRank(of: x, at: project)
        }
        var last = -1
        for c in m.projectClasses[project] where m.admits(c, applicant: a) {
            let h = Int(cutoffHolder[c])
            if h >= 0, last < 0 || rank(h) > rank(last) { last = h }
        }
        guard last >= 0 else { return "no place left" }
        let mine = m.input.applicants[a], theirs = m.input.applicants[last]
        if mechanism == .deferredAcceptance && m.input.policy.localPriority
            && m.applicantDistrict[last] == m.projectDistrict[project] && m.applicantDistrict[a] != m.projectDistrict[project]
        {
            return "people working in \(m.input.projects[project].district) come first"
        }
        if theirs.priorityPoints > mine.priorityPoints {
            return "more priority points (cutoff \(theirs.priorityPoints))"
        }
        return "same points, earlier lottery draw"
    }

    /// For an applicant eligible for no slot: the rule of the nearest miss, i.e. the slot
    /// that passes the most rules in the contract's order (then the shortest commute).
    private func ineligible(_ a: Int) -> String {
        let x = m.input.applicants[a]
        let policy = m.input.policy
        guard !m.classes.isEmpty else { return "No places are available in this round." }
        var bestRule = IneligibilityRule.notAvailable
        var bestCommute = Int.max
        var bestProject = -1
        var cheapest = Int.max  // among places passing every rule before rent
        var largest = 0  // household size, among places passing every rule before it
        var programmeName = ""
        let commute = m.geometry.minutesToAll(fromLat: x.workLat, x.workLon, model: policy.commute)
        for (p, project) in m.input.projects.enumerated() where !m.projectClasses[p].isEmpty {
            let minutes = commute[p]
            var rule: IneligibilityRule
            if let programme = m.projectProgramme[p],
                let broken = Eligibility.programmeRule(of: x, for: programme, roundDate: policy.roundDate)
            {
                rule = broken
            } else if m.projectProgramme[p] == nil {
                rule = .category
            } else {
                rule = .notAvailable
                for c in m.projectClasses[p] {
                    let r = m.slotRule(c, applicant: a) ?? .commute
                    if r == .householdSize { largest = max(largest, m.classMaxHousehold[c]) }
                    if r >= .rent { cheapest = min(cheapest, m.classRent[c]) }
                    rule = max(rule, r)
                }
            }
            // Ties go to the lower project id (byte-wise), never to input order.
            if rule > bestRule || (rule == bestRule && minutes < bestCommute)
                || (rule == bestRule && minutes == bestCommute && bestProject >= 0
                    && project.id.utf8Less(m.input.projects[bestProject].id))
            {
                bestRule = rule
                bestCommute = minutes
                bestProject = p
                programmeName = project.programme
            }
        }
        let programme = policy.programmes[programmeName]
        let nearest = bestProject >= 0 ? m.input.projects[bestProject].name : ""
        switch bestRule {
        case .notAvailable, .category:
            return "No project with places this round is open to the \(x.category.rawValue) category."
        case .age:
            return "Over the age limit: you are \(x.birthDate.age(on: policy.roundDate)) on \(policy.roundDate), "
                + "and the \(programmeName) programme admits applicants aged \(programme?.maxAge ?? 0) or younger."
        case .income:
            return "Income above the limit: \(Self.grouped(x.monthlyIncome)) yuan a month, "
                + "and the \(programmeName) programme admits incomes up to \(Self.grouped(programme?.incomeMax ?? 0))."
        case .householdSize:
            return "No place this round fits a household of \(x.householdSize); "
                + "the largest open to you holds \(largest)."
        case .gender:
            return "No bed in a \(x.gender == .female ? "women's" : "men's") or mixed room is open to you this round."
        case .accessibility:
            return "No step-free (accessible) place open to you is available this round."
        case .rent:
            return "No place open to you is within your rent limit of \(Self.grouped(x.maxRent ?? 0)) yuan; "
                + "the cheapest is \(Self.grouped(cheapest)) yuan."
        case .reservedEmployer:
            return "The places otherwise open to you are reserved for other employers' workers."
        case .commute:
            return "No place open to you within your \(Eligibility.maxCommute(of: x, policy: policy))-minute commute limit; "
                + "the nearest, \(nearest), is \(bestCommute == CommuteModel.beyondEveryLimit ? "more than \(Int.max)" : "\(bestCommute)") minutes away."
        }
    }

    /// 12345 → "12,345": numbers as a bureau prints them, independent of locale.
    static func grouped(_ v: Int) -> String {
        var digits = Array(String(v.magnitude).utf8)
        var i = digits.count - 3
        while i > 0 {
            digits.insert(UInt8(ascii: ","), at: i)
            i -= 3
        }
        return (v < 0 ? "-" : "") + String(decoding: digits, as: UTF8.self)
    }
}
