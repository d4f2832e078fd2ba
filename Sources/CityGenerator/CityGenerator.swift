import Foundation

/// Synthetic, Shanghai-like allocation rounds for demos, tests and benchmarks: projects,
/// slots and applicants in the public file contract's format, plus a policy.json.
///
/// A city is a pure function of its three arguments — same arguments, same bytes, on any
/// machine — so a benchmark or a bug report can name a city instead of attaching it.
public struct CityGenerator: Sendable {
    /// The round date of every generated policy; ages and application times are drawn
    /// relative to it.
    public static let roundDate = "2026-12-01"
    static let roundDay = CivilDay(year: 2026, month: 12, day: 1)

    /// How many applicants (rows of applicants.csv) the city has.
    public let applicants: Int
    /// How many slots (rows of slots.csv) the city has, whatever their status.
    public let slots: Int
    /// The text all randomness derives from; it is also the policy's lottery seed.
    public let seed: String

    /// A city of exactly `applicants` applicants and `slots` slots. The counts must not be
    /// negative and the seed must not be empty (the contract requires a seed).
    public init(applicants: Int, slots: Int, seed: String) {
        precondition(applicants >= 0 && slots >= 0, "applicant and slot counts must not be negative")
        precondition(!seed.isEmpty, "the seed must not be empty")
        self.applicants = applicants
        self.slots = slots
        self.seed = seed
    }

    /// The number of housing projects a city with `slots` slots has: about one per 125
    /// slots, at least three.
    public static func projectCount(forSlots slots: Int) -> Int {
        ProjectPlanner(slots: slots).projectCount
    }

    /// Draws the city in memory.
    public func generate() -> GeneratedCity {
        let roundDay = CityGenerator.roundDay
        var projectRandom = CityRandom(seed: seed, stream: 1)
        var slotRandom = CityRandom(seed: seed, stream: 2)
        var applicantRandom = CityRandom(seed: seed, stream: 3)

        let projects = ProjectPlanner(slots: slots).plan(&projectRandom)
        let projectIDWidth = idDigits(for: projects.count, minimum: 4)
        var slotWriter = SlotWriter(slots: slots, projectIDWidth: projectIDWidth)
        var applicantWriter = ApplicantWriter(applicants: applicants, roundDay: roundDay)
        return GeneratedCity(
            projectsCSV: ProjectWriter.bytes(projects, idWidth: projectIDWidth),
            slotsCSV: slotWriter.write(projects, &slotRandom),
            applicantsCSV: applicantWriter.write(&applicantRandom),
            policyJSON: PolicyWriter.bytes(roundDate: roundDay, seed: seed),
            projectCount: projects.count)
    }

    /// Draws the city and writes its four files into `directory`, creating it if needed
    /// and replacing files of the same names. Returns what it wrote.
    @discardableResult
    public func write(to directory: String) throws -> GeneratedCity {
        let city = generate()
        try city.write(to: directory)
        return city
    }
}
