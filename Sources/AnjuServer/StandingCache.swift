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

    private func book(round roundID: String, pool: ConnectionPool<DatabaseSession>) async throws -> StandingBook {
        let key = roundID
        let task = entries.withLock { entries -> Task<StandingBook, any Error> in
            if let kept = entries.first(where: { $0.key == key }) { return kept.book }
            // One build per round, whoever asks meanwhile waits for it.
            let task = Task { try await pool.withConnection { try $0.reader.standingBook(roundID) } }
            entries.append(Entry(key: key, book: task))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
            return task
        }
        do {
            return try await task.value
        } catch {
            // A failed build (database away) is not kept: the next request tries again.
            entries.withLock { entries in entries.removeAll { $0.key == key } }
            throw error
        }
    }
}
