/// What one applicant got in a round, and why.
public struct ApplicantResult: Sendable, Hashable {
    public enum Outcome: String, Sendable, CaseIterable { case offered, unmatched, ineligible }

    public var applicantID: String
    public var outcome: Outcome
    public var slotID: String?
    public var projectID: String?
    public var commuteMin: Int?
    public var rent: Int?
    /// Readable to the applicant; empty for offers. The published (English) text, as
    /// results.csv has it: `explanation.english` when the engine made this row.
    public var reason: String
    /// What `reason` says, as data (nil for offers, and for rows read back from before
    /// reasons were stored as data), so it can be rendered in the applicant's language.
    /// Not part of equality: two rows are the same result when results.csv shows them the
    /// same (a row read back without its explanation equals the engine's).
    public var explanation: OutcomeReason?

    public init(
        applicantID: String, outcome: Outcome, slotID: String? = nil, projectID: String? = nil,
        commuteMin: Int? = nil, rent: Int? = nil, reason: String = "", explanation: OutcomeReason? = nil
    ) {
        self.applicantID = applicantID
        self.outcome = outcome
        self.slotID = slotID
        self.projectID = projectID
        self.commuteMin = commuteMin
        self.rent = rent
        self.reason = reason
        self.explanation = explanation
    }

    /// A row the engine explained: `reason` is the explanation's English text.
    public init(applicantID: String, outcome: Outcome, explanation: OutcomeReason) {
        self.init(applicantID: applicantID, outcome: outcome, reason: explanation.english, explanation: explanation)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.applicantID == b.applicantID && a.outcome == b.outcome && a.slotID == b.slotID && a.projectID == b.projectID
            && a.commuteMin == b.commuteMin && a.rent == b.rent && a.reason == b.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(applicantID)
        hasher.combine(outcome)
        hasher.combine(slotID)
        hasher.combine(projectID)
        hasher.combine(commuteMin)
        hasher.combine(rent)
        hasher.combine(reason)
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

    public var offered: Int { count(.offered) }
    public var unmatched: Int { count(.unmatched) }
    public var ineligible: Int { count(.ineligible) }

    /// Reads each row's field in place (a closure over `rows` copied every row: its strings
    /// and reason retained and released, 200,000 times per count).
    private func count(_ outcome: ApplicantResult.Outcome) -> Int {
        var n = 0
        for i in rows.indices where rows[i].outcome == outcome { n += 1 }
        return n
    }
    /// The total over offered rows, saturating at `Int.max`: each commute fits 64 bits but
    /// their sum need not (a policy may allow commutes of 2^62 minutes). Outputs use
    /// `exactTotalCommuteMin`.
    public var totalCommuteMin: Int {
        let total = exactTotalCommuteMin
        return total > Int128(Int.max) ? Int.max : Int(total)
    }

    /// The total over offered rows, exactly: 2^64 rows of 2^63 minutes still fit 128 bits.
    public var exactTotalCommuteMin: Int128 {
        var total = Int128(0)
        for i in rows.indices where rows[i].outcome == .offered { total += Int128(rows[i].commuteMin ?? 0) }
        return total
    }
}
