import Allocation
import Store

/// `standing` of `GET /v1/applicants/{id}`: where a waiting, unmatched or ineligible
/// applicant stood in the latest round that considered them (`Standing`), as figures and
/// as sentences in the language asked for; or, before any round, that there is none yet.
struct StandingBody: Codable, Equatable {
    struct ProjectLine: Codable, Equatable {
        var projectId: String
        var projectName: String
        var district: String
        var commuteMin: Int
        var places: Int
        var offered: Int
        var eligible: Int
        var position: Int?
        var cutoff: Int?
        var ahead: Int?
        var text: String
    }

    struct WhatIf: Codable, Equatable {
        var extraMin: Int?
        var extraYuan: Int?
        var projects: Int
        var likely: Int
        var text: String
    }

    /// False before the applicant's first round: then only `summary` says so.
    var available: Bool
    var roundId: String?
    var mechanism: String?
    var outcome: String?
    /// What `position` orders: `global` (serial), `project` (deferred acceptance: each
    /// project's own order, in `nearest`), `none` (optimal has no queue).
    var order: String?
    var position: Int?
    var applicants: Int?
    var points: Int?
    var commuteLimitMin: Int?
    var rentLimit: Int?
    var openProjects: Int?
    var nearest: [ProjectLine]?
    var longerCommute: [WhatIf]?
    var higherRent: [WhatIf]?
    var summary: String
    var caveat: String?

    /// Nothing to show yet.
    init(notInRound language: Language) {
        available = false
        summary = StandingText(language: language).notInRound
    }

    init(_ s: Standing, round: String, language: Language) {
        let text = StandingText(language: language)
        available = true
        roundId = round
        mechanism = s.mechanism.rawValue
        outcome = s.outcome.rawValue
        order = s.mechanism == .serial ? "global" : s.mechanism == .deferredAcceptance ? "project" : "none"
        position = s.position
        applicants = s.applicants
        points = s.points
        commuteLimitMin = s.commuteLimit
        rentLimit = s.rentLimit
        openProjects = s.openProjects
        nearest = s.nearest.map {
            ProjectLine(
                projectId: $0.projectID, projectName: $0.name, district: $0.district, commuteMin: $0.minutes,
                places: $0.places, offered: $0.offered, eligible: $0.eligible, position: $0.position, cutoff: $0.cutoff,
                ahead: $0.ahead, text: text.line($0))
        }
        longerCommute = s.longerCommute.map {
            WhatIf(extraMin: $0.extra, projects: $0.projects, likely: $0.likely, text: text.longerCommute($0, s))
        }
        higherRent = s.higherRent.map {
            WhatIf(extraYuan: $0.extra, projects: $0.projects, likely: $0.likely, text: text.higherRent($0, s))
        }
        summary = text.position(s, round: round) + " " + text.open(s)
        caveat = text.caveat(round: round)
    }

    /// The standing a status shows: for a waiting, unmatched or ineligible applicant (and
    /// one whose application is being reviewed, who has none yet), from the newest round
    /// that considered them; nil for any other state, or when the round's book cannot be
    /// built (the rest of the status is still answered).
    static func load(
        for status: ApplicantStatus, language: Language, cache: StandingCache, pool: ConnectionPool<DatabaseSession>
    ) async -> StandingBody? {
        switch ApplicantStatusBody.state(of: status) {
        case "waiting", "unmatched", "ineligible", "pending_review": break
        default: return nil
        }
        guard let round = status.latest?.roundID else { return StandingBody(notInRound: language) }
        guard let standing = try? await cache.standing(of: status.applicantID, round: round, pool: pool) else { return nil }
        return StandingBody(standing, round: round, language: language)
    }
}
