import Allocation
import Foundation
import Postgres

/// Where one applicant stands, as they (or the bureau) may see it: their standing in the
/// pool, their live offer or tenancy, and what every round decided for them.
public struct ApplicantStatus: Sendable, Equatable {
    /// A place offered or let, with what the applicant needs to decide.
    public struct Place: Sendable, Equatable {
        public var slotID: String
        public var projectID: String
        public var projectName: String
        public var district: String
        /// Monthly rent in yuan.
        public var rent: Int
        /// Commute from the applicant's work, in minutes, as the round computed it.
        public var commuteMin: Int?
    }

    /// The applicant's live offer.
    public struct LiveOffer: Sendable, Equatable {
        public var offerID: Int64
        public var roundID: String
        public var place: Place
        /// RFC 3339 UTC; the offer can be accepted until then.
        public var deadline: String
    }

    /// The applicant's active tenancy.
    public struct Tenancy: Sendable, Equatable {
        public var tenancyID: Int64
        public var place: Place
        /// RFC 3339 UTC.
        public var startedAt: String
    }

    /// One `round_results` row of the applicant, with the offer it made (if any).
    public struct RoundOutcome: Sendable, Equatable {
        public var roundID: String
        /// RFC 3339 UTC, when the round ran.
        public var runAt: String?
        /// `offered`, `unmatched` or `ineligible`.
        public var outcome: String
        public var slotID: String?
        public var projectID: String?
        /// The project's name and district (nil without a project, or for a project the
        /// city no longer lists).
        public var projectName: String?
        public var district: String?
        public var commuteMin: Int?
        public var rent: Int?
        /// The engine's reason (English, as published), empty for offers.
        public var reason: String
        /// The same reason as data, to render in the reader's language; nil for offers and
        /// for rounds run before reasons were stored as data (then only `reason` exists).
        public var reasonData: OutcomeReason?
        public var offerID: Int64?
        /// What became of the offer: `offered`, `accepted`, `declined`, `expired`, `withdrawn`.
        public var offerStatus: String?
    }

    public var applicantID: String
    /// The city's IANA time zone (`cities.time_zone`): the zone every time shown to the
    /// applicant is given in.
    public var timeZone: String
    public var category: String
    public var standing: ApplicantStanding
    public var refusals: Int
    public var liveOffer: LiveOffer?
    public var tenancy: Tenancy?
    /// Every round that considered the applicant, newest first.
    public var history: [RoundOutcome]
    /// Why the bureau rejected the application (only when `standing` is `rejected`).
    public var review: ReviewOutcome? = nil
    /// False when the status lookup saw that the applicant has filed no objection, so
    /// their objections need not be read (true when not known).
    public var mayHaveObjections = true

    /// The newest round's outcome, if any round considered the applicant.
    public var latest: RoundOutcome? { history.first }
}

extension Store {
    /// Applicant `id`'s status and round history. `StoreError.notFound` when this city has
    /// no such applicant.
    public func applicantStatus(_ id: String) throws -> ApplicantStatus {
        guard let status = try applicantStatus(id, tokenHash: nil) else {
            throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
        }
        return status
    }

    /// Applicant `id`'s status and round history, read in one statement (one round trip,
    /// prepared once per connection, no locks).
    ///
    /// With `tokenHash` (the SHA-256 of the token the caller presented, see
    /// `Credential.hash`) the status is only returned when it is the hash stored for the
    /// applicant: nil means unknown applicant, no token issued, or the wrong token — the
    /// three cost the same and cannot be told apart. Comparing digests in SQL leaks nothing
    /// about the stored token: a caller cannot steer a SHA-256 digest byte by byte.
    public func applicantStatus(_ id: String, tokenHash: String?) throws -> ApplicantStatus? {
        let rows = try connection.preparedQuery(Self.applicantStatusStatement, [city, id, tokenHash])
        guard let me = rows.first, try me.decode(Int.self, "part") == 0 else { return nil }
        var status = ApplicantStatus(
            applicantID: id, timeZone: try me.decode(String.self, "time_zone"), category: try me.decode(String.self, "category"),
            standing: try ApplicantStanding.decode(me, "status"), refusals: try me.decode(Int.self, "refusals"),
            liveOffer: nil, tenancy: nil, history: [])
        status.mayHaveObjections = try me.decode(Bool.self, "has_objections")
        for row in rows.dropFirst() {
            switch try row.decode(Int.self, "part") {
            case 1, 2:
                let place = ApplicantStatus.Place(
                    slotID: try row.decode(String.self, "slot_id"), projectID: try row.decode(String.self, "project_id"),
                    projectName: try row.decode(String.self, "name"), district: try row.decode(String.self, "district"),
                    rent: try row.decode(Int.self, "rent"), commuteMin: try row.decode(Int?.self, "commute_min"))
                let rowID = Int64(try row.decode(Int.self, "id"))
                let at = try row.decode(String.self, "at")
                if try row.decode(Int.self, "part") == 1 {
                    status.liveOffer = .init(
                        offerID: rowID, roundID: try row.decode(String.self, "round_id"), place: place, deadline: at)
                } else {
                    status.tenancy = .init(tenancyID: rowID, place: place, startedAt: at)
                }
            default:
                status.history.append(
                    ApplicantStatus.RoundOutcome(
                        roundID: try row.decode(String.self, "round_id"), runAt: try row.decode(String?.self, "at"),
                        outcome: try row.decode(String.self, "outcome"), slotID: try row.decode(String?.self, "slot_id"),
                        projectID: try row.decode(String?.self, "project_id"),
                        projectName: try row.decode(String?.self, "name"), district: try row.decode(String?.self, "district"),
                        commuteMin: try row.decode(Int?.self, "commute_min"), rent: try row.decode(Int?.self, "rent"),
                        reason: try row.decode(String.self, "reason"),
                        reasonData: try row.decode(String?.self, "reason_data").flatMap(Self.decodeReason),
                        offerID: try row.decode(Int?.self, "offer_id").map(Int64.init),
                        offerStatus: try row.decode(String?.self, "offer_status")))
            }
        }
        // Read apart, and only for the few rejected applicants: the hot lookup stays as it is.
        if status.standing == .rejected { status.review = try reviewOutcome(id) }
        return status
    }

    /// A stored reason's data; nil (so the English text is shown) if it does not decode.
    static func decodeReason(_ json: String) -> OutcomeReason? {
        try? JSONDecoder().decode(OutcomeReason.self, from: Data(json.utf8))
    }

    /// The status lookup: `$1` city, `$2` applicant, `$3` token hash or NULL. Rows in
    /// `part` order: 0 the applicant (none when unknown or the hash differs), 1 the live
    /// offer, 2 the active tenancy, 3 every round result, newest first; part 0 also says
    /// whether the applicant has filed any objection (one probe of `objections_by_applicant`,
    /// so that the objections are read apart only for those who have). The later parts
    /// only run when part 0 found the applicant. Public for `anju bench api`, whose pgbench
    /// ceiling runs exactly this text.
    public static let applicantStatusStatement = """
        WITH me AS (
            SELECT a.category, a.status, a.refusals, c.time_zone,
                   EXISTS (SELECT 1 FROM objections ob WHERE ob.city = a.city AND ob.applicant_id = a.applicant_id)
                       AS has_objections
            FROM applicants a
            JOIN cities c ON c.city = a.city
            WHERE a.city = $1 AND a.applicant_id = $2
              AND ($3::text IS NULL OR EXISTS (
                  SELECT 1 FROM applicant_tokens t
                  WHERE t.city = a.city AND t.applicant_id = a.applicant_id AND t.token_hash = $3::text))
        )
        SELECT * FROM (
            SELECT 0 AS part, me.category, me.status, me.refusals, me.time_zone, NULL::bigint AS id,
                   NULL::text AS round_id, NULL::text AS at, NULL::timestamptz AS sort_at, NULL::text AS slot_id,
                   NULL::text AS project_id, NULL::text AS name, NULL::text AS district, NULL::integer AS rent,
                   NULL::integer AS commute_min, NULL::text AS outcome, NULL::text AS reason, NULL::text AS reason_data,
                   NULL::bigint AS offer_id, NULL::text AS offer_status, me.has_objections
            FROM me
            UNION ALL
            SELECT 1, NULL, NULL, NULL, NULL, o.offer_id, o.round_id, \(utc("o.deadline")), NULL,
                   s.slot_id, s.project_id, p.name, p.district, s.rent, r.commute_min, NULL, NULL, NULL, NULL, NULL, NULL
            FROM offers o
            JOIN slots s ON s.city = o.city AND s.slot_id = o.slot_id
            JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
            LEFT JOIN round_results r ON r.city = o.city AND r.round_id = o.round_id AND r.applicant_id = o.applicant_id
            WHERE o.city = $1 AND o.applicant_id = $2 AND o.status = 'offered' AND EXISTS (SELECT 1 FROM me)
            UNION ALL
            SELECT 2, NULL, NULL, NULL, NULL, t.tenancy_id, o.round_id, \(utc("t.started_at")), NULL,
                   s.slot_id, s.project_id, p.name, p.district, s.rent, r.commute_min, NULL, NULL, NULL, NULL, NULL, NULL
            FROM tenancies t
            JOIN offers o ON o.offer_id = t.offer_id
            JOIN slots s ON s.city = t.city AND s.slot_id = t.slot_id
            JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
            LEFT JOIN round_results r ON r.city = o.city AND r.round_id = o.round_id AND r.applicant_id = o.applicant_id
            WHERE t.city = $1 AND t.applicant_id = $2 AND t.status = 'active' AND EXISTS (SELECT 1 FROM me)
            UNION ALL
            SELECT 3, NULL, NULL, NULL, NULL, NULL, r.round_id, \(utc("rd.run_at")), rd.run_at,
                   r.slot_id, r.project_id, p.name, p.district, r.rent, r.commute_min, r.outcome, r.reason,
                   r.reason_data::text, o.offer_id, o.status, NULL
            FROM round_results r
            JOIN rounds rd ON rd.city = r.city AND rd.round_id = r.round_id
            LEFT JOIN projects p ON p.city = r.city AND p.project_id = r.project_id
            LEFT JOIN offers o ON o.city = r.city AND o.round_id = r.round_id AND o.applicant_id = r.applicant_id
            WHERE r.city = $1 AND r.applicant_id = $2 AND EXISTS (SELECT 1 FROM me)
        ) parts
        ORDER BY part, sort_at DESC NULLS LAST, round_id DESC
        """
}
