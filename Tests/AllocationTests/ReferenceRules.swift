import Foundation

@testable import Allocation

/// The contract's rules written out again, literally and slowly, without calling the
/// engine's helpers (`CommuteModel`, `CivilDate.age`, `Eligibility`, `utf8Less`), so that
/// the property tests compare two independent readings of the same text.
enum ReferenceRules {
    /// Ids and districts are compared byte-wise (UTF-8), never by locale or by Unicode
    /// canonical equivalence.
    static func bytesLess(_ x: String, _ y: String) -> Bool {
        Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
    }

    static func bytesEqual(_ x: String, _ y: String) -> Bool {
        Array(x.utf8) == Array(y.utf8)
    }

    // MARK: Commute

    /// `h = sin²((φ2−φ1)/2) + cos φ1 · cos φ2 · sin²((λ2−λ1)/2)`,
    /// `d = 2 · 6371.0088 · asin(√min(1, h))`.
    static func haversineKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let phi1 = lat1 * Double.pi / 180
        let phi2 = lat2 * Double.pi / 180
        let lambda1 = lon1 * Double.pi / 180
        let lambda2 = lon2 * Double.pi / 180
        let sinHalfDPhi = sin((phi2 - phi1) / 2)
        let sinHalfDLambda = sin((lambda2 - lambda1) / 2)
        let h = sinHalfDPhi * sinHalfDPhi + cos(phi1) * cos(phi2) * sinHalfDLambda * sinHalfDLambda
        return 2 * 6371.0088 * asin(min(1, h).squareRoot())
    }

    /// `overhead_min + d * detour_factor / speed_kmh * 60`, before rounding: tests use it to
    /// stay away from rounding edges.
    static func commuteUnrounded(km d: Double, policy: Policy) -> Double {
        let c = policy.commute
        return c.overheadMin + d * c.detourFactor / c.speedKmh * 60
    }

    /// `floor(overhead_min + d * detour_factor / speed_kmh * 60 + 0.5)`.
    static func commuteMinutes(_ a: Applicant, to p: Project, policy: Policy) -> Int {
        let d = haversineKm(lat1: a.workLat, lon1: a.workLon, lat2: p.lat, lon2: p.lon)
        return Int(floor(commuteUnrounded(km: d, policy: policy) + 0.5))
    }

    // MARK: Age

    static func isLeapYear(_ y: Int) -> Bool {
        if y % 400 == 0 { return true }
        if y % 100 == 0 { return false }
        return y % 4 == 0
    }

    /// Whole years at `date`: the largest k such that the k-th birthday is on or before
    /// `date`, where a 29 February birthday falls on 1 March in common years.
    static func age(born birth: CivilDate, on date: CivilDate) -> Int {
        func birthday(inYear y: Int) -> (Int, Int, Int) {
            if birth.month == 2, birth.day == 29, !isLeapYear(y) { return (y, 3, 1) }
            return (y, birth.month, birth.day)
        }
        var age = -1
        var y = birth.year
        while y <= date.year {
            if birthday(inYear: y) <= (date.year, date.month, date.day) { age = y - birth.year }
            y += 1
        }
        return age
    }

    // MARK: Eligibility

    /// Every condition of the contract's eligibility rule, in the order it lists them.
    static func isEligible(_ a: Applicant, for s: Slot, in p: Project, policy: Policy) -> Bool {
        if s.status != .available { return false }
        guard let programme = policy.programmes[p.programme] else { return false }
        if !programme.categories.contains(a.category) { return false }
        if let maxAge = programme.maxAge, age(born: a.birthDate, on: policy.roundDate) > maxAge { return false }
        if let incomeMax = programme.incomeMax, a.monthlyIncome > incomeMax { return false }
        if a.householdSize > s.maxHousehold { return false }
        if s.kind == .bed {
            let genderOK = s.gender == .any || s.gender.rawValue == a.gender.rawValue
            if !genderOK { return false }
        }
        if a.needsAccessible && !s.accessible { return false }
        if let maxRent = a.maxRent, s.rent > maxRent { return false }
        if let reserved = s.reservedEmployerID {
            guard let employer = a.employerID, bytesEqual(employer, reserved) else { return false }
        }
        let limit = a.maxCommuteMin ?? policy.defaultMaxCommuteMin
        return commuteMinutes(a, to: p, policy: policy) <= limit
    }
}
