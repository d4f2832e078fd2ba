import Foundation

@testable import Allocation
import TestSupport

/// Small random rounds that touch every rule: a few projects a few km apart (so commute
/// limits bind), several districts, programmes with age and income caps, beds in rooms and
/// apartments, reserved slots, rent caps, tied priority points and rents, and ids whose
/// byte-wise order differs from numeric or case-insensitive order ("a10" < "a9", "B" < "a").
/// Every instance is valid per the file contract.
struct RandomInstance {
    /// How big an instance may be.
    struct Shape: Sendable {
        var projects: ClosedRange<Int>
        var slotsPerProject: ClosedRange<Int>
        var maxSlots: Int
        var applicants: ClosedRange<Int>

        /// Small enough to enumerate every matching.
        static let tiny = Shape(projects: 1...3, slotsPerProject: 0...4, maxSlots: 6, applicants: 1...7)
        static let small = Shape(projects: 1...4, slotsPerProject: 0...5, maxSlots: 20, applicants: 1...12)
        static let medium = Shape(projects: 2...5, slotsPerProject: 1...7, maxSlots: 30, applicants: 8...24)
        /// Over 1,024 applicants, so the engine builds candidate lists in parallel chunks.
        static let large = Shape(projects: 6...10, slotsPerProject: 5...20, maxSlots: 150, applicants: 1100...1500)
    }

    var input: RoundInput
    let seed: String

    static let districts = ["Putuo", "Jing'an", "Xuhui", "浦东新区", "Pudong"]
    static let employers = ["E1", "E2", "emp.3"]
    static let rents = [900, 1200, 1200, 1500, 2000]
    static let roundDates = [
        "2026-12-01", "2027-02-28", "2027-03-01", "2028-02-28", "2028-02-29", "2028-03-01", "2026-02-28", "2027-02-28",
    ]

    init(seed instanceSeed: UInt64, shape: Shape) {
        var rng = SplitMix64(seed: instanceSeed)
        let policy = RandomInstance.policy(&rng)
        var used = Set<String>()
        func freshID(_ prefixes: [String]) -> String {
            while true {
                let prefix = rng.pick(prefixes)
                let id: String
                switch rng.int(0...9) {
                case 0: id = prefix
                case 1: id = prefix + String(repeating: "z", count: 64 - prefix.count)
                // Numbers stay small (so "a9" and "a10" meet) until the small ids run out.
                default: id = prefix + String(rng.int(0...(used.count < 300 ? 120 : 99_999)))
                }
                if used.insert(id).inserted { return id }
            }
        }

        var projects: [Project] = []
        for _ in 0..<rng.int(shape.projects) {
            var p = Project(
                id: freshID(["p", "P", "p-", "q", "Q.", "p_"]), name: "Estate", district: rng.pick(Self.districts),
                lat: 31.23 + rng.double(-0.05, 0.05), lon: 121.47 + rng.double(-0.06, 0.06),
                programme: rng.pick(policy.programmes.keys.sorted()))
            // Projects of one estate share a location: commute ties, so project_id decides.
            if let other = projects.last, rng.chance(0.3) { (p.lat, p.lon) = (other.lat, other.lon) }
            projects.append(p)
        }

        var slots: [Slot] = []
        for p in projects {
            var roomCount = 0
            var count = rng.int(shape.slotsPerProject)
            while count > 0, slots.count < shape.maxSlots {
                if rng.chance(0.5) {
                    slots.append(
                        Slot(
                            id: freshID(["s", "S", "s_", "s-", "s.", "0s", "x"]), projectID: p.id, kind: .apartment,
                            maxHousehold: rng.int(1...4), rent: rng.pick(Self.rents),
                            gender: rng.pick(Slot.Gender.allCases), accessible: rng.chance(0.3),
                            status: Self.status(&rng),
                            reservedEmployerID: rng.chance(0.2) ? rng.pick(Self.employers) : nil))
                    count -= 1
                } else {
                    // A room of beds sharing one gender, or a bed without a room.
                    roomCount += 1
                    let room: String? = rng.chance(0.8) ? "r\(roomCount)" : nil
                    let gender = rng.pick(Slot.Gender.allCases)
                    let rent = rng.pick(Self.rents)
                    for _ in 0..<min(count, room == nil ? 1 : rng.int(1...3)) where slots.count < shape.maxSlots {
                        slots.append(
                            Slot(
                                id: freshID(["s", "S", "s_", "s-", "s.", "0s", "x"]), projectID: p.id, kind: .bed,
                                roomID: room, maxHousehold: 1, rent: rent, gender: gender, accessible: rng.chance(0.3),
                                status: Self.status(&rng),
                                reservedEmployerID: rng.chance(0.15) ? rng.pick(Self.employers) : nil))
                        count -= 1
                    }
                }
            }
        }

        var applicants: [Applicant] = []
        for _ in 0..<rng.int(shape.applicants) {
            var a = Applicant(
                id: freshID(["a", "A", "b", "B", "a_", "a-", "a.", "9"]),
                category: rng.pick(Applicant.Category.allCases),
                householdSize: rng.chance(0.6) ? 1 : rng.int(2...4), gender: rng.pick(Applicant.Gender.allCases),
                birthDate: Self.birthDate(&rng, policy: policy),
                monthlyIncome: rng.chance(0.5) ? rng.pick([6000, 8000, 8001, 12000, 12001]) : rng.int(2000...16000),
                workLat: 31.23 + rng.double(-0.06, 0.06), workLon: 121.47 + rng.double(-0.07, 0.07),
                workDistrict: rng.pick(Self.districts), maxCommuteMin: rng.chance(0.5) ? rng.int(12...45) : nil,
                maxRent: rng.chance(0.4) ? rng.pick(Self.rents + [1000, 1999]) : nil, needsAccessible: rng.chance(0.15),
                priorityPoints: rng.pick([0, 0, 0, 1, 1, 3]),
                employerID: rng.chance(0.35) ? rng.pick(Self.employers + ["E9"]) : nil)
            // Keep every commute at least 1e-6 minutes from a rounding edge, as the contract's
            // conformance checks do, so last-bit differences in `d` cannot flip a minute.
            while projects.contains(where: { Self.nearRoundingEdge(a, $0, policy) }) { a.workLat += 1e-4 }
            applicants.append(a)
        }
        let seeds = ["2026-12-01 public draw, Putuo", "上海2026年公租房摇号", "s", "seed-\(instanceSeed)"]
        seed = rng.pick(seeds)
        input = RoundInput(projects: projects, slots: slots, applicants: applicants, policy: policy)
    }

    static func nearRoundingEdge(_ a: Applicant, _ p: Project, _ policy: Policy) -> Bool {
        let d = ReferenceRules.haversineKm(lat1: a.workLat, lon1: a.workLon, lat2: p.lat, lon2: p.lon)
        let x = ReferenceRules.commuteUnrounded(km: d, policy: policy) + 0.5
        return abs(x - x.rounded()) < 1e-6
    }

    static func status(_ rng: inout SplitMix64) -> Slot.Status {
        rng.chance(0.85) ? .available : rng.pick([.offered, .occupied, .maintenance])
    }

    /// Often exactly at a programme's max_age or one year over, so the age rule binds.
    static func birthDate(_ rng: inout SplitMix64, policy: Policy) -> CivilDate {
        let roundDate = policy.roundDate
        let caps = policy.programmes.values.compactMap(\.maxAge).sorted()
        let age = !caps.isEmpty && rng.chance(0.5) ? rng.pick(caps) + rng.int(0...1) : rng.int(20...45)
        switch rng.int(0...9) {
        case 0, 3:
            // A 29 February birthday (in the leap year nearest the wanted age).
            var y = roundDate.year - age
            while !CivilDate.isLeap(y) { y += rng.chance(0.5) ? 1 : -1 }
            return CivilDate(year: y, month: 2, day: 29)!
        case 1, 2:
            // The round's day, or a day either side, `age` years earlier.
            let base = CivilDate(year: roundDate.year - age, month: roundDate.month, day: 1)!
            let day = min(max(1, roundDate.day + rng.int(-1...1)), CivilDate.daysIn(month: base.month, year: base.year))
            return CivilDate(year: base.year, month: base.month, day: day)!
        default:
            let m = rng.int(1...12)
            return CivilDate(
                year: roundDate.year - age, month: m,
                day: rng.int(1...CivilDate.daysIn(month: m, year: roundDate.year - age)))!
        }
    }

    static func policy(_ rng: inout SplitMix64) -> Policy {
        var programmes = Programme.defaults
        if rng.chance(0.5) {
            programmes = [:]
            for name in ["talent", "frontline", "general", "人才公寓"].prefix(rng.int(1...4)) {
                var categories = Set(Applicant.Category.allCases.filter { _ in rng.chance(0.6) })
                if categories.isEmpty { categories = [rng.pick(Applicant.Category.allCases)] }
                programmes[name] = Programme(
                    categories: categories, maxAge: rng.chance(0.6) ? rng.int(25...40) : nil,
                    incomeMax: rng.chance(0.5) ? rng.pick([6000, 8000, 12000]) : nil)
            }
        }
        let commute =
            rng.chance(0.6)
            ? CommuteModel()
            : CommuteModel(
                overheadMin: rng.pick([0, 5, 12.5]), detourFactor: rng.pick([1, 1.3, 1.75]),
                speedKmh: rng.pick([18, 25, 33.3]))
        return Policy(
            roundDate: CivilDate(iso: rng.pick(roundDates))!, mechanism: .serial, seed: "unused",
            localPriority: rng.chance(0.6), defaultMaxCommuteMin: rng.pick([20, 25, 30, 40, 60]), commute: commute,
            programmes: programmes)
    }

    /// The same round with projects, slots and applicants in another order.
    func shuffled(seed shuffleSeed: UInt64) -> RoundInput {
        var rng = SplitMix64(seed: shuffleSeed ^ 0x5DEE_CE66_D1CE_4E5B)
        var copy = input
        rng.shuffle(&copy.projects)
        rng.shuffle(&copy.slots)
        rng.shuffle(&copy.applicants)
        return copy
    }
}
