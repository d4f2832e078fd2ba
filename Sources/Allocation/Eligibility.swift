/// Why an applicant may not have a slot: one case per rule of the contract, in the order
/// the contract lists them, so explanations can name the rule that kept someone out.
public enum IneligibilityRule: Int, Sendable, CaseIterable, Comparable {
    case notAvailable
    case category
    case age
    case income
    case householdSize
    case gender
    case accessibility
    case rent
    case reservedEmployer
    case commute

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The contract's eligibility rules, one function each so they can be explained and tested
/// at their edges.
public enum Eligibility {
    /// The applicant's commute limit in minutes: their own, else the policy default.
    public static func maxCommute(of a: Applicant, policy: Policy) -> Int {
        a.maxCommuteMin ?? policy.defaultMaxCommuteMin
    }

    /// Project-level rules (programme category, age, income): the same for every slot of
    /// a project. Returns the first rule broken, or `nil`.
    public static func programmeRule(of a: Applicant, for programme: Programme, roundDate: CivilDate) -> IneligibilityRule? {
        if !programme.categories.contains(a.category) { return .category }
        if let maxAge = programme.maxAge, a.birthDate.age(on: roundDate) > maxAge { return .age }
        if let incomeMax = programme.incomeMax, a.monthlyIncome > incomeMax { return .income }
        return nil
    }

    /// Slot-level rules that do not depend on where the slot is. Returns the first rule
    /// broken, or `nil`.
    public static func slotRule(of a: Applicant, for s: Slot) -> IneligibilityRule? {
        if s.status != .available { return .notAvailable }
        if a.householdSize > s.maxHousehold { return .householdSize }
        if s.kind == .bed, s.gender != .any, s.gender.rawValue != a.gender.rawValue { return .gender }
        if a.needsAccessible, !s.accessible { return .accessibility }
        if let maxRent = a.maxRent, s.rent > maxRent { return .rent }
        if let employer = s.reservedEmployerID, a.employerID != employer { return .reservedEmployer }
        return nil
    }

    /// The first rule (in contract order) that keeps `a` out of slot `s` of project `p`,
    /// or `nil` when `a` is eligible.
    public static func brokenRule(
        of a: Applicant, for s: Slot, in p: Project, policy: Policy, commuteMin: Int
    ) -> IneligibilityRule? {
        if s.status != .available { return .notAvailable }
        guard let programme = policy.programmes[p.programme] else { return .category }
        if let r = programmeRule(of: a, for: programme, roundDate: policy.roundDate) { return r }
        if let r = slotRule(of: a, for: s) { return r }
        if !CommuteModel.isWithin(commuteMin, limit: maxCommute(of: a, policy: policy)) { return .commute }
        return nil
    }

    /// Whether `a` may be offered slot `s` in project `p` under `policy`.
    public static func isEligible(_ a: Applicant, for s: Slot, in p: Project, policy: Policy) -> Bool {
        let minutes = policy.commute.minutes(fromLat: a.workLat, lon: a.workLon, toLat: p.lat, lon: p.lon)
        return brokenRule(of: a, for: s, in: p, policy: policy, commuteMin: minutes) == nil
    }
}
