/// The rules of one round: the date ages are taken on, the mechanism, the public seed of
/// the lottery, and the programmes that say who may live where.
public struct Policy: Sendable, Hashable {
    public var roundDate: CivilDate
    public var mechanism: Mechanism
    /// Published before the draw, so anyone can recompute every lottery number.
    public var seed: String
    public var localPriority: Bool
    public var defaultMaxCommuteMin: Int
    public var commute: CommuteModel
    public var programmes: [String: Programme]

    public init(
        roundDate: CivilDate, mechanism: Mechanism = .deferredAcceptance, seed: String, localPriority: Bool = true,
        defaultMaxCommuteMin: Int = 60, commute: CommuteModel = CommuteModel(),
        programmes: [String: Programme] = Programme.defaults
    ) {
        self.roundDate = roundDate
        self.mechanism = mechanism
        self.seed = seed
        self.localPriority = localPriority
        self.defaultMaxCommuteMin = defaultMaxCommuteMin
        self.commute = commute
        self.programmes = programmes
    }
}

/// How places are matched to applicants; each is defined in the file contract.
public enum Mechanism: String, Sendable, CaseIterable {
    case serial
    case deferredAcceptance = "deferred_acceptance"
    case optimal
}

/// A housing programme: which categories it serves, and optional age and income caps.
public struct Programme: Sendable, Hashable {
    public var categories: Set<Applicant.Category>
    public var maxAge: Int?
    public var incomeMax: Int?

    public init(categories: Set<Applicant.Category>, maxAge: Int? = nil, incomeMax: Int? = nil) {
        self.categories = categories
        self.maxAge = maxAge
        self.incomeMax = incomeMax
    }

    /// The three programmes the contract assumes when `policy.json` names none.
    public static let defaults: [String: Programme] = [
        "talent": Programme(categories: [.youthTalent], maxAge: 35),
        "frontline": Programme(categories: [.frontlineWorker], incomeMax: 12000),
        "general": Programme(categories: [.youthTalent, .frontlineWorker, .general]),
    ]
}
