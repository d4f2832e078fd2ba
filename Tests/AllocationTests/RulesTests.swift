import Testing

@testable import Allocation

/// Each eligibility rule of the contract at its edges, checked by the reference, by
/// `Eligibility`, and by the engine on a one-applicant round.
@Suite struct RulesTests {
    typealias F = RuleFixtures

    /// max_age 35 around the 36th birthday (1990-12-01 → 2026-12-01).
    @Test(
        "age at max_age: the day before, on and after the birthday",
        arguments: [
            ("2026-11-30", 35, true), ("2026-12-01", 36, false), ("2026-12-02", 36, false),
            ("2025-12-01", 35, true), ("2025-11-30", 34, true),
        ])
    func ageAtMaxAge(round: String, age: Int, eligible: Bool) {
        let date = CivilDate(iso: round)!
        let a = F.applicant(category: .youthTalent, birthDate: "1990-12-01")
        #expect(ReferenceRules.age(born: a.birthDate, on: date) == age)
        #expect(a.birthDate.age(on: date) == age)
        F.expectEligibility(
            eligible, a, F.slot(), F.project(programme: "talent"), F.policy(roundDate: date),
            rule: eligible ? nil : .age)
    }

    /// A 29 February birthday falls on 1 March in common years, on 29 February in leap years.
    @Test(
        "29 February birthdays",
        arguments: [
            ("2000-02-29", "2027-02-28", 26), ("2000-02-29", "2027-03-01", 27), ("2000-02-29", "2028-02-28", 27),
            ("2000-02-29", "2028-02-29", 28), ("2000-02-29", "2028-03-01", 28), ("2000-02-29", "2100-02-28", 99),
            ("2000-02-29", "2100-03-01", 100), ("1999-02-28", "2027-02-28", 28), ("1999-03-01", "2028-02-29", 28),
            ("1999-03-01", "2027-02-28", 27),
        ])
    func leapDayBirthdays(birth: String, round: String, age: Int) {
        let b = CivilDate(iso: birth)!
        let r = CivilDate(iso: round)!
        #expect(ReferenceRules.age(born: b, on: r) == age)
        #expect(b.age(on: r) == age)
        let programmes = ["talent": Programme(categories: [.youthTalent], maxAge: age)]
        let a = F.applicant(category: .youthTalent, birthDate: birth)
        let p = F.project(programme: "talent")
        F.expectEligibility(true, a, F.slot(), p, F.policy(roundDate: r, programmes: programmes))
        let younger = ["talent": Programme(categories: [.youthTalent], maxAge: age - 1)]
        F.expectEligibility(false, a, F.slot(), p, F.policy(roundDate: r, programmes: younger), rule: .age)
    }

    @Test("income at income_max and one yuan above", arguments: [(12000, true), (12001, false), (0, true)])
    func incomeCap(income: Int, eligible: Bool) {
        let a = F.applicant(category: .frontlineWorker, monthlyIncome: income)
        F.expectEligibility(eligible, a, F.slot(), F.project(programme: "frontline"), rule: eligible ? nil : .income)
    }

    /// With limit L: an unrounded commute of L + 0.5 − 1e-4 rounds to L (eligible); L + 0.5 + 1e-4
    /// rounds to L + 1 (not). Both 1e-4 minutes from the rounding edge.
    @Test(
        "commute exactly at the limit and one minute over",
        arguments: [(30, false), (30, true), (12, false), (45, true)])
    func commuteAtLimit(limit: Int, viaDefault: Bool) {
        let p = F.project()
        let policy = F.policy(defaultMaxCommuteMin: viaDefault ? limit : 60)
        for (offset, minutes) in [(-1e-4, limit), (1e-4, limit + 1)] {
            let w = F.workplace(northOf: p, commutePlusHalf: Double(limit) + 0.5 + 0.5 + offset, policy: policy)
            let d = ReferenceRules.haversineKm(lat1: w.lat, lon1: w.lon, lat2: p.lat, lon2: p.lon)
            let x = ReferenceRules.commuteUnrounded(km: d, policy: policy) + 0.5
            #expect(abs(x - x.rounded()) >= 1e-6, "too close to a rounding edge: \(x)")
            #expect(policy.commute.minutes(fromLat: w.lat, lon: w.lon, toLat: p.lat, lon: p.lon) == minutes)
            let a = F.applicant(workLat: w.lat, workLon: w.lon, maxCommuteMin: viaDefault ? nil : limit)
            #expect(ReferenceRules.commuteMinutes(a, to: p, policy: policy) == minutes)
            F.expectEligibility(minutes <= limit, a, F.slot(), p, policy, rule: minutes <= limit ? nil : .commute)
        }
    }

    @Test(
        "bed gender: any, same, other; apartments ignore gender",
        arguments: [
            (Slot.Kind.bed, Slot.Gender.any, Applicant.Gender.female, true), (.bed, .any, .male, true),
            (.bed, .female, .female, true), (.bed, .female, .male, false), (.bed, .male, .male, true),
            (.bed, .male, .female, false), (.apartment, .female, .male, true), (.apartment, .male, .female, true),
        ])
    func gender(kind: Slot.Kind, slotGender: Slot.Gender, applicantGender: Applicant.Gender, eligible: Bool) {
        let a = F.applicant(gender: applicantGender)
        F.expectEligibility(eligible, a, F.slot(kind: kind, gender: slotGender), rule: eligible ? nil : .gender)
    }

    @Test(
        "accessibility",
        arguments: [(true, false, false), (true, true, true), (false, false, true), (false, true, true)])
    func accessibility(needs: Bool, accessible: Bool, eligible: Bool) {
        F.expectEligibility(
            eligible, F.applicant(needsAccessible: needs), F.slot(accessible: accessible),
            rule: eligible ? nil : .accessibility)
    }

    @Test(
        "reserved employer: matching, other, none",
        arguments: [
            ("E1", "E1", true), ("E1", "E2", false), ("E1", nil, false), (nil, "E1", true), (nil, nil, true),
            ("E1", "e1", false),
        ] as [(String?, String?, Bool)])
    func reservedEmployer(reserved: String?, employer: String?, eligible: Bool) {
        F.expectEligibility(
            eligible, F.applicant(employerID: employer), F.slot(reservedEmployerID: reserved),
            rule: eligible ? nil : .reservedEmployer)
    }

    @Test(
        "rent at max_rent and one yuan above",
        arguments: [(1500, 1500, true), (1501, 1500, false), (1501, nil, true), (0, 0, true)] as [(Int, Int?, Bool)])
    func rentCap(rent: Int, maxRent: Int?, eligible: Bool) {
        F.expectEligibility(eligible, F.applicant(maxRent: maxRent), F.slot(rent: rent), rule: eligible ? nil : .rent)
    }

    @Test(
        "household size against max_household; beds take one person",
        arguments: [
            (Slot.Kind.apartment, 3, 3, true), (.apartment, 3, 4, false), (.bed, 1, 1, true), (.bed, 1, 2, false),
        ])
    func household(kind: Slot.Kind, maxHousehold: Int, size: Int, eligible: Bool) {
        F.expectEligibility(
            eligible, F.applicant(householdSize: size), F.slot(kind: kind, maxHousehold: maxHousehold),
            rule: eligible ? nil : .householdSize)
    }

    @Test("only available slots", arguments: Slot.Status.allCases)
    func status(status: Slot.Status) {
        F.expectEligibility(
            status == .available, F.applicant(), F.slot(status: status),
            rule: status == .available ? nil : .notAvailable)
    }

    @Test(
        "categories per default programme", arguments: Applicant.Category.allCases, ["talent", "frontline", "general"])
    func categories(category: Applicant.Category, programme: String) {
        let allowed: [String: Set<Applicant.Category>] = [
            "talent": [.youthTalent], "frontline": [.frontlineWorker],
            "general": [.youthTalent, .frontlineWorker, .general],
        ]
        let eligible = allowed[programme]!.contains(category)
        F.expectEligibility(
            eligible, F.applicant(category: category), F.slot(), F.project(programme: programme),
            rule: eligible ? nil : .category)
    }

    @Test("custom programme: categories, max_age and income_max together")
    func customProgramme() {
        let programmes = ["人才公寓": Programme(categories: [.general, .frontlineWorker], maxAge: 30, incomeMax: 9000)]
        let p = F.project(programme: "人才公寓")
        let policy = F.policy(programmes: programmes)
        F.expectEligibility(
            true, F.applicant(category: .general, birthDate: "1996-12-01", monthlyIncome: 9000), F.slot(), p, policy)
        F.expectEligibility(false, F.applicant(category: .youthTalent), F.slot(), p, policy, rule: .category)
        F.expectEligibility(
            false, F.applicant(category: .general, birthDate: "1995-12-01"), F.slot(), p, policy, rule: .age)
        F.expectEligibility(
            false, F.applicant(category: .frontlineWorker, birthDate: "1996-12-01", monthlyIncome: 9001), F.slot(), p,
            policy, rule: .income)
    }
}
