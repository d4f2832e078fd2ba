import Postgres

/// One refusal of an offer (a decline, or an offer left to expire), and whether it counts
/// towards suspension now: it stops counting when the bureau excuses it, when it is
/// forgiven on the applicant's reinstatement, or when it is older than its round's
/// `offers.refusals_lapse_days` (on PostgreSQL's clock).
public struct RefusalRecord: Sendable, Equatable {
    /// Why a refusal does or does not count now.
    public enum Standing: String, Sendable, Equatable {
        /// Counts towards suspension.
        case counts
        /// The bureau found it a reasonable refusal.
        case excused
        /// Forgiven when the applicant was reinstated on appeal.
        case forgiven
        /// Older than the round's lapse period.
        case lapsed
    }

    public var offerID: Int64
    public var roundID: String
    /// `declined` or `expired`.
    public var kind: String
    /// UTC, RFC 3339.
    public var refusedAt: String
    /// When it stops (or stopped) counting by age, UTC; nil when it never lapses.
    public var lapsesAt: String?
    public var standing: Standing
    /// The bureau's reason, for an excused refusal.
    public var excuseReason: String?
    /// The appeal whose reinstatement forgave it.
    public var forgivenBy: Int64?
}

extension Store {
    /// The SQL condition (over `refusals r`) for a refusal that counts at `now()`.
    static let refusalCounts =
        "r.excused_at IS NULL AND r.forgiven_by IS NULL AND (r.lapse_days IS NULL OR r.refused_at > now() - make_interval(days => r.lapse_days))"

    /// Refusals of applicant `id` that count now.
    func countingRefusals(_ id: String) throws -> Int {
        try connection.query(
            "SELECT count(*)::int AS n FROM refusals r WHERE r.city = $1 AND r.applicant_id = $2 AND \(Self.refusalCounts)",
            [city, id])[0].decode(Int.self, "n")
    }

    /// Records the refusal of `offer` (declined or expired now) under `policy`, in the
    /// caller's transaction; the caller recounts.
    func recordRefusal(_ offer: LockedOffer, as outcome: Offer.Status, policy: OfferPolicy) throws {
        try connection.query(
            """
            INSERT INTO refusals (city, offer_id, applicant_id, round_id, kind, lapse_days)
            VALUES ($1, $2, $3, $4, $5, $6::int)
            """,
            [city, String(offer.id), offer.applicantID, offer.roundID, outcome.rawValue, policy.refusalsLapseDays.map(String.init)])
    }

    /// Writes the applicant's refusal counter from the rows (the refusals that count now)
    /// and returns it. The applicant row must be locked by the caller.
    @discardableResult
    func recountRefusals(_ id: String) throws -> Int {
        let count = try countingRefusals(id)
        try connection.query(
            "UPDATE applicants SET refusals = $3, updated_at = now() WHERE city = $1 AND applicant_id = $2",
            [city, id, String(count)])
        return count
    }

    /// The offer policy that governs applicant `id`'s suspension: that of the round of their
    /// latest refusal (the one that suspended them), else the defaults.
    func suspendingPolicy(_ id: String) throws -> OfferPolicy {
        let latest = try connection.query(
            "SELECT round_id FROM refusals WHERE city = $1 AND applicant_id = $2 ORDER BY refused_at DESC, offer_id DESC LIMIT 1",
            [city, id]
        ).first?[0]
        return try latest.map { try offerPolicy(round: $0) } ?? .default
    }

    /// Every refusal of applicant `id`, newest first, each with whether it counts now.
    public func refusalRecords(_ id: String) throws -> [RefusalRecord] {
        let rows = try connection.query(
            """
            SELECT r.offer_id, r.round_id, r.kind, \(Self.utc("r.refused_at")) AS refused_at,
                   \(Self.utc("(r.refused_at + make_interval(days => r.lapse_days))")) AS lapses_at,
                   CASE WHEN r.excused_at IS NOT NULL THEN 'excused' WHEN r.forgiven_by IS NOT NULL THEN 'forgiven'
                        WHEN \(Self.refusalCounts) THEN 'counts' ELSE 'lapsed' END AS standing,
                   r.excuse_reason, r.forgiven_by
            FROM refusals r WHERE r.city = $1 AND r.applicant_id = $2
            ORDER BY r.refused_at DESC, r.offer_id DESC
            """,
            [city, id])
        return try rows.map { row in
            RefusalRecord(
                offerID: Int64(try row.decode(Int.self, "offer_id")), roundID: try row.decode(String.self, "round_id"),
                kind: try row.decode(String.self, "kind"), refusedAt: try row.decode(String.self, "refused_at"),
                lapsesAt: try row.decode(String?.self, "lapses_at"),
                standing: RefusalRecord.Standing(rawValue: try row.decode(String.self, "standing")) ?? .counts,
                excuseReason: try row.decode(String?.self, "excuse_reason"),
                forgivenBy: try row.decode(Int?.self, "forgiven_by").map(Int64.init))
        }
    }
}
