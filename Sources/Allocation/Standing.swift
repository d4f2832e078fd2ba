/// Where an applicant who was not offered a place stood in a round, in the engine's own
/// figures: their place in the priority order, how far the nearest projects open to them
/// got down it, and what a longer commute or a higher rent limit would have opened.
///
/// Computed from the round's exact input and its stored results (`StandingBook`), never
/// estimated; it promises nothing about a later round, whose pool and places differ.
public struct Standing: Sendable, Equatable {
    /// One project open to the applicant, with the competition there.
    public struct ProjectLine: Sendable, Equatable {
        public var projectID: String
        public var name: String
        public var district: String
        /// Commute from the applicant's work, in minutes.
        public var minutes: Int
        /// Available places there whose every rule the applicant met.
        public var places: Int
        /// How many of those places went to someone in the round.
        public var offered: Int
        /// Everyone eligible for some place there, the applicant included.
        public var eligible: Int
        /// The applicant's position in this project's priority order (1 first): the global
        /// position for serial; local workers first, then the global order, for deferred
        /// acceptance. Nil for optimal, which has no queue.
        public var position: Int?
        /// The position, in the same order, of the lowest-placed applicant offered one of
        /// those places (the cutoff); nil when none was offered or for optimal.
        public var cutoff: Int?
        /// Eligible applicants there ranked ahead of the applicant; nil for optimal.
        public var ahead: Int?
    }

    /// What one relaxed limit would have opened.
    public struct WhatIf: Sendable, Equatable {
        /// The relaxation: minutes added to the commute limit, or yuan to the rent limit.
        public var extra: Int
        /// Projects that would have been open to the applicant that were not.
        public var projects: Int
        /// Of those, projects with a place open to the applicant that went to someone
        /// ranked below them there, or went to nobody: there they would likely have been
        /// offered. For optimal, only places that went to nobody count.
        public var likely: Int
    }

    public var mechanism: Mechanism
    /// The applicant's outcome in the round.
    public var outcome: ApplicantResult.Outcome
    /// Position in the round's global priority order (points, then lottery), 1 first: the
    /// position the reasons quote.
    public var position: Int
    public var applicants: Int
    public var points: Int
    /// The commute limit that applied, in minutes, and the rent limit (nil: none).
    public var commuteLimit: Int
    public var rentLimit: Int?
    /// Projects open to the applicant in all; `nearest` lists up to three of them, nearest
    /// first (ties by project id).
    public var openProjects: Int
    public var nearest: [ProjectLine]
    /// A longer commute limit (+15, +30 minutes).
    public var longerCommute: [WhatIf]
    /// A higher rent limit (+200, +500 yuan); empty without a rent limit.
    public var higherRent: [WhatIf]

    /// The relaxations `StandingBook` reports.
    public static let commuteSteps = [15, 30]
    public static let rentSteps = [200, 500]
    /// How many open projects `nearest` lists.
    public static let nearestCount = 3
}
