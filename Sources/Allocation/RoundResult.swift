/// What one applicant got in a round, and why.
public struct ApplicantResult: Sendable, Hashable {
    public enum Outcome: String, Sendable, CaseIterable { case offered, unmatched, ineligible }

    public var applicantID: String
    public var outcome: Outcome
    public var slotID: String?
    public var projectID: String?
    public var commuteMin: Int?
    public var rent: Int?
    /// Readable to the applicant; empty for offers.
    public var reason: String

    public init(
        applicantID: String, outcome: Outcome, slotID: String? = nil, projectID: String? = nil,
        commuteMin: Int? = nil, rent: Int? = nil, reason: String = ""
    ) {
        self.applicantID = applicantID
        self.outcome = outcome
        self.slotID = slotID
        self.projectID = projectID
        self.commuteMin = commuteMin
        self.rent = rent
        self.reason = reason
    }
}

/// The outcome of a round: one row per applicant, ordered by applicant id byte-wise.
public struct RoundResult: Sendable, Hashable {
    public var mechanism: Mechanism
    public var seed: String
    public var rows: [ApplicantResult]
    public var slotsAvailable: Int

    public init(mechanism: Mechanism, seed: String, rows: [ApplicantResult], slotsAvailable: Int) {
        self.mechanism = mechanism
        self.seed = seed
        self.rows = rows
        self.slotsAvailable = slotsAvailable
    }

    public var offered: Int { rows.lazy.filter { $0.outcome == .offered }.count }
    public var unmatched: Int { rows.lazy.filter { $0.outcome == .unmatched }.count }
    public var ineligible: Int { rows.lazy.filter { $0.outcome == .ineligible }.count }
    /// The total over offered rows, saturating at `Int.max`: each commute fits 64 bits but
    /// their sum need not (a policy may allow commutes of 2^62 minutes). Outputs use
    /// `exactTotalCommuteMin`.
    public var totalCommuteMin: Int {
        let total = exactTotalCommuteMin
        return total > Int128(Int.max) ? Int.max : Int(total)
    }

    /// The total over offered rows, exactly: 2^64 rows of 2^63 minutes still fit 128 bits.
    public var exactTotalCommuteMin: Int128 {
        rows.reduce(Int128(0)) { $0 + Int128($1.outcome == .offered ? $1.commuteMin ?? 0 : 0) }
    }
}
