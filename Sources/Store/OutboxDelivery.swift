import Foundation
import Postgres

/// One claimed message, with what rendering and delivery need: the contact as it is now
/// (language, address), the event's data and its idempotency key.
public struct ClaimedMessage: Sendable, Equatable {
    public var id: Int64
    public var applicantID: String
    public var channel: String
    public var kind: String
    public var idempotencyKey: String
    /// The event's data (JSON object text).
    public var payload: String
    public var attempts: Int
    public var name: String
    public var email: String?
    public var phone: String?
    public var language: String
    /// A reminder whose offer is no longer waiting for an answer (accepted, declined,
    /// withdrawn or past its deadline): the sender cancels it instead of sending it.
    public var moot: Bool = false
}

/// A message as the bureau lists it (no contact details: ids and states only).
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var applicantID: String
    public var channel: String
    public var kind: String
    public var roundID: String?
    public var idempotencyKey: String
    public var status: String
    public var attempts: Int
    public var createdAt: String
    public var nextAttemptAt: String
    public var sentAt: String?
    public var lastError: String?
}

extension Store {
    /// A message's states: waiting to go out, delivered, given up on, or cancelled because
    /// it had nothing left to say (a reminder of an offer answered before it went out).
    public static let messageStatuses = ["pending", "sent", "failed", "cancelled"]

    /// Claims up to `limit` due messages on `channels` for `sender`, oldest first, leased for
    /// `leaseSeconds`: pending, due, not leased by a live sender, and the oldest pending
    /// message of its applicant on its channel (so message n+1 never goes before n).
    /// `FOR UPDATE SKIP LOCKED` lets several senders claim at once without ever taking the
    /// same row; the lease hands a dead sender's messages to another after it runs out.
    public func claimMessages(sender: String, channels: [String], limit: Int, leaseSeconds: Int) throws -> [ClaimedMessage] {
        let rows = try connection.query(
            """
            WITH due AS (
                SELECT o.message_id FROM outbox o
                WHERE o.city = $1 AND o.status = 'pending' AND o.channel = ANY ($2::text[]) AND o.next_attempt_at <= now()
                  AND (o.claimed_until IS NULL OR o.claimed_until < now())
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox e
                      WHERE e.city = o.city AND e.applicant_id = o.applicant_id AND e.channel = o.channel
                        AND e.status = 'pending' AND e.message_id < o.message_id)
                ORDER BY o.message_id
                LIMIT $3
                FOR UPDATE OF o SKIP LOCKED
            )
            UPDATE outbox o SET claimed_by = $4, claimed_until = now() + make_interval(secs => $5::integer),
                   attempts = o.attempts + 1
            FROM due, applicant_contacts c
            WHERE o.message_id = due.message_id AND c.city = o.city AND c.applicant_id = o.applicant_id
            RETURNING o.message_id, o.applicant_id, o.channel, o.kind, o.idempotency_key, o.payload::text, o.attempts,
                      c.name, c.email, c.phone, c.language,
                      o.kind = 'offer_reminder' AND NOT EXISTS (
                          SELECT 1 FROM offers f
                          WHERE f.city = o.city AND f.offer_id = (o.payload ->> 'offer_id')::bigint
                            AND f.status = 'offered' AND f.deadline > now())
            """, [city, Self.textArray(channels), String(max(1, limit)), sender, String(max(1, leaseSeconds))])
        return rows.map { r in
            ClaimedMessage(
                id: Int64(r[0] ?? "") ?? 0, applicantID: r[1] ?? "", channel: r[2] ?? "", kind: r[3] ?? "",
                idempotencyKey: r[4] ?? "", payload: r[5] ?? "{}", attempts: Int(r[6] ?? "") ?? 0, name: r[7] ?? "",
                email: r[8], phone: r[9], language: r[10] ?? "zh-CN", moot: r[11] == "t")
        }.sorted { $0.id < $1.id }
    }

    /// Records that the receiver accepted `id`. Returns false when `sender` no longer held
    /// it (its lease ran out and another sender took it): that one records it then.
    @discardableResult
    public func markSent(_ id: Int64, sender: String) throws -> Bool {
        try connection.query(
            """
            UPDATE outbox SET status = 'sent', sent_at = now(), claimed_by = NULL, claimed_until = NULL, last_error = NULL
            WHERE message_id = $1 AND city = $2 AND claimed_by = $3 AND status = 'pending'
            """, [String(id), city, sender]
        ).affectedRows == 1
    }

    /// Records that `id` was not sent because it no longer applies (`reason` says why, for
    /// the bureau's list). False when `sender` no longer held it.
    @discardableResult
    public func markCancelled(_ id: Int64, sender: String, reason: String) throws -> Bool {
        try connection.query(
            """
            UPDATE outbox SET status = 'cancelled', claimed_by = NULL, claimed_until = NULL, last_error = left($4, 500)
            WHERE message_id = $1 AND city = $2 AND claimed_by = $3 AND status = 'pending'
            """, [String(id), city, sender, reason]
        ).affectedRows == 1
    }

    /// Records a failed attempt: tried again after `retryInSeconds` (the sender's backoff),
    /// or given up (`failed`) when `permanent` (the receiver refused it for good). A failed
    /// message no longer holds back the applicant's later ones.
    public func markAttemptFailed(_ id: Int64, sender: String, error: String, retryInSeconds: Double, permanent: Bool) throws {
        try connection.query(
            """
            UPDATE outbox SET status = CASE WHEN $5::boolean THEN 'failed' ELSE 'pending' END,
                   next_attempt_at = now() + make_interval(secs => $4::double precision),
                   last_error = left($6, 500), claimed_by = NULL, claimed_until = NULL
            WHERE message_id = $1 AND city = $2 AND claimed_by = $3 AND status = 'pending'
            """, [String(id), city, sender, String(retryInSeconds), permanent ? "true" : "false", error])
    }

    /// Messages for the bureau: of an applicant, a round, a status; newest first.
    public func messages(applicant: String? = nil, round: String? = nil, status: String? = nil, limit: Int = 1000) throws
        -> [OutboxMessage]
    {
        if let status, !Self.messageStatuses.contains(status) {
            throw StoreError.invalidField(
                "status", "\"\(status.prefix(32))\" is not a message status: \(Self.messageStatuses.joined(separator: ", "))")
        }
        let rows = try connection.query(
            """
            SELECT message_id, applicant_id, channel, kind, round_id, idempotency_key, status, attempts,
                   \(Self.utc("created_at")), \(Self.utc("next_attempt_at")), \(Self.utc("sent_at")), last_error
            FROM outbox
            WHERE city = $1 AND ($2::text IS NULL OR applicant_id = $2) AND ($3::text IS NULL OR round_id = $3)
              AND ($4::text IS NULL OR status = $4)
            ORDER BY message_id DESC LIMIT $5
            """, [city, applicant, round, status, String(max(0, limit))])
        return rows.map { r in
            OutboxMessage(
                id: Int64(r[0] ?? "") ?? 0, applicantID: r[1] ?? "", channel: r[2] ?? "", kind: r[3] ?? "", roundID: r[4],
                idempotencyKey: r[5] ?? "", status: r[6] ?? "", attempts: Int(r[7] ?? "") ?? 0, createdAt: r[8] ?? "",
                nextAttemptAt: r[9] ?? "", sentAt: r[10], lastError: r[11])
        }
    }

    /// Messages by status (every one of `messageStatuses`), for `/metrics` and the bureau.
    public func messageCounts() throws -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Self.messageStatuses.map { ($0, 0) })
        for r in try connection.query("SELECT status, count(*) FROM outbox WHERE city = $1 GROUP BY status", [city]) {
            counts[r[0] ?? ""] = Int(r[1] ?? "") ?? 0
        }
        return counts
    }
}
