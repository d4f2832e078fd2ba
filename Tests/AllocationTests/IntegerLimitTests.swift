import Testing

@testable import Allocation

/// Every integer the contract allows, at its limits, in every mechanism: a round gives a
/// result (or, for `optimal` beyond its exact range, a `RoundLimitError`), never a trap.
/// The commute models push minutes past 32 bits, past the solver's range and past 64 bits.
@Suite struct IntegerLimitTests {
    static let models: [(name: String, model: CommuteModel)] = [
        ("default", CommuteModel()),
        ("overhead just under 2^32", CommuteModel(overheadMin: 4_294_967_286)),
        ("overhead near 2^62", CommuteModel(overheadMin: 4.6e18)),
        ("overhead 1e300", CommuteModel(overheadMin: 1e300)),
        ("speed 5e-324 km/h", CommuteModel(speedKmh: 5e-324)),
        ("speed 1e-9 km/h", CommuteModel(speedKmh: 1e-9)),
        ("detour 1e308", CommuteModel(detourFactor: 1e308)),
    ]

    /// Projects at the poles, on the antimeridian and at the origin; slots and applicants
    /// with every integer at its minimum or maximum.
    static func round(model: CommuteModel, roundDate: String, defaultLimit: Int, localPriority: Bool) -> RoundInput {
        let most = Int.max
        let projects = [
            Project(id: "P1", name: "North", district: "Putuo", lat: 90, lon: 180, programme: "general"),
            Project(id: "P2", name: "South", district: "Jingan", lat: -90, lon: -180, programme: "general"),
            Project(id: "P3", name: "Origin", district: "Putuo", lat: 0, lon: 0, programme: "frontline"),
            Project(id: "P4", name: "Near origin", district: "Xuhui", lat: 0, lon: 0.001, programme: "talent"),
        ]
        let slots = [
            Slot(id: "S1", projectID: "P1", kind: .apartment, maxHousehold: most, rent: most, accessible: true),
            Slot(id: "S2", projectID: "P1", kind: .apartment, maxHousehold: 1, rent: 0),
            Slot(id: "S3", projectID: "P2", kind: .apartment, maxHousehold: most, rent: most),
            Slot(id: "S4", projectID: "P2", kind: .bed, roomID: "R1", maxHousehold: 1, rent: 0, gender: .female),
            Slot(id: "S5", projectID: "P3", kind: .apartment, maxHousehold: most, rent: most, reservedEmployerID: "E1"),
            Slot(id: "S6", projectID: "P3", kind: .apartment, maxHousehold: most, rent: 0),
            Slot(id: "S7", projectID: "P4", kind: .apartment, maxHousehold: 1, rent: most, status: .maintenance),
            Slot(id: "S8", projectID: "P4", kind: .apartment, maxHousehold: most, rent: most),
        ]
        func applicant(
            _ id: String, _ category: Applicant.Category, household: Int, income: Int, lat: Double, lon: Double,
            limit: Int?, maxRent: Int?, points: Int, born: String, employer: String? = nil
        ) -> Applicant {
            Applicant(
                id: id, category: category, householdSize: household, gender: .female, birthDate: CivilDate(iso: born)!,
                monthlyIncome: income, workLat: lat, workLon: lon, workDistrict: "Putuo", maxCommuteMin: limit,
                maxRent: maxRent, needsAccessible: id.hasSuffix("x"), priorityPoints: points, employerID: employer)
        }
        let applicants = [
            applicant("A1", .general, household: most, income: most, lat: 90, lon: 180, limit: most, maxRent: most, points: most, born: "0001-01-01"),
            applicant("A2", .general, household: 1, income: 0, lat: -90, lon: -180, limit: 1, maxRent: 0, points: 0, born: "9999-12-31"),
            applicant("A3", .frontlineWorker, household: most, income: 0, lat: 0, lon: 0, limit: most, maxRent: most, points: most, born: "0001-01-01", employer: "E1"),
            applicant("A4", .youthTalent, household: 1, income: most, lat: -90, lon: 180, limit: nil, maxRent: nil, points: most, born: "9999-12-31"),
            applicant("A5x", .frontlineWorker, household: 1, income: most, lat: 0, lon: 0, limit: nil, maxRent: nil, points: 0, born: "0001-01-01"),
            applicant("A6", .general, household: most, income: 0, lat: 45, lon: -180, limit: most, maxRent: 0, points: most, born: "9999-12-31"),
            applicant("A7", .youthTalent, household: 1, income: 0, lat: 0, lon: 0.002, limit: most, maxRent: most, points: 0, born: "9999-12-31"),
            applicant("A8", .general, household: 1, income: 0, lat: 0.5, lon: 0.5, limit: most, maxRent: most, points: most, born: "0001-01-01"),
        ]
        let programmes: [String: Programme] = [
            "general": Programme(categories: Set(Applicant.Category.allCases), maxAge: most, incomeMax: most),
            "frontline": Programme(categories: [.frontlineWorker], maxAge: 0, incomeMax: 0),
            "talent": Programme(categories: [.youthTalent]),
        ]
        let policy = Policy(
            roundDate: CivilDate(iso: roundDate)!, mechanism: .serial, seed: "limits", localPriority: localPriority,
            defaultMaxCommuteMin: defaultLimit, commute: model, programmes: programmes)
        return RoundInput(projects: projects, slots: slots, applicants: applicants, policy: policy)
    }

    @Test(arguments: 0..<models.count)
    func everyIntegerAtItsLimitsGivesAResultInEveryMechanism(model index: Int) throws {
        let model = Self.models[index].model
        for roundDate in ["0001-01-01", "9999-12-31"] {
            for defaultLimit in [1, Int.max] {
                for local in [true, false] {
                    let input = Self.round(model: model, roundDate: roundDate, defaultLimit: defaultLimit, localPriority: local)
                    var byMechanism: [Mechanism: RoundResult] = [:]
                    for mechanism in Mechanism.allCases {
                        do {
                            let result = try Allocator.solve(input, mechanism: mechanism, seed: "limits")
                            Self.expectConsistent(result, input, "\(Self.models[index].name), \(mechanism)")
                            byMechanism[mechanism] = result
                        } catch {
                            #expect(mechanism == .optimal, "only optimal may refuse: \(error)")
                        }
                    }
                    if !local, let s = byMechanism[.serial], let d = byMechanism[.deferredAcceptance] {
                        func places(_ r: RoundResult) -> [[String?]] { r.rows.map { [$0.applicantID, $0.slotID] } }
                        #expect(places(s) == places(d), "without local priority deferred acceptance equals serial")
                    }
                }
            }
        }
    }

    /// Offered rows are eligible, at the contract's own commute, one applicant per slot;
    /// the others are ineligible exactly when no slot is open to them.
    static func expectConsistent(_ result: RoundResult, _ input: RoundInput, _ context: String) {
        #expect(result.rows.count == input.applicants.count, "\(context)")
        var taken = Set<String>()
        for row in result.rows {
            let a = input.applicants.first { $0.id == row.applicantID }!
            let open = input.slots.contains { s in
                Eligibility.isEligible(a, for: s, in: input.projects.first { $0.id == s.projectID }!, policy: input.policy)
            }
            switch row.outcome {
            case .offered:
                let s = input.slots.first { $0.id == row.slotID }!
                let p = input.projects.first { $0.id == s.projectID }!
                #expect(Eligibility.isEligible(a, for: s, in: p, policy: input.policy), "\(context): \(row)")
                let minutes = input.policy.commute.minutes(fromLat: a.workLat, lon: a.workLon, toLat: p.lat, lon: p.lon)
                #expect(row.commuteMin == minutes && row.rent == s.rent, "\(context): \(row)")
                #expect(taken.insert(s.id).inserted, "\(context): \(s.id) offered twice")
            case .unmatched: #expect(open, "\(context): \(row)")
            case .ineligible: #expect(!open && !row.reason.isEmpty, "\(context): \(row)")
            }
        }
    }

    @Test func aCommuteBeyond64BitsIsNeverWithinALimit() {
        let crawl = CommuteModel(speedKmh: 5e-324)
        #expect(crawl.minutes(distanceKm: 1) == CommuteModel.beyondEveryLimit)
        #expect(CommuteModel(overheadMin: 1e300).minutes(distanceKm: 0) == CommuteModel.beyondEveryLimit)
        #expect(!CommuteModel.isWithin(CommuteModel.beyondEveryLimit, limit: Int.max))
        // The largest double under 2^63 is 2^63 − 1024: still a commute, and within Int.max.
        let justUnder = CommuteModel(overheadMin: 9_223_372_036_854_774_784, detourFactor: 1, speedKmh: 1e300)
        #expect(justUnder.minutes(distanceKm: 0) == 9_223_372_036_854_774_784)
        #expect(CommuteModel.isWithin(9_223_372_036_854_774_784, limit: Int.max))
    }

    /// Commutes on both sides of 2^32 minutes: the nearer place must still come first
    /// (packing minutes into 32 bits would put 2^32 + 9 before 2^32 − 5).
    @Test(arguments: Mechanism.allCases)
    func commutesAcross2To32MinutesKeepTheirOrder(mechanism: Mechanism) throws {
        let model = CommuteModel(overheadMin: 4_294_967_286, detourFactor: 1, speedKmh: 60)  // 1 km = 1 minute
        let near = Project(id: "Pz", name: "Near", district: "D", lat: 0, lon: 0.045, programme: "general")
        let far = Project(id: "Pa", name: "Far", district: "D", lat: 0, lon: 0.3, programme: "general")
        let slots = [
            Slot(id: "S1", projectID: "Pa", kind: .apartment, maxHousehold: 1, rent: 0),
            Slot(id: "S2", projectID: "Pz", kind: .apartment, maxHousehold: 1, rent: 0),
        ]
        let a = Applicant(
            id: "A", category: .general, gender: .male, birthDate: CivilDate(iso: "2000-01-01")!, monthlyIncome: 0,
            workLat: 0, workLon: 0, workDistrict: "D", maxCommuteMin: Int.max)
        let policy = Policy(roundDate: CivilDate(iso: "2026-12-01")!, seed: "s", commute: model)
        let nearMinutes = model.minutes(fromLat: 0, lon: 0, toLat: 0, lon: 0.045)
        let farMinutes = model.minutes(fromLat: 0, lon: 0, toLat: 0, lon: 0.3)
        try #require(nearMinutes < 1 << 32 && farMinutes >= 1 << 32)
        let input = RoundInput(projects: [far, near], slots: slots, applicants: [a], policy: policy)
        let result = try Allocator.solve(input, mechanism: mechanism, seed: "s")
        #expect(result.rows.first?.slotID == "S2" && result.rows.first?.commuteMin == nearMinutes, "\(result.rows)")
    }

    /// Two commutes of about 4.7e18 minutes: their total passes Int.max and is still exact.
    @Test(arguments: Mechanism.allCases)
    func theTotalCommuteIsExactBeyond64Bits(mechanism: Mechanism) throws {
        let model = CommuteModel(overheadMin: 4.7e18)
        let p = Project(id: "P", name: "P", district: "D", lat: 0, lon: 0, programme: "general")
        let slots = ["S1", "S2"].map { Slot(id: $0, projectID: "P", kind: .apartment, maxHousehold: 1, rent: 0) }
        let applicants = ["A1", "A2"].map {
            Applicant(
                id: $0, category: .general, gender: .male, birthDate: CivilDate(iso: "2000-01-01")!, monthlyIncome: 0,
                workLat: 0, workLon: 0, workDistrict: "D", maxCommuteMin: Int.max)
        }
        let policy = Policy(roundDate: CivilDate(iso: "2026-12-01")!, seed: "s", commute: model)
        let result = try Allocator.solve(RoundInput(projects: [p], slots: slots, applicants: applicants, policy: policy), mechanism: mechanism, seed: "s")
        let each = model.minutes(distanceKm: 0)
        #expect(result.offered == 2)
        #expect(result.exactTotalCommuteMin == 2 * Int128(each))
        #expect(result.totalCommuteMin == Int.max, "saturates rather than trapping")
    }

    /// `optimal` over a commute span its solver cannot total exactly refuses with a
    /// message naming the policy key, instead of trapping.
    @Test func optimalBeyondItsExactRangeIsAnErrorNotATrap() {
        let model = CommuteModel(speedKmh: 1e-6)
        let projects = [
            Project(id: "P1", name: "P1", district: "D", lat: 0, lon: 0, programme: "general"),
            Project(id: "P2", name: "P2", district: "D", lat: 0, lon: 90, programme: "general"),
        ]
        let slots = [
            Slot(id: "S1", projectID: "P1", kind: .apartment, maxHousehold: 1, rent: 0),
            Slot(id: "S2", projectID: "P2", kind: .apartment, maxHousehold: 1, rent: 0),
        ]
        let applicants = [0.0, 90.0].enumerated().map { i, lon in
            Applicant(
                id: "A\(i)", category: .general, gender: .male, birthDate: CivilDate(iso: "2000-01-01")!, monthlyIncome: 0,
                workLat: 0, workLon: lon, workDistrict: "D", maxCommuteMin: Int.max)
        }
        let policy = Policy(roundDate: CivilDate(iso: "2026-12-01")!, seed: "s", commute: model)
        let input = RoundInput(projects: projects, slots: slots, applicants: applicants, policy: policy)
        #expect(throws: RoundLimitError.self) { try Allocator.solve(input, mechanism: .optimal, seed: "s") }
        for mechanism in [Mechanism.serial, .deferredAcceptance] {
            #expect((try? Allocator.solve(input, mechanism: mechanism, seed: "s"))?.offered == 2)
        }
    }
}
