/// Reasons a bureau can read to an applicant who was not offered a place, in their terms:
/// the rule that kept them out, or the priority that beat them where they wanted to live.
struct Explanations {
    let m: Market
    let cands: Candidates
    let mechanism: Mechanism
    /// Holder of each slot position (-1 when free), from the mechanism's result.
    let holderAt: [Int32]

    init(_ m: Market, _ cands: Candidates, mechanism: Mechanism, slotOf: [Int32]) {
        self.m = m
        self.cands = cands
        self.mechanism = mechanism
        var holderAt = [Int32](repeating: -1, count: m.slots.count)
        for (a, pos) in slotOf.enumerated() where pos >= 0 { holderAt[Int(pos)] = Int32(a) }
        self.holderAt = holderAt
    }

    /// For an applicant with eligible places but no offer.
    func unmatched(_ a: Int) -> String {
        let range = cands.start[a]..<cands.start[a + 1]
        var projects = Set<Int32>()
        for k in range { projects.insert(m.groups[Int(m.groupByOrder[Candidates.order(cands.keys[k])])].project) }
        let count = projects.count == 1 ? "the 1 project" : "all \(projects.count) projects"
        let draw = "Your lottery draw: \(Self.grouped(Int(m.globalRank[a]) + 1)) of \(Self.grouped(m.input.applicants.count))."
        if mechanism == .optimal {
            let first = cands.keys[range.lowerBound]
            let g = m.groups[Int(m.groupByOrder[Candidates.order(first)])]
            return "The allocation that houses the most applicants, with the least total commute, "
                + "gave the places you qualified for in \(count) to others; "
                + "the nearest was \(m.input.projects[Int(g.project)].name) (\(Candidates.commute(first)) min)."
        }
        var parts: [String] = []
        for k in range.prefix(3) {
            let g = Int(m.groupByOrder[Candidates.order(cands.keys[k])])
            let group = m.groups[g]
            let p = m.input.projects[Int(group.project)]
            let place = "\(p.name) (\(Candidates.commute(cands.keys[k])) min, \(Self.grouped(group.rent)) yuan)"
            parts.append("\(place): \(cutoff(for: a, in: g))")
        }
        let more = range.count > 3 ? "; and \(range.count - 3) more" : ""
        let order = mechanism == .serial ? "before your turn" : "by applicants ranked ahead of you there"
        return "Every place you qualified for, in \(count), was taken \(order). "
            + parts.joined(separator: "; ") + more + ". " + draw
    }

    /// Why the holders of the group's places that `a` could take beat `a`: the cutoff is
    /// the lowest-ranked of them.
    private func cutoff(for a: Int, in g: Int) -> String {
        let project = Int(m.groups[g].project)
        func rank(_ x: Int) -> Int {
            mechanism == .serial ? Int(m.globalRank[x]) : m.projectRank(of: x, at: project)
        }
        var last = -1
        for c in m.groups[g].classes where m.admits(Int(c), applicant: a) {
            for pos in m.classes[Int(c)].slots {
                let h = Int(holderAt[Int(pos)])
                if h >= 0, last < 0 || rank(h) > rank(last) { last = h }
            }
        }
        guard last >= 0 else { return "no place left" }
        let mine = m.input.applicants[a], theirs = m.input.applicants[last]
        if mechanism == .deferredAcceptance && m.input.policy.localPriority
            && m.applicantDistrict[last] == m.projectDistrict[project] && m.applicantDistrict[a] != m.projectDistrict[project]
        {
            return "places go first to applicants working in \(m.input.projects[project].district)"
        }
        if theirs.priorityPoints > mine.priorityPoints {
            return "filled by applicants with more priority points (cutoff \(theirs.priorityPoints), yours \(mine.priorityPoints))"
        }
        return "filled by applicants with the same priority points and an earlier lottery draw"
    }

    /// For an applicant eligible for no slot: the rule of the nearest miss, i.e. the slot
    /// that passes the most rules in the contract's order (then the shortest commute).
    func ineligible(_ a: Int) -> String {
        let x = m.input.applicants[a]
        let policy = m.input.policy
        guard !m.classes.isEmpty else { return "No places are available in this round." }
        var bestRule = IneligibilityRule.notAvailable
        var bestCommute = Int.max
        var bestProject = -1
        var cheapest = Int.max  // among places passing every rule before rent
        var largest = 0  // household size, among places passing every rule before it
        var programmeName = ""
        for (p, project) in m.input.projects.enumerated() where !m.projectClasses[p].isEmpty {
            let minutes = policy.commute.minutes(fromLat: x.workLat, lon: x.workLon, toLat: project.lat, lon: project.lon)
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
                    let r = slotRule(Int(c), a) ?? .commute
                    if r == .householdSize { largest = max(largest, m.classes[Int(c)].maxHousehold) }
                    if r >= .rent { cheapest = min(cheapest, m.groups[Int(m.classes[Int(c)].group)].rent) }
                    rule = max(rule, r)
                }
            }
            if rule > bestRule || (rule == bestRule && minutes < bestCommute) {
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
                + "the nearest, \(nearest), is \(bestCommute) minutes away."
        }
    }

    private func slotRule(_ c: Int, _ a: Int) -> IneligibilityRule? {
        let k = m.classes[c]
        if m.householdSize[a] > k.maxHousehold { return .householdSize }
        if k.genderCode != 0, k.genderCode != m.genderCode[a] { return .gender }
        if m.needsAccessible[a], !k.accessible { return .accessibility }
        if m.groups[Int(k.group)].rent > m.maxRent[a] { return .rent }
        if k.employer >= 0, k.employer != m.applicantEmployer[a] { return .reservedEmployer }
        return nil
    }

    /// 12345 → "12,345": numbers as a bureau prints them, independent of locale.
    static func grouped(_ v: Int) -> String {
        let digits = String(v.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return v < 0 ? "-" + out : out
    }
}
