/// Why an applicant was offered nothing, as data: the rule or the competition that decided
/// it and the figures it turned on. The engine decides once; `english` (the published
/// explanation in results.csv, byte for byte) and `chinese` are renderings of the same value,
/// so a reason can be stored once and read back in the applicant's language without
/// re-solving the round.
public enum OutcomeReason: Sendable, Hashable {
    /// The round had no available place at all.
    case noPlaces
    /// No project with places runs a programme open to the applicant's category.
    case category(category: String)
    /// Over the nearest programme's age limit on the round date (`YYYY-MM-DD`).
    case age(age: Int, roundDate: String, programme: String, maxAge: Int)
    /// Monthly income above the nearest programme's limit (yuan).
    case income(income: Int, programme: String, limit: Int)
    /// No place holds the household; `largest` is the biggest otherwise open to them.
    case householdSize(household: Int, largest: Int)
    /// No bed in a room of the applicant's gender (`female`/`male`) or a mixed one.
    case gender(gender: String)
    /// The applicant needs a step-free place and none was open to them.
    case accessibility
    /// Every place otherwise open costs more than the applicant's rent limit (yuan a month).
    case rent(limit: Int, cheapest: Int)
    /// The places otherwise open are reserved for other employers' workers.
    case reservedEmployer
    /// Nothing within the commute limit; the nearest project and its commute in minutes
    /// (nil: beyond every limit a commute can have).
    case commute(limit: Int, nearest: String, minutes: Int?)
    /// Serial or deferred acceptance gave the places the applicant could take to people
    /// ranked ahead (priority `position` of `applicants`, with `points`); `nearest` holds
    /// the one or two most preferred projects and what beat the applicant there.
    case outranked(
        mechanism: Mechanism, projects: Int, position: Int, applicants: Int, points: Int, nearest: [NearbyProject])
    /// The optimal allocation (most housed, then least total commute) used the places
    /// elsewhere; `nearest` is the applicant's most preferred project.
    case optimalElsewhere(projects: Int, nearest: NearbyProject)

    /// A project an applicant wanted, by name, with its commute and what beat them there.
    public struct NearbyProject: Sendable, Hashable {
        public var name: String
        public var minutes: Int
        /// nil under `optimal`, which ranks nobody.
        public var cutoff: Cutoff?

        public init(name: String, minutes: Int, cutoff: Cutoff?) {
            self.name = name
            self.minutes = minutes
            self.cutoff = cutoff
        }
    }

    /// What the lowest-ranked holder of a place at a project had that the applicant lacked.
    public enum Cutoff: Sendable, Hashable {
        /// Every place the applicant could take there stayed empty or went to nobody ranked.
        case noPlaceLeft
        /// Deferred acceptance with local priority: people working in `district` first.
        case localWorkersFirst(district: String)
        /// The holder had more priority points; `points` is theirs (the cutoff).
        case morePoints(points: Int)
        /// Same points; the holder drew an earlier lottery number.
        case earlierLotteryDraw
    }

    /// A stable name for the kind of reason, for clients that branch on it (and the JSON
    /// form's `kind`).
    public var kind: String {
        switch self {
        case .noPlaces: "no_places"
        case .category: "category"
        case .age: "age"
        case .income: "income"
        case .householdSize: "household_size"
        case .gender: "gender"
        case .accessibility: "accessibility"
        case .rent: "rent"
        case .reservedEmployer: "reserved_employer"
        case .commute: "commute"
        case .outranked: "outranked"
        case .optimalElsewhere: "optimal_elsewhere"
        }
    }
}

extension Mechanism: Codable {}
