import Allocation
import RoundReport
import TestSupport

/// Rounds to report on: one built by hand with known figures, random cities solved by the
/// real engine, and a synthetic city at production scale.
enum ReportFixtures {
    static let roundDate = CivilDate(year: 2026, month: 12, day: 1)!
    static let seed = "2026-12-01 public draw, Putuo"
    static let scriptName = "<script>alert(1)</script> & \"x\""

    static func applicant(_ id: String, _ category: Applicant.Category, _ district: String) -> Applicant {
        Applicant(
            id: id, category: category, gender: .female, birthDate: CivilDate(year: 1998, month: 5, day: 17)!,
            monthlyIncome: 8000, workLat: 31.23, workLon: 121.47, workDistrict: district)
    }

    static func offer(_ id: String, _ slot: String, _ project: String, _ minutes: Int, _ rent: Int) -> ApplicantResult {
        ApplicantResult(applicantID: id, outcome: .offered, slotID: slot, projectID: project, commuteMin: minutes, rent: rent)
    }

    static func waiting(_ id: String, _ outcome: ApplicantResult.Outcome) -> ApplicantResult {
        ApplicantResult(applicantID: id, outcome: outcome, reason: "No place within your commute limit.")
    }

    /// Ten applicants, three projects (one with nothing available), seven available slots.
    /// The figures the report must show are worked out by hand in the tests.
    static func handBuilt() -> RoundReport {
        let projects = [
            Project(id: "P1", name: "Sunrise Apartments 朝阳公寓", district: "Putuo", lat: 31.24, lon: 121.40, programme: "talent"),
            Project(id: "P2", name: scriptName, district: "Jing'an", lat: 31.23, lon: 121.45, programme: "general"),
            Project(id: "P3", name: "Empty Estate", district: "Xuhui", lat: 31.19, lon: 121.43, programme: "general"),
        ]
        var slots: [Slot] = []
        for n in 1...5 {
            slots.append(Slot(id: "s\(n)", projectID: "P1", kind: .apartment, maxHousehold: 2, rent: 1500, status: n == 5 ? .occupied : .available))
        }
        for n in 6...8 { slots.append(Slot(id: "s\(n)", projectID: "P2", kind: .bed, roomID: "r1", maxHousehold: 1, rent: 900)) }
        slots.append(Slot(id: "s9", projectID: "P3", kind: .bed, maxHousehold: 1, rent: 800, status: .maintenance))
        let applicants = [
            applicant("a01", .youthTalent, "Putuo"), applicant("a02", .youthTalent, "Putuo"),
            applicant("a03", .frontlineWorker, "Jing'an"), applicant("a04", .frontlineWorker, "Putuo"),
            applicant("a05", .general, "Xuhui"), applicant("a06", .general, "Xuhui"),
            applicant("a07", .youthTalent, "Jing'an"), applicant("a08", .frontlineWorker, "浦东新区"),
            applicant("a09", .general, "Putuo"), applicant("a10", .youthTalent, "Putuo"),
        ]
        let input = RoundInput(projects: projects, slots: slots, applicants: applicants, policy: Policy(roundDate: roundDate, seed: seed))
        let da = [
            offer("a01", "s1", "P1", 12, 1500), offer("a02", "s2", "P1", 17, 1500), offer("a03", "s6", "P2", 33, 900),
            offer("a04", "s7", "P2", 41, 900), waiting("a05", .unmatched), waiting("a06", .ineligible),
            offer("a07", "s3", "P1", 22, 1500), waiting("a08", .unmatched), waiting("a09", .ineligible),
            waiting("a10", .unmatched),
        ]
        let serial = [
            offer("a01", "s1", "P1", 12, 1500), offer("a02", "s2", "P1", 17, 1500), offer("a03", "s6", "P2", 33, 900),
            waiting("a04", .unmatched), waiting("a05", .unmatched), waiting("a06", .ineligible),
            waiting("a07", .unmatched), offer("a08", "s8", "P2", 50, 900), waiting("a09", .ineligible),
            offer("a10", "s3", "P1", 25, 1500),
        ]
        let optimal = [
            offer("a01", "s1", "P1", 12, 1500), offer("a02", "s2", "P1", 17, 1500), offer("a03", "s6", "P2", 33, 900),
            offer("a04", "s7", "P2", 41, 900), waiting("a05", .unmatched), waiting("a06", .ineligible),
            offer("a07", "s3", "P1", 22, 1500), offer("a08", "s8", "P2", 50, 900), waiting("a09", .ineligible),
            waiting("a10", .unmatched),
        ]
        func result(_ mechanism: Mechanism, _ rows: [ApplicantResult]) -> RoundResult {
            RoundResult(mechanism: mechanism, seed: seed, rows: rows, slotsAvailable: 7)
        }
        return RoundReport(
            city: "上海 Shanghai", roundID: "R-2026-12", runAt: "2026-12-01T09:30:00+08:00",
            inputDigest: String(repeating: "ab12", count: 16), input: input, chosen: .deferredAcceptance,
            results: [
                .serial: result(.serial, serial), .deferredAcceptance: result(.deferredAcceptance, da),
                .optimal: result(.optimal, optimal),
            ])
    }

    static let districts = ["Putuo", "Jing'an", "Xuhui", "浦东新区", "Minhang", "Jiading"]

    /// A random city around People's Square: projects of every programme, apartments and
    /// beds (some not available, some reserved), applicants of every category.
    static func randomCity(seed: UInt64, applicants applicantCount: Int = 400, projects projectCount: Int = 9) -> RoundInput {
        var rng = SplitMix64(seed: seed)
        let programmes = ["talent", "frontline", "general"]
        let projects = (0..<projectCount).map { n in
            Project(
                id: "P\(n)", name: rng.pick(["安居苑", "Talent Court", "职工宿舍 \(n)", "Riverside <East>"]) + " \(n)",
                district: rng.pick(districts), lat: 31.23 + rng.double(-0.08, 0.08), lon: 121.47 + rng.double(-0.1, 0.1),
                programme: programmes[n % programmes.count])
        }
        var slots: [Slot] = []
        for project in projects {
            for n in 0..<rng.int(0...25) {
                let bed = project.programme == "frontline" || rng.chance(0.3)
                slots.append(Slot(
                    id: "\(project.id)-s\(n)", projectID: project.id, kind: bed ? .bed : .apartment,
                    roomID: bed ? "r\(n / 4)" : nil, maxHousehold: bed ? 1 : rng.int(1...3),
                    rent: bed ? rng.pick([500, 700, 1000]) : rng.pick([1200, 1800, 2600]),
                    gender: bed ? [.any, .female, .male][(n / 4) % 3] : .any, accessible: rng.chance(0.2),
                    status: rng.chance(0.9) ? .available : rng.pick([.offered, .occupied, .maintenance]),
                    reservedEmployerID: rng.chance(0.1) ? "E1" : nil))
            }
        }
        let applicants = (0..<applicantCount).map { n in
            Applicant(
                id: "A\(String(n + 100_000))", category: rng.pick(Applicant.Category.allCases),
                householdSize: rng.chance(0.7) ? 1 : rng.int(2...4), gender: rng.pick(Applicant.Gender.allCases),
                birthDate: CivilDate(year: rng.int(1980...2004), month: rng.int(1...12), day: rng.int(1...28))!,
                monthlyIncome: rng.int(3000...16000), workLat: 31.23 + rng.double(-0.15, 0.15),
                workLon: 121.47 + rng.double(-0.15, 0.15), workDistrict: rng.pick(districts),
                maxCommuteMin: rng.chance(0.5) ? rng.int(25...70) : nil, maxRent: rng.chance(0.3) ? 1000 : nil,
                needsAccessible: rng.chance(0.1), priorityPoints: rng.pick([0, 0, 1, 3]),
                employerID: rng.chance(0.2) ? "E1" : nil)
        }
        return RoundInput(projects: projects, slots: slots, applicants: applicants, policy: Policy(roundDate: roundDate, seed: Self.seed))
    }

    /// `input` solved by the real engine with every mechanism, reported with `chosen`.
    static func solved(_ input: RoundInput, chosen: Mechanism = .deferredAcceptance) -> RoundReport {
        var results: [Mechanism: RoundResult] = [:]
        for mechanism in Mechanism.allCases {
            results[mechanism] = Allocator.run(input, mechanism: mechanism, seed: input.policy.seed)
        }
        return RoundReport(
            city: "Shanghai", roundID: "R-random", runAt: "2026-12-01T09:30:00Z",
            inputDigest: String(repeating: "0f", count: 32), input: input, chosen: chosen, results: results)
    }

    /// A round of production size without running the engine: `applicants` applicants in
    /// 16 districts, `slots` available slots in `projects` projects, and for each mechanism
    /// offers that fill a slightly different share of the slots.
    static func synthetic(applicants applicantCount: Int, slots slotCount: Int, projects projectCount: Int) -> RoundReport {
        var rng = SplitMix64(seed: 2026)
        let districts = ["Huangpu", "Xuhui", "Changning", "Jing'an", "Putuo", "Hongkou", "Yangpu", "Minhang", "Baoshan",
            "Jiading", "浦东新区", "Jinshan", "Songjiang", "Qingpu", "Fengxian", "Chongming"]
        let projects = (0..<projectCount).map { n in
            Project(
                id: "P\(String(n + 10_000))", name: "公共租赁住房 \(n) 期", district: districts[n % districts.count],
                lat: 31.2, lon: 121.4, programme: ["talent", "frontline", "general"][n % 3])
        }
        let slots = (0..<slotCount).map { n in
            Slot(id: "S\(String(n + 1_000_000))", projectID: projects[(n * 7919) % projectCount].id, kind: .apartment, maxHousehold: 2, rent: 800 + (n % 12) * 100)
        }
        let applicants = (0..<applicantCount).map { n in
            Applicant(
                id: "A\(String(n + 1_000_000))", category: Applicant.Category.allCases[n % 3], gender: .male,
                birthDate: CivilDate(year: 1995, month: 1, day: 1)!, monthlyIncome: 7000, workLat: 31.2, workLon: 121.4,
                workDistrict: districts[rng.int(0...districts.count - 1)])
        }
        var results: [Mechanism: RoundResult] = [:]
        for (m, mechanism) in Mechanism.allCases.enumerated() {
            // Offers go to slots in a random order biased by project, so fill rates vary.
            let keys = (0..<slotCount).map { n in rng.int(0...99) + ((n * 7919) % projectCount % 10) * 12 }
            let order = (0..<slotCount).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
            var next = 0
            let share = 0.19 + 0.01 * Double(m)
            let rows = applicants.map { a -> ApplicantResult in
                if next < order.count, rng.chance(share) {
                    let slot = slots[order[next]]
                    next += 1
                    return ApplicantResult(
                        applicantID: a.id, outcome: .offered, slotID: slot.id, projectID: slot.projectID,
                        commuteMin: 12 + rng.int(0...60) + rng.int(0...40), rent: slot.rent)
                }
                return ApplicantResult(applicantID: a.id, outcome: rng.chance(0.8) ? .unmatched : .ineligible, reason: "waiting")
            }
            results[mechanism] = RoundResult(mechanism: mechanism, seed: seed, rows: rows, slotsAvailable: slotCount)
        }
        let input = RoundInput(projects: projects, slots: slots, applicants: applicants, policy: Policy(roundDate: roundDate, seed: seed))
        return RoundReport(
            city: "Shanghai", roundID: "R-scale", runAt: "2026-12-01T09:30:00+08:00",
            inputDigest: String(repeating: "9c", count: 32), input: input, chosen: .deferredAcceptance, results: results)
    }
}
