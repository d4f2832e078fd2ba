import Testing

@testable import Allocation

/// A one-project, one-slot, one-applicant round whose single field under test is varied,
/// and the three-way check of its eligibility: the reference, `Eligibility`, and the engine.
enum RuleFixtures {
    static let roundDate = CivilDate(iso: "2026-12-01")!
    static let here = (lat: 31.2304, lon: 121.4737)

    static func project(
        programme: String = "general", district: String = "Putuo", lat: Double = here.lat, lon: Double = here.lon
    ) -> Project {
        Project(id: "p1", name: "Estate", district: district, lat: lat, lon: lon, programme: programme)
    }

    static func slot(
        kind: Slot.Kind = .apartment, maxHousehold: Int = 4, rent: Int = 1500, gender: Slot.Gender = .any,
        accessible: Bool = false, status: Slot.Status = .available, reservedEmployerID: String? = nil
    ) -> Slot {
        Slot(
            id: "s1", projectID: "p1", kind: kind, roomID: kind == .bed ? "r1" : nil,
            maxHousehold: kind == .bed ? 1 : maxHousehold, rent: rent, gender: gender, accessible: accessible,
            status: status, reservedEmployerID: reservedEmployerID)
    }

    static func applicant(
        id: String = "a1", category: Applicant.Category = .general, householdSize: Int = 1,
        gender: Applicant.Gender = .female,
        birthDate: String = "1995-06-15", monthlyIncome: Int = 8000, workLat: Double = here.lat + 0.01,
        workLon: Double = here.lon, workDistrict: String = "Jing'an", maxCommuteMin: Int? = nil, maxRent: Int? = nil,
        needsAccessible: Bool = false, priorityPoints: Int = 0, employerID: String? = nil
    ) -> Applicant {
        Applicant(
            id: id, category: category, householdSize: householdSize, gender: gender,
            birthDate: CivilDate(iso: birthDate)!,
            monthlyIncome: monthlyIncome, workLat: workLat, workLon: workLon, workDistrict: workDistrict,
            maxCommuteMin: maxCommuteMin, maxRent: maxRent, needsAccessible: needsAccessible,
            priorityPoints: priorityPoints,
            employerID: employerID)
    }

    static func policy(
        roundDate: CivilDate = roundDate, localPriority: Bool = true, defaultMaxCommuteMin: Int = 60,
        programmes: [String: Programme] = Programme.defaults
    ) -> Policy {
        Policy(
            roundDate: roundDate, mechanism: .serial, seed: "fixture", localPriority: localPriority,
            defaultMaxCommuteMin: defaultMaxCommuteMin, programmes: programmes)
    }

    /// Expects `a` to be eligible (or not) for `s` in `p` by the reference, by
    /// `Eligibility.isEligible`, and in an engine round of just them under every mechanism
    /// (offered, or ineligible). When `rule` is given, `Eligibility.brokenRule` must name it.
    static func expectEligibility(
        _ expected: Bool, _ a: Applicant, _ s: Slot, _ p: Project = project(), _ policy: Policy = policy(),
        rule: IneligibilityRule? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let reference = ReferenceRules.isEligible(a, for: s, in: p, policy: policy)
        #expect(reference == expected, "reference eligibility", sourceLocation: sourceLocation)
        #expect(
            Eligibility.isEligible(a, for: s, in: p, policy: policy) == expected, "Eligibility.isEligible",
            sourceLocation: sourceLocation)
        if let rule {
            let minutes = ReferenceRules.commuteMinutes(a, to: p, policy: policy)
            let broken = Eligibility.brokenRule(of: a, for: s, in: p, policy: policy, commuteMin: minutes)
            #expect(broken == rule, "Eligibility.brokenRule", sourceLocation: sourceLocation)
        }
        let input = RoundInput(projects: [p], slots: [s], applicants: [a], policy: policy)
        for mechanism in Mechanism.allCases {
            let rows = Allocator.run(input, mechanism: mechanism, seed: "fixture").rows
            let outcome = rows.count == 1 ? rows[0].outcome : nil
            #expect(
                outcome == (expected ? .offered : .ineligible), "engine \(mechanism): \(rows)",
                sourceLocation: sourceLocation)
        }
    }

    /// A workplace due north of `p` whose unrounded commute plus 0.5 is `target` minutes,
    /// found by bisection on the contract's formula.
    static func workplace(northOf p: Project, commutePlusHalf target: Double, policy: Policy) -> (
        lat: Double, lon: Double
    ) {
        func value(_ dLat: Double) -> Double {
            let d = ReferenceRules.haversineKm(lat1: p.lat + dLat, lon1: p.lon, lat2: p.lat, lon2: p.lon)
            return ReferenceRules.commuteUnrounded(km: d, policy: policy) + 0.5
        }
        var low = 0.0
        var high = 2.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if value(mid) < target { low = mid } else { high = mid }
        }
        return (p.lat + low, p.lon)
    }
}
