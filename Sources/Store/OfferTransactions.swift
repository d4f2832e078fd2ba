import Foundation
import Postgres

/// The transaction discipline every offer and inventory change follows, so that they can
/// run at the same time from many connections (CLI, HTTP workers, the expiry job):
///
/// - one transaction per change, at PostgreSQL's default READ COMMITTED level;
/// - rows locked with `SELECT … FOR UPDATE` before they are read for a decision, in one
///   global order — offers, then slots, then applicants, then rounds, each class by key —
///   so two changes never wait on each other in a cycle;
/// - a transaction that still ends in a deadlock (40P01) or a serialization failure
///   (40001) is rolled back and run again from the start, a few times.
///
/// Code that creates offers (`round run`) keeps the same order: slots, then applicants,
/// then the round row (which it updates, and so locks), in the same transaction.
extension Store {
    /// SQLSTATEs after which running the whole transaction again is correct and may succeed.
    static let retryableStates: Set<SQLState> = [.serializationFailure, .deadlockDetected]

    /// Runs `body` in a transaction on this store's connection; a deadlock or serialization
    /// failure rolls back and runs `body` again (up to `attempts` runs in all, with a short
    /// random pause between them), any other error rolls back and is rethrown. `body` must
    /// do nothing outside the database that cannot be repeated. Not for use inside another
    /// transaction: each call is its own.
    /// A `LockOrderRestart` thrown by `body` starts it over too; after the last attempt it
    /// becomes `StoreError.conflict`.
    public func retryingTransaction<T>(attempts: Int = 8, _ body: () throws -> T) throws -> T {
        precondition(attempts >= 1, "at least one attempt")
        var attempt = 1
        while true {
            do {
                return try connection.transaction { _ in try body() }
            } catch let error as PostgresError
                where attempt < attempts && error.sqlState.map(Self.retryableStates.contains) == true
            {
                attempt += 1
                // A few milliseconds, growing with each attempt, so the winners can finish.
                usleep(UInt32.random(in: 500...(2_000 * UInt32(attempt))))
            } catch let restart as LockOrderRestart {
                guard attempt < attempts else { throw StoreError(.busy, restart.message) }
                attempt += 1
                usleep(UInt32.random(in: 100...(500 * UInt32(attempt))))
            }
        }
    }

    /// The `to_char` pattern for timestamps shown to people and stored in audit details:
    /// RFC 3339 in UTC, to the second.
    static let utcFormat = #"'YYYY-MM-DD"T"HH24:MI:SS"Z"'"#

    /// SQL text rendering the timestamptz expression `column` with `utcFormat`. Only ever
    /// called with constant column names from this module.
    static func utc(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', \(utcFormat))"
    }

    /// Locks applicant `id` of this city and returns its status and refusals, or nil when
    /// there is no such applicant.
    func lockApplicant(_ id: String) throws -> (standing: ApplicantStanding, refusals: Int)? {
        guard
            let row = try connection.query(
                "SELECT status, refusals FROM applicants WHERE city = $1 AND applicant_id = $2 FOR UPDATE",
                [city, id]
            ).first
        else { return nil }
        return (try ApplicantStanding.decode(row, "status"), try row.decode(Int.self, "refusals"))
    }

    /// Closes round `roundID` if it is `run` or `published` and has no live offer left.
    /// Locks the round row first, so two transactions answering a round's last two offers
    /// at the same time cannot both see the other's offer still live: the second waits,
    /// then sees the first's answer. Returns true when it closed the round.
    func closeRoundIfSettled(_ roundID: String) throws -> Bool {
        guard
            let status = try connection.query(
                "SELECT status FROM rounds WHERE city = $1 AND round_id = $2 FOR UPDATE", [city, roundID]
            ).first?[0],
            status == "run" || status == "published"
        else { return false }
        let closed = try connection.query(
            """
            UPDATE rounds SET status = 'closed'
            WHERE city = $1 AND round_id = $2
              AND NOT EXISTS (SELECT 1 FROM offers WHERE city = $1 AND round_id = $2 AND status = 'offered')
            """,
            [city, roundID])
        guard closed.affectedRows == 1 else { return false }
        try audit("round.close", entity: "round", id: roundID, details: ["from": .string(status), "why": "no live offer left"])
        return true
    }
}

/// Thrown inside a transaction that finds, after locking a slot, a live offer it has not
/// locked: a round offered the slot meanwhile. Locking that offer now would break the lock
/// order (offers before slots) and could deadlock, so the transaction rolls back and starts
/// over, locking the new offer first. `retryingTransaction` does that.
public struct LockOrderRestart: Error, Sendable {
    /// What kept changing, for the conflict reported when the attempts run out.
    public var message: String
}

/// Where an applicant stands in the housing pool (`applicants.status`).
public enum ApplicantStanding: String, Sendable, CaseIterable {
    /// In the pool, waiting for a round to offer them a place.
    case waiting
    /// Holding one live offer.
    case offered
    /// Living in a slot (an active tenancy).
    case housed
    /// Left the scheme (moved out, or withdrew their application).
    case withdrawn
    /// Out of the pool after too many refusals, until the bureau reinstates them.
    case suspended
    /// Applied through the API or the form: out of the pool until the bureau approves them.
    case pendingReview = "pending_review"
    /// The bureau turned the application down (its reason and note are on the applicant).
    case rejected

    static func decode(_ row: PostgresRow, _ column: String) throws -> ApplicantStanding {
        let text = try row.decode(String.self, column)
        guard let standing = ApplicantStanding(rawValue: text) else {
            throw PostgresError(message: "column \(column) holds \"\(text)\", not an applicant status", operation: "decode")
        }
        return standing
    }
}
