import Foundation
import Postgres

/// What an applicant is told, as a row of the `outbox` table (sql/009). Written by the
/// transaction of the change itself, so a committed change always has its message and a
/// rolled-back one never does; delivered later by a `NotificationSender`.
public enum NotificationKind: String, Sendable, CaseIterable {
    case applicationReceived = "application_received"
    case applicationApproved = "application_approved"
    case applicationRejected = "application_rejected"
    case offerMade = "offer_made"
    case offerReminder = "offer_reminder"
    case offerExpired = "offer_expired"
    case suspended
    /// An appeal against suspension answered: upheld (with its reason) or reinstated.
    case appealAnswered = "appeal_answered"
    /// Back in the pool, by an appeal or because an excused refusal brought them under the limit.
    case reinstated

    /// The short word in the idempotency key: `anju-<city>-<word>-<entity id>`.
    var keyWord: String {
        switch self {
        case .applicationReceived: "received"
        case .applicationApproved: "approved"
        case .applicationRejected: "rejected"
        case .offerMade: "offer"
        case .offerReminder: "reminder"
        case .offerExpired: "expired"
        case .suspended: "suspended"
        case .appealAnswered: "appeal"
        case .reinstated: "reinstated"
        }
    }
}

extension Store {
    /// The idempotency key of one event: stable, so every attempt (and a second writer of
    /// the same event) carries the same key.
    public func notificationKey(_ kind: NotificationKind, entity: String) -> String {
        "anju-\(city)-\(kind.keyWord)-\(entity)"
    }

    /// The channels of a contact, as SQL over `applicant_contacts c`: email for an address,
    /// the webhook (the SMS gateway) for a phone. No contact, no rows.
    static let contactChannels = """
        CROSS JOIN LATERAL (SELECT v.channel FROM (VALUES ('email', c.email), ('webhook', c.phone)) AS v (channel, address)
            WHERE v.address IS NOT NULL) AS ch
        """

    /// Queues `kind` for applicant `id` in the caller's transaction: one row per channel the
    /// applicant's contact has, none without a contact; a second queueing of the same event
    /// (same key) changes nothing.
    func enqueueNotification(
        _ kind: NotificationKind, applicant id: String, entity: String, roundID: String? = nil,
        payload: [String: AuditValue] = [:]
    ) throws {
        try connection.query(
            """
            INSERT INTO outbox (city, applicant_id, channel, kind, round_id, idempotency_key, payload)
            SELECT c.city, c.applicant_id, ch.channel, $3, $4, $5, $6::jsonb
            FROM applicant_contacts c \(Self.contactChannels)
            WHERE c.city = $1 AND c.applicant_id = $2
            ORDER BY ch.channel
            ON CONFLICT (city, channel, idempotency_key) DO NOTHING
            """,
            [city, id, kind.rawValue, roundID, notificationKey(kind, entity: entity), AuditValue.object(payload).json])
    }

    /// Queues an offer's message (made, reminder, expired) with what the text needs: the
    /// offer, round, place and its project's name, and the deadline (UTC), read in SQL.
    func enqueueOfferNotification(_ kind: NotificationKind, offer id: Int64) throws {
        try connection.query(
            """
            INSERT INTO outbox (city, applicant_id, channel, kind, round_id, idempotency_key, payload)
            \(Self.offerMessages(kind: "$2", key: "$3"))
            WHERE o.city = $1 AND o.offer_id = $4
            ON CONFLICT (city, channel, idempotency_key) DO NOTHING
            """, [city, kind.rawValue, "anju-\(city)-\(kind.keyWord)-", String(id)])
    }

    /// The SELECT of offer messages over `offers o`, set-based (a round's 43,000 offers in one
    /// statement): `kind` and `key` are parameters (the key's prefix, the offer id appended).
    static func offerMessages(kind: String, key: String) -> String {
        """
        SELECT o.city, o.applicant_id, ch.channel, \(kind), o.round_id, \(key) || o.offer_id,
               jsonb_build_object('offer_id', o.offer_id, 'round_id', o.round_id, 'slot_id', o.slot_id,
                   'project_id', s.project_id, 'project', p.name, 'district', p.district,
                   'deadline', to_char(o.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
        FROM offers o
        JOIN applicant_contacts c ON c.city = o.city AND c.applicant_id = o.applicant_id
        JOIN slots s ON s.city = o.city AND s.slot_id = o.slot_id
        JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
        \(contactChannels)
        """
    }

    /// Queues the offer message of every offer of `roundID` in one INSERT … SELECT: what
    /// `runRound` does in its transaction. Returns the rows written.
    @discardableResult
    func enqueueRoundOffers(_ roundID: String) throws -> Int {
        try connection.query(
            """
            INSERT INTO outbox (city, applicant_id, channel, kind, round_id, idempotency_key, payload)
            \(Self.offerMessages(kind: "'offer_made'", key: "$3"))
            WHERE o.city = $1 AND o.round_id = $2
            ORDER BY o.offer_id, ch.channel
            ON CONFLICT (city, channel, idempotency_key) DO NOTHING
            """, [city, roundID, "anju-\(city)-offer-"]).affectedRows
    }

    /// Queues a reminder for every live offer whose deadline is within `within` seconds
    /// (and not yet passed): exactly once per offer, whoever runs it and how often (the key
    /// is unique). Returns how many reminder rows this call wrote.
    @discardableResult
    public func queueReminders(within seconds: Int) throws -> Int {
        try connection.query(
            """
            INSERT INTO outbox (city, applicant_id, channel, kind, round_id, idempotency_key, payload)
            \(Self.offerMessages(kind: "'offer_reminder'", key: "$2"))
            WHERE o.city = $1 AND o.status = 'offered' AND o.deadline > now()
              AND o.deadline <= now() + make_interval(secs => $3::integer)
            ORDER BY o.offer_id, ch.channel
            ON CONFLICT (city, channel, idempotency_key) DO NOTHING
            """, [city, "anju-\(city)-reminder-", String(seconds)]).affectedRows
    }
}
