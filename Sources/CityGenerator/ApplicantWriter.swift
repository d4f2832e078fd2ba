/// Writes applicants.csv: a mix of young graduates, frontline workers and general
/// households, each with a workplace drawn the way their job is spread over the city.
struct ApplicantWriter {
    static let header =
        "applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at\n"

    private let count: Int
    private let idWidth: Int
    private let smallEmployers: Int
    private let smallEmployerWidth: Int
    private let roundDay: CivilDay
    private let offices = WeightTable(Shanghai.employmentCentres.map(\.weight))
    private let homes = WeightTable(Shanghai.neighbourhoods.map(\.weight))
    private let hospitals = WeightTable(Shanghai.hospitals.map(\.weight))
    private let hubs = WeightTable(Shanghai.transitHubs.map(\.weight))
    private let occupations = WeightTable(Occupation.allCases.map(\.weight))
    private var sink: ByteSink

    init(applicants: Int, roundDay: CivilDay) {
        count = applicants
        idWidth = idDigits(for: applicants, minimum: 7)
        smallEmployers = max(20, applicants / 50)
        smallEmployerWidth = idDigits(for: smallEmployers, minimum: 5)
        self.roundDay = roundDay
        sink = ByteSink(capacity: 256 + applicants * 160)
        sink.raw(ApplicantWriter.header)
    }

    mutating func write(_ rng: inout CityRandom) -> [UInt8] {
        for i in 0..<count {
            writeApplicant(i + 1, &rng)
        }
        return sink.bytes
    }

    /// What differs by category: who they are, what they earn, where they work.
    private struct Person {
        var category: String
        var male: Bool
        var age: Int
        var household: Int
        var income: Int
        var employer: String?
        var work: GeoPoint
        var maxRent: Int?
    }

    private mutating func writeApplicant(_ number: Int, _ rng: inout CityRandom) {
        let roll = rng.int(in: 0...99)
        let person =
            roll < 35 ? youthTalent(&rng) : roll < 80 ? frontlineWorker(&rng) : generalHousehold(&rng)
        let (latMicro, lonMicro) = microDegrees(person.work)
        let work = GeoPoint(lat: Double(latMicro) / 1e6, lon: Double(lonMicro) / 1e6)

        sink.id("A", number, width: idWidth)
        sink.comma()
        sink.raw(person.category)
        sink.comma()
        sink.int(person.household)
        sink.comma()
        sink.raw(person.male ? "male" : "female")
        sink.comma()
        sink.date(birthDate(age: person.age, youthTalent: person.category == "youth_talent", &rng))
        sink.comma()
        sink.int(person.income)
        sink.comma()
        sink.microDegrees(latMicro)
        sink.comma()
        sink.microDegrees(lonMicro)
        sink.comma()
        sink.raw(Shanghai.districts[Shanghai.district(of: work)].name)
        sink.comma()
        if rng.chance(0.4) { sink.int(rng.pick([(30, 15), (45, 35), (60, 30), (90, 20)])) }
        sink.comma()
        if let maxRent = person.maxRent { sink.int(maxRent) }
        sink.comma()
        sink.bool(rng.chance(0.02))
        sink.comma()
        let points = rng.pick([(0, 85), (5, 8), (10, 5), (20, 2)])
        if points > 0 || rng.chance(0.7) { sink.int(points) }
        sink.comma()
        if let employer = person.employer { sink.raw(employer) }
        sink.comma()
        if rng.chance(0.98) { appliedAt(&rng) }
        sink.newline()
    }

    private mutating func youthTalent(_ rng: inout CityRandom) -> Person {
        let male = rng.chance(0.5)
        let age = rng.chance(0.9) ? 22 + Int(14 * rng.triangular()) : rng.int(in: 36...40)
        let household = rng.chance(0.75) ? 1 : 2
        let income = roundTo(7000 + 18000 * square(rng.unit()), 100)
        var employer: String?
        var work: GeoPoint
        let r = rng.unit()
        if r < 0.08 {
            let big = rng.pick(BigEmployer.hiring(nil).map { ($0, $0.weight) })
            employer = big.id
            work = place(big.sites[0], extraKm: 0, &rng)
        } else {
            if r < 0.6 { employer = smallEmployer(&rng) }
            work = place(Shanghai.employmentCentres[rng.index(weighted: offices)], extraKm: 0, &rng)
        }
        let maxRent = rng.chance(0.25) ? rng.int(in: 20...50) * 100 : nil
        return Person(category: "youth_talent", male: male, age: age, household: household, income: income,
                      employer: employer, work: work, maxRent: maxRent)
    }

    private mutating func frontlineWorker(_ rng: inout CityRandom) -> Person {
        let job = Occupation.allCases[rng.index(weighted: occupations)]
        let male = rng.chance(job.maleShare)
        let age = job.ages.lowerBound + Int(Double(job.ages.count) * rng.triangular())
        let household = rng.pick([(1, 80), (2, 12), (3, 6), (4, 2)])
        let r = rng.unit()
        // Couriers on commission sometimes earn above the 12,000 frontline ceiling.
        let income = r < 0.07 ? rng.int(in: 121...160) * 100 : r < 0.08 ? 12000 : roundTo(4000 + 7000 * rng.triangular(), 100)
        let bigEmployers = BigEmployer.hiring(job)
        var employer: String?
        var work: GeoPoint
        let e = rng.unit()
        if e < 0.35, !bigEmployers.isEmpty {
            let big = rng.pick(bigEmployers.map { ($0, $0.weight) })
            employer = big.id
            work = big.sites.isEmpty
                ? workplace(of: job, &rng)
                : place(big.sites[rng.int(in: 0...(big.sites.count - 1))], extraKm: 0, &rng)
        } else {
            if e < 0.75 { employer = smallEmployer(&rng) }
            work = workplace(of: job, &rng)
        }
        let maxRent = rng.chance(0.25) ? rng.int(in: 12...24) * 50 : nil
        return Person(category: "frontline_worker", male: male, age: age, household: household, income: income,
                      employer: employer, work: work, maxRent: maxRent)
    }

    private mutating func generalHousehold(_ rng: inout CityRandom) -> Person {
        let male = rng.chance(0.5)
        let age = 23 + Int(43 * rng.triangular())
        let household = rng.pick([(1, 15), (2, 25), (3, 35), (4, 18), (5, 7)])
        let income = roundTo(3000 + 27000 * square(rng.unit()), 100)
        let employer = rng.chance(0.3) ? smallEmployer(&rng) : nil
        let work = rng.chance(0.6)
            ? place(Shanghai.employmentCentres[rng.index(weighted: offices)], extraKm: 0, &rng)
            : place(Shanghai.neighbourhoods[rng.index(weighted: homes)], extraKm: 2, &rng)
        let maxRent = rng.chance(0.25) ? rng.int(in: 25...60) * 100 : nil
        return Person(category: "general", male: male, age: age, household: household, income: income,
                      employer: employer, work: work, maxRent: maxRent)
    }

    /// Where a frontline job is: couriers and sanitation workers all over the city, care
    /// workers mostly at hospitals, builders on suburban sites, transit staff at hubs.
    private func workplace(of job: Occupation, _ rng: inout CityRandom) -> GeoPoint {
        switch job {
        case .courier:
            return rng.chance(0.5)
                ? place(Shanghai.neighbourhoods[rng.index(weighted: homes)], extraKm: 1.5, &rng)
                : place(Shanghai.employmentCentres[rng.index(weighted: offices)], extraKm: 1.5, &rng)
        case .sanitation:
            return place(Shanghai.neighbourhoods[rng.index(weighted: homes)], extraKm: 2.5, &rng)
        case .care:
            return rng.chance(0.6)
                ? place(Shanghai.hospitals[rng.index(weighted: hospitals)], extraKm: 0, &rng)
                : place(Shanghai.neighbourhoods[rng.index(weighted: homes)], extraKm: 1, &rng)
        case .construction:
            return place(Shanghai.neighbourhoods[rng.index(weighted: homes)], extraKm: 3, &rng)
        case .transit:
            return place(Shanghai.transitHubs[rng.index(weighted: hubs)], extraKm: 0, &rng)
        case .service:
            return place(Shanghai.employmentCentres[rng.index(weighted: offices)], extraKm: 1, &rng)
        }
    }

    private func place(_ site: Site, extraKm: Double, _ rng: inout CityRandom) -> GeoPoint {
        scatter(site.point, km: site.spreadKm + extraKm, &rng)
    }

    /// Thousands of small firms, some larger than others (firm k hires ∝ k^(−1/3)).
    private func smallEmployer(_ rng: inout CityRandom) -> String {
        var id = ByteSink(capacity: 8)
        let u = rng.unit()
        id.id("E", Int(Double(smallEmployers) * u * u.squareRoot()) + 1, width: smallEmployerWidth)
        return String(decoding: id.bytes, as: UTF8.self)
    }

    /// A birth date giving `age` on the round date, uniformly over that year of life; a few
    /// on 29 February, and some youth-talent applicants right at the age-35 edge.
    private func birthDate(age: Int, youthTalent: Bool, _ rng: inout CityRandom) -> CivilDay {
        if youthTalent, rng.chance(0.005) {
            // Exactly 36 on the round date (too old), or 35 with a day or a year to spare.
            let edge = [(-36, 0), (-36, 1), (-35, 0)][rng.int(in: 0...2)]
            return CivilDay(serial: CivilDay(year: roundDay.year + edge.0, month: roundDay.month, day: roundDay.day).serial + edge.1)
        }
        let first = CivilDay(year: roundDay.year - age - 1, month: roundDay.month, day: roundDay.day).serial + 1
        let last = CivilDay(year: roundDay.year - age, month: roundDay.month, day: roundDay.day).serial
        let birth = CivilDay(serial: rng.int(in: first...last))
        if rng.chance(0.003) {
            return CivilDay(year: birth.year - birth.year % 4, month: 2, day: 29)
        }
        return birth
    }

    /// `2026-11-03T09:30:00+08:00`: some time in the application window, in office hours
    /// or the evening.
    private mutating func appliedAt(_ rng: inout CityRandom) {
        let opening = CivilDay(year: roundDay.year, month: 10, day: 8).serial
        sink.date(CivilDay(serial: opening + rng.int(in: 0...43)))
        sink.byte(UInt8(ascii: "T"))
        sink.padded(rng.int(in: 7...23), width: 2)
        sink.byte(UInt8(ascii: ":"))
        sink.padded(rng.int(in: 0...59), width: 2)
        sink.byte(UInt8(ascii: ":"))
        sink.padded(rng.int(in: 0...59), width: 2)
        sink.raw("+08:00")
    }
}

@inline(__always)
func square(_ x: Double) -> Double { x * x }
