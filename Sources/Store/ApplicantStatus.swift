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
        public var commuteMin: Int?
        public var rent: Int?
        /// The engine's reason (English), empty for offers.
        public var reason: String
        public var offerID: Int64?
        /// What became of the offer: `offered`, `accepted`, `declined`, `expired`, `withdrawn`.
        public var offerStatus: String?
    }

    public var applicantID: String
    public var category: String
    public var standing: ApplicantStanding
    public var refusals: Int
    public var liveOffer: LiveOffer?
    public var tenancy: Tenancy?
    /// Every round that considered the applicant, newest first.
    public var history: [RoundOutcome]

    /// The newest round's outcome, if any round considered the applicant.
    public var latest: RoundOutcome? { history.first }
}

extension Store {
    /// Applicant `id`'s status and round history (three reads, no locks).
    /// `StoreError.notFound` when this city has no such applicant.
    public func applicantStatus(_ id: String) throws -> ApplicantStatus {
        guard
            let row = try connection.query(
                "SELECT category, status, refusals FROM applicants WHERE city = $1 AND applicant_id = $2", [city, id]
            ).first
        else { throw StoreError.notFound("no applicant \(id) in city \(city)") }
        var status = ApplicantStatus(
            applicantID: id, category: try row.decode(String.self, "category"),
            standing: try ApplicantStanding.decode(row, "status"), refusals: try row.decode(Int.self, "refusals"),
            liveOffer: nil, tenancy: nil, history: [])

        let places = try connection.query(
            """
            SELECT 'offer' AS kind, o.offer_id AS id, o.round_id, \(Self.utc("o.deadline")) AS at,
                   s.slot_id, s.project_id, p.name, p.district, s.rent, r.commute_min
            FROM offers o
            JOIN slots s ON s.city = o.city AND s.slot_id = o.slot_id
            JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
            LEFT JOIN round_results r ON r.city = o.city AND r.round_id = o.round_id AND r.applicant_id = o.applicant_id
            WHERE o.city = $1 AND o.applicant_id = $2 AND o.status = 'offered'
            UNION ALL
            SELECT 'tenancy', t.tenancy_id, o.round_id, \(Self.utc("t.started_at")),
                   s.slot_id, s.project_id, p.name, p.district, s.rent, r.commute_min
            FROM tenancies t
            JOIN offers o ON o.offer_id = t.offer_id
            JOIN slots s ON s.city = t.city AND s.slot_id = t.slot_id
            JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
            LEFT JOIN round_results r ON r.city = o.city AND r.round_id = o.round_id AND r.applicant_id = o.applicant_id
            WHERE t.city = $1 AND t.applicant_id = $2 AND t.status = 'active'
            """,
            [city, id])
        for row in places {
            let place = ApplicantStatus.Place(
                slotID: try row.decode(String.self, "slot_id"), projectID: try row.decode(String.self, "project_id"),
                projectName: try row.decode(String.self, "name"), district: try row.decode(String.self, "district"),
                rent: try row.decode(Int.self, "rent"), commuteMin: try row.decode(Int?.self, "commute_min"))
            let rowID = Int64(try row.decode(Int.self, "id"))
            let at = try row.decode(String.self, "at")
            if try row.decode(String.self, "kind") == "offer" {
                status.liveOffer = .init(offerID: rowID, roundID: try row.decode(String.self, "round_id"), place: place, deadline: at)
            } else {
                status.tenancy = .init(tenancyID: rowID, place: place, startedAt: at)
            }
        }

        status.history = try connection.query(
            """
            SELECT r.round_id, \(Self.utc("rd.run_at")) AS run_at, r.outcome, r.slot_id, r.project_id,
                   r.commute_min, r.rent, r.reason, o.offer_id, o.status AS offer_status
            FROM round_results r
            JOIN rounds rd ON rd.city = r.city AND rd.round_id = r.round_id
            LEFT JOIN offers o ON o.city = r.city AND o.round_id = r.round_id AND o.applicant_id = r.applicant_id
            WHERE r.city = $1 AND r.applicant_id = $2
            ORDER BY rd.run_at DESC NULLS LAST, r.round_id DESC
            """,
            [city, id]
        ).map { row in
            ApplicantStatus.RoundOutcome(
                roundID: try row.decode(String.self, "round_id"), runAt: try row.decode(String?.self, "run_at"),
                outcome: try row.decode(String.self, "outcome"), slotID: try row.decode(String?.self, "slot_id"),
                projectID: try row.decode(String?.self, "project_id"), commuteMin: try row.decode(Int?.self, "commute_min"),
                rent: try row.decode(Int?.self, "rent"), reason: try row.decode(String.self, "reason"),
                offerID: try row.decode(Int?.self, "offer_id").map(Int64.init),
                offerStatus: try row.decode(String?.self, "offer_status"))
        }
        return status
    }
}
