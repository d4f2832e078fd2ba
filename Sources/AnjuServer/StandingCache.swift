import Allocation
import Store
import Synchronization

/// Each round's `StandingBook`, built on the first status that needs it and kept for the
/// process's life (the newest few rounds only): building one reads the round's snapshot and
/// results and prepares its priorities and classes — seconds at 200,000 applicants — after
/// which one applicant's standing is a pass over the projects and the applicants.
/// Rounds never change once run, so a kept book is never stale. One cache per application,
/// whose pool serves one city: round ids are unique within it.
final class StandingCache: Sendable {
    private struct Entry { var key: String; var book: Task<StandingBook, any Error> }
    /// Newest last. A lock, not an actor: the critical sections only look up and insert.
    private let entries = Mutex<[Entry]>([])
    private let capacity: Int

    /// Keeps the books of the `capacity` most recently built rounds.
    init(capacity: Int = 2) { self.capacity = capacity }

    /// The standing of `applicantID` in round `roundID`, building the round's book on a
    /// pooled connection when it is not kept. Nil when the round did not consider them.
    func standing(
        of applicantID: String, round roundID: String, pool: ConnectionPool<DatabaseSession>
    ) async throws -> Standing? {
        let book = try await book(round: roundID, pool: pool)
        return book.standing(of: applicantID)
    }

    /// Builds round `roundID`'s book now unless it is kept (or being built), so that the
    /// first applicant to ask after a round does not wait seconds for it. Returns once the
    /// book is ready; true when this call built it.
    @discardableResult
    func warm(round roundID: String, pool: ConnectionPool<DatabaseSession>) async throws -> Bool {
        let (task, built) = entry(round: roundID, pool: pool)
        _ = try await value(of: task, round: roundID)
        return built
    }

    /// Whether round `roundID`'s book is kept and built (for tests and the log).
    func isReady(round roundID: String) async -> Bool {
        guard let task = entries.withLock({ $0.first(where: { $0.key == roundID })?.book }) else { return false }
        return (try? await task.value) != nil
    }

    private func book(round roundID: String, pool: ConnectionPool<DatabaseSession>) async throws -> StandingBook {
        try await value(of: entry(round: roundID, pool: pool).task, round: roundID)
    }

    /// The kept build of `roundID`, or a new one started (`built` true).
    private func entry(
        round roundID: String, pool: ConnectionPool<DatabaseSession>
    ) -> (task: Task<StandingBook, any Error>, built: Bool) {
        let key = roundID
        return entries.withLock { entries in
            if let kept = entries.first(where: { $0.key == key }) { return (kept.book, false) }
            // One build per round, whoever asks meanwhile waits for it.
            let task = Task { try await pool.withConnection { try $0.reader.standingBook(roundID) } }
            entries.append(Entry(key: key, book: task))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
            return (task, true)
        }
    }

    private func value(of task: Task<StandingBook, any Error>, round key: String) async throws -> StandingBook {
        do {
            return try await task.value
        } catch {
            // A failed build (database away) is not kept: the next request tries again.
            entries.withLock { entries in entries.removeAll { $0.key == key } }
            throw error
        }
    }
}
