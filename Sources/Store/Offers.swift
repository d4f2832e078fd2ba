import Foundation
import Postgres

/// One offer of a slot to an applicant, made by a round, as stored in `offers`.
public struct Offer: Sendable, Equatable {
    /// Where an offer is in its life: live (`offered`) until it is answered one way or another.
    public enum Status: String, Sendable, CaseIterable {
        /// Live: waiting for the applicant's answer until the deadline.
        case offered
        /// Taken: the applicant lives in the slot (a tenancy was created).
        case accepted
        /// Refused by the applicant: one refusal.
        case declined
        /// Not answered by the deadline ("declined by silence"): one refusal.
        case expired
        /// Taken back by the bureau (the slot left the pool): not a refusal.
        case withdrawn
    }

    /// The offer's number, unique across cities.
    public var id: Int64
    public var roundID: String
    public var applicantID: String
    public var slotID: String
    public var status: Status
    public var offeredAt: Date
    /// The last moment the offer can be accepted (database clock).
    public var deadline: Date
    /// When it was answered (accepted, declined, expired or withdrawn); nil while live.
    public var answeredAt: Date?
    /// The actor who answered it (`applicant:A-1`, `system:expiry`, …).
    public var answeredBy: String?
    /// The reason given with the answer, if any.
    public var answerReason: String?
}

extension Store {
    /// The columns `Offer.init(row:)` reads, for `SELECT … FROM offers o`.
    static let offerColumns = """
        o.offer_id, o.round_id, o.applicant_id, o.slot_id, o.status, o.answered_by, o.answer_reason,
        extract(epoch FROM o.offered_at)::float8 AS offered_at, extract(epoch FROM o.deadline)::float8 AS deadline,
        extract(epoch FROM o.answered_at)::float8 AS answered_at
        """

    /// Offer `id` of this city; `StoreError.notFound` when there is none (or it belongs to
    /// another city).
    public func offer(_ id: Int64) throws -> Offer {
        guard
            let row = try connection.preparedQuery(
                "SELECT \(Self.offerColumns) FROM offers o WHERE o.city = $1 AND o.offer_id = $2", [city, String(id)]
            ).first
        else { throw StoreError(.offerNotFound, subject: .offer(id), Self.noOffer(id, city: city)) }
        return try Offer(row: row)
    }

    /// This city's offers, optionally only those of one round and/or in one status, by id.
    public func offers(round roundID: String? = nil, status: Offer.Status? = nil) throws -> [Offer] {
        try connection.query(
            """
            SELECT \(Self.offerColumns) FROM offers o
            WHERE o.city = $1 AND ($2::text IS NULL OR o.round_id = $2) AND ($3::text IS NULL OR o.status = $3)
            ORDER BY o.offer_id
            """,
            [city, roundID, status?.rawValue]
        ).map(Offer.init(row:))
    }

    static func noOffer(_ id: Int64, city: String) -> String { "no offer \(id) in city \(city)" }
}

extension Offer {
    /// Reads the columns of `Store.offerColumns`.
    init(row: PostgresRow) throws {
        let statusText = try row.decode(String.self, "status")
        guard let status = Status(rawValue: statusText) else {
            throw PostgresError(message: "offer status \"\(statusText)\" is unknown", operation: "decode")
        }
        self.init(
            id: Int64(try row.decode(Int.self, "offer_id")),
            roundID: try row.decode(String.self, "round_id"),
            applicantID: try row.decode(String.self, "applicant_id"),
            slotID: try row.decode(String.self, "slot_id"),
            status: status,
            offeredAt: Date(timeIntervalSince1970: try row.decode(Double.self, "offered_at")),
            deadline: Date(timeIntervalSince1970: try row.decode(Double.self, "deadline")),
            answeredAt: try row.decode(Double?.self, "answered_at").map(Date.init(timeIntervalSince1970:)),
            answeredBy: try row.decode(String?.self, "answered_by"),
            answerReason: try row.decode(String?.self, "answer_reason"))
    }
}
