import Synchronization

/// Reasons a bureau can read to an applicant who was not offered a place, in their terms:
/// the rule that kept them out, or the priority that beat them where they wanted to live.
struct Explanations: Sendable {
    let m: Market
    let summaries: Summaries
    let mechanism: Mechanism
    /// Per class: the applicant index of the lowest-ranked holder under the mechanism's
    /// ranking (-1 when empty):
    /// the cutoff an applicant refused there had to beat.
    let cutoffHolder: [Int32]
    /// Reasons of ineligible applicants already read (`Parallel.Ahead`), by applicant.
    let ineligibleRead: [Int32: OutcomeReason]
    let ineligibleMemo: IneligibleMemo

    init(
        _ m: Market, _ summaries: Summaries, mechanism: Mechanism, slotPositionOf: [Int32],
        ineligibleRead: [Int32: OutcomeReason] = [:], ineligibleMemo: IneligibleMemo = IneligibleMemo()
    ) {
        self.m = m
        self.summaries = summaries
        self.mechanism = mechanism
        self.ineligibleRead = ineligibleRead
        self.ineligibleMemo = ineligibleMemo
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
    func reason(_ a: Int) -> (ApplicantResult.Outcome, OutcomeReason) {
        let summary = summaries.summary(of: a)
        if summary.count == 0 {
            return (.ineligible, ineligibleRead[Int32(a)] ?? Self.ineligible(m, a, memo: ineligibleMemo))
        }
        return (.unmatched, unmatched(a, projects: summary.count, top: summary.top))
    }

    private func unmatched(_ a: Int, projects count: Int, top: [Summaries.Top]) -> OutcomeReason {
        func nearby(_ t: Summaries.Top, cutoff: OutcomeReason.Cutoff?) -> OutcomeReason.NearbyProject {
            .init(name: m.input.projects[t.project].name, minutes: t.minutes, cutoff: cutoff)
        }
        if mechanism == .optimal {
            return .optimalElsewhere(projects: count, nearest: nearby(top[0], cutoff: nil))
        }
        return .outranked(
            mechanism: mechanism, projects: count, position: Int(m.globalRank[a]) + 1,
            applicants: m.input.applicants.count, points: m.input.applicants[a].priorityPoints,
            nearest: top.map { nearby($0, cutoff: cutoff(for: a, at: $0.project)) })
    }

    /// Why the holders of the places `a` could take at `project` beat `a`, from the
    /// lowest-ranked of them.
    private func cutoff(for a: Int, at project: Int) -> OutcomeReason.Cutoff {
        func rank(_ x: Int) -> Int {
            mechanism == .serial ? Int(m.globalRank[x]) : m.projectRank(of: x, at: project)
        }
        var last = -1
        for c in m.projectClasses[project] where m.admits(c, applicant: a) {
            let h = Int(cutoffHolder[c])
            if h >= 0, last < 0 || rank(h) > rank(last) { last = h }
        }
        guard last >= 0 else { return .noPlaceLeft }
        // The two fields only: copying two applicants (their strings) per reason showed in profiles.
        let mine = m.input.applicants[a].priorityPoints, theirs = m.input.applicants[last].priorityPoints
        if mechanism == .deferredAcceptance && m.input.policy.localPriority
            && m.applicantDistrict[last] == m.projectDistrict[project] && m.applicantDistrict[a] != m.projectDistrict[project]
        {
            return .localWorkersFirst(district: m.input.projects[project].district)
        }
        if theirs > mine {
            return .morePoints(points: theirs)
        }
        return .earlierLotteryDraw
    }

    /// For an applicant eligible for no slot: the rule of the nearest miss, i.e. the slot
    /// that passes the most rules in the contract's order (then the shortest commute).
    ///
    /// `memo` (shared by the callers of one round) skips the search for an applicant whose
    /// rules read exactly as an earlier one's where the outcome does not depend on where
    /// they work (see `IneligibleMemo`).
    static func ineligible(_ m: Market, _ a: Int, memo: IneligibleMemo? = nil) -> OutcomeReason {
        let x = m.input.applicants[a]
        let policy = m.input.policy
        guard !m.classes.isEmpty else { return .noPlaces }
        // A programme's rules are the same at each of its projects: read once per programme
        // (nil when it admits `a`, so its projects' slot rules decide).
        let programmeRule = m.programmeOfIndex.map { programme -> IneligibilityRule? in
            guard let programme else { return .category }
            return Eligibility.programmeRule(of: x, for: programme, roundDate: policy.roundDate)
        }
        let key = memo.map { _ in IneligibleMemo.Key(m, a, programmeRule: programmeRule) }
        if let memo, let key, let known = memo.outcome(of: key) {
            return reason(m, x, rule: known.rule, largest: known.largest, cheapest: known.cheapest, project: -1, minutes: 0)
        }
        var bestRule = IneligibilityRule.notAvailable
        var bestCommute = Int.max
        var bestProject = -1
        var cut = Double.infinity  // beyond this squared chord, surely more than `bestCommute` minutes
        var cheapest = Int.max  // among places passing every rule before rent
        var largest = 0  // household size, among places passing every rule before it
        let u = ProjectGeometry.unitVector(lat: x.workLat, lon: x.workLon)
        let slack = ProjectGeometry.edgeSlack(policy.commute)
        for (k, p) in m.geometry.order.enumerated() where !m.projectClasses[p].isEmpty {
            var rule: IneligibilityRule
            if let broken = programmeRule[m.projectProgrammeIndex[p]] {
                rule = broken
            } else if bestRule == .commute {
                // Only a project some class of which admits `a` can still be the nearest
                // miss, and `largest` and `cheapest` are no longer read.
                rule = m.projectClasses[p].contains { m.admits($0, applicant: a) } ? .commute : .notAvailable
            } else {
                rule = .notAvailable
                for c in m.projectClasses[p] {
                    let r = m.slotRule(c, applicant: a) ?? .commute
                    if r == .householdSize { largest = max(largest, m.classMaxHousehold[c]) }
                    if r >= .rent { cheapest = min(cheapest, m.classRent[c]) }
                    rule = max(rule, r)
                }
            }
            // Only a project that can be the nearest miss needs its commute: one breaking
            // the best rule so far and surely farther than its project cannot.
            guard rule >= bestRule else { continue }
            let chord2 = m.geometry.chord2(u, at: k)
            if rule == bestRule && chord2 > cut { continue }
            let minutes = m.geometry.minutes(
                fromLat: x.workLat, x.workLon, to: p, chord2: chord2, model: policy.commute, slack: slack)
            // Ties go to the lower project id (byte-wise), never to input order.
            if rule > bestRule || (rule == bestRule && minutes < bestCommute)
                || (rule == bestRule && minutes == bestCommute && bestProject >= 0
                    && m.input.projects[p].id.utf8Less(m.input.projects[bestProject].id))
            {
                bestRule = rule
                bestCommute = minutes
                bestProject = p
                cut = ProjectGeometry.maxChord2(withinMinutes: minutes, model: policy.commute)
            }
        }
        if let memo, let key, IneligibleMemo.keeps(bestRule) {
            memo.store(key, .init(rule: bestRule, largest: largest, cheapest: cheapest))
        }
        return reason(m, x, rule: bestRule, largest: largest, cheapest: cheapest, project: bestProject, minutes: bestCommute)
    }

    /// The reason for the nearest miss `project` (`minutes` away), breaking `rule`;
    /// `largest` and `cheapest` as `ineligible` gathers them.
    private static func reason(
        _ m: Market, _ x: Applicant, rule bestRule: IneligibilityRule, largest: Int, cheapest: Int, project bestProject: Int,
        minutes bestCommute: Int
    ) -> OutcomeReason {
        let policy = m.input.policy
        let programmeName = bestProject >= 0 ? m.input.projects[bestProject].programme : ""
        let programme = policy.programmes[programmeName]
        let nearest = bestProject >= 0 ? m.input.projects[bestProject].name : ""
        switch bestRule {
        case .notAvailable, .category:
            return .category(category: x.category.rawValue)
        case .age:
            return .age(
                age: x.birthDate.age(on: policy.roundDate), roundDate: "\(policy.roundDate)", programme: programmeName,
                maxAge: programme?.maxAge ?? 0)
        case .income:
            return .income(income: x.monthlyIncome, programme: programmeName, limit: programme?.incomeMax ?? 0)
        case .householdSize:
            return .householdSize(household: x.householdSize, largest: largest)
        case .gender:
            return .gender(gender: x.gender.rawValue)
        case .accessibility:
            return .accessibility
        case .rent:
            return .rent(limit: x.maxRent ?? 0, cheapest: cheapest)
        case .reservedEmployer:
            return .reservedEmployer
        case .commute:
            return .commute(
                limit: Eligibility.maxCommute(of: x, policy: policy), nearest: nearest,
                minutes: bestCommute == CommuteModel.beyondEveryLimit ? nil : bestCommute)
        }
    }
}

/// What explanations need of an applicant's open projects: how many, and the two most
/// preferred with their commutes, read from the lists before those are let go (at a million
/// applicants the lists and the result rows no longer coexist).
struct Summaries: Sendable {
    struct Top: Sendable, Equatable {
        var key: UInt64
        var project: Int
        var minutes: Int
    }

    /// A fixed-size record, so a million of them are one allocation.
    struct Stored: Sendable, Equatable {
        var count: Int32 = 0
        var tops: Int8 = 0
        var first = Top(key: 0, project: 0, minutes: 0)
        var second = Top(key: 0, project: 0, minutes: 0)

        init() {}

        /// From `NearestLists.summary`'s count and two, with each tier's minutes.
        init(count: Int, top tops: [(key: UInt64, project: Int)], minutes: (Int) -> Int) {
            self.count = Int32(count)
            self.tops = Int8(tops.count)
            func top(_ t: (key: UInt64, project: Int)) -> Top {
                Top(key: t.key, project: t.project, minutes: minutes(Int(t.key >> 32)))
            }
            if let t = tops.first { first = top(t) }
            if tops.count > 1 { second = top(tops[1]) }
        }
    }

    let stored: [Stored]

    /// Reads `lists` for every applicant without a slot (`slotPositionOf[a] < 0`), in
    /// parallel; `ahead` already holds the summaries of the first `ahead.count` applicants
    /// (read while the mechanism ran, whatever their outcome), so only the rest are read.
    init(_ lists: NearestLists, slotPositionOf: [Int32], after ahead: [Stored] = []) {
        let n = slotPositionOf.count
        let done = min(ahead.count, n)
        let chunks = max(1, min(64, (n - done) / 256))
        var parts = [Array(ahead.prefix(done))] + Parallel.map(chunks: chunks) { chunk -> [Stored] in
            Parallel.range(chunk, of: chunks, count: n - done).map { i in
                let a = done + i
                return slotPositionOf[a] >= 0 ? Stored() : Self.store(lists, a)
            }
        }
        stored = Parallel.join(&parts)
    }

    /// Summaries made while deferred acceptance built its lists (`ListChunks`), one per
    /// applicant; as `init(_:slotPositionOf:after:)`, those of applicants with a slot are
    /// left empty.
    init(built: [Stored], slotPositionOf: [Int32]) {
        var stored = built
        for a in stored.indices where slotPositionOf[a] >= 0 { stored[a] = Stored() }
        self.stored = stored
    }

    /// Applicant `a`'s summary, read from `lists`.
    static func store(_ lists: NearestLists, _ a: Int) -> Stored {
        let (count, tops) = lists.summary(of: a)
        return Stored(count: count, top: tops) { lists.minutes(ofTier: $0) }
    }

    func summary(of a: Int) -> (count: Int, top: [Top]) {
        let s = stored[a]
        return (Int(s.count), Array([s.first, s.second].prefix(Int(s.tops))))
    }
}

/// What `Explanations.ineligible` found for applicants whose rules read alike. The rule of
/// the nearest miss is the most rules any place passes — the applicant's programme rules
/// and slot rules, never where they work — and so are the largest household and the
/// cheapest rent gathered beside it. Where the reason names no project (every rule but
/// age, income and commute, whose reasons name the nearest miss's programme or project),
/// it follows from those three and the applicant's own fields: a later applicant with
/// the same key gets it without the search. (At 1M × 200k, 36,000 applicants are eligible
/// nowhere, most for rent, in a few hundred keys.)
final class IneligibleMemo: Sendable {
    struct Key: Hashable, Sendable {
        var programmeRules: [Int8]
        var householdSize: Int
        var genderCode: UInt8
        var needsAccessible: Bool
        var maxRent: Int
        var employer: Int32

        /// Everything `ineligible`'s search reads of applicant `a`.
        init(_ m: Market, _ a: Int, programmeRule: [IneligibilityRule?]) {
            programmeRules = programmeRule.map { $0.map { Int8($0.rawValue) } ?? -1 }
            householdSize = m.householdSize[a]
            genderCode = m.genderCode[a]
            needsAccessible = m.needsAccessible[a]
            maxRent = m.maxRent[a]
            employer = m.applicantEmployer[a]
        }
    }

    struct Outcome: Sendable {
        var rule: IneligibilityRule
        var largest: Int
        var cheapest: Int
    }

    private let known = Mutex<[Key: Outcome]>([:])

    init() {}

    /// Whether a reason for `rule` names no project, so may be shared.
    static func keeps(_ rule: IneligibilityRule) -> Bool {
        switch rule {
        case .age, .income, .commute: false
        default: true
        }
    }

    func outcome(of key: Key) -> Outcome? { known.withLock { $0[key] } }

    func store(_ key: Key, _ outcome: Outcome) { known.withLock { $0[key] = outcome } }

    /// How many keys are known (tests).
    var count: Int { known.withLock { $0.count } }
}
