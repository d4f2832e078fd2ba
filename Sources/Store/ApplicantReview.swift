/// The bureau's decision on a rejected application, as the applicant reads it.
public struct ReviewOutcome: Sendable, Equatable {
    /// One of `ReviewDecision.reasons` (`ineligible`, `unverified`, …).
    public var reason: String
    /// The bureau's free-text note to the applicant, if it wrote one.
    public var note: String?
}

extension Store {
    /// Applicant `id`'s review reason and note; nil when the application was not rejected.
    /// Kept out of `applicantStatusStatement` so the hot status lookup (and the pgbench
    /// ceiling that runs its text) is unchanged for everyone who was not rejected.
    func reviewOutcome(_ id: String) throws -> ReviewOutcome? {
        let rows = try connection.query(
            "SELECT review_reason, review_note FROM applicants WHERE city = $1 AND applicant_id = $2 AND review_reason IS NOT NULL",
            [city, id])
        guard let row = rows.first, let reason = row[0] else { return nil }
        return ReviewOutcome(reason: reason, note: row[1])
    }
}
