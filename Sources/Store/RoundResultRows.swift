import Allocation
import Foundation

/// The COPY text of a round's result rows, encoded on a thread of its own in chunks of
/// `rowsPerChunk` rows, at most `capacity` chunks ahead of the reader: `round run` marks
/// the offered slots and applicants and then streams the rows to PostgreSQL while the
/// next chunks are being encoded, instead of encoding and sending by turns.
///
/// The reader calls `next()` until it returns nil; whoever started it must call
/// `stop()` before returning (a `defer`), which ends the thread early if the reader did
/// not take every chunk (an error, a rolled-back attempt). No thread outlives `stop()`.
final class RoundResultRows: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [[UInt8]] = []
    private var encodedAll = false
    private var stopped = false
    private var threadDone = false

    let capacity: Int
    let rowsPerChunk: Int

    /// Starts encoding `rows` of `roundID` in `city` at once.
    init(city: String, roundID: String, rows: [ApplicantResult], rowsPerChunk: Int, capacity: Int = 2) {
        precondition(rowsPerChunk > 0 && capacity > 0)
        self.capacity = capacity
        self.rowsPerChunk = rowsPerChunk
        let thread = Thread { [self] in
            encode(city: city, roundID: roundID, rows: rows)
            condition.lock()
            threadDone = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "anju round results"
        thread.start()
    }

    /// The text of `rows` in COPY's text format, in the column order of `RoundResultRows.copy`.
    static func encode(city: String, roundID: String, _ rows: ArraySlice<ApplicantResult>) -> [UInt8] {
        var copy = ImportCopyText(capacity: rows.count * 256)
        for row in rows {
            copy.text(city)
            copy.text(roundID)
            copy.text(row.applicantID)
            copy.text(row.outcome.rawValue)
            copy.text(row.slotID)
            copy.text(row.projectID)
            copy.int(row.commuteMin)
            copy.int(row.rent)
            copy.text(row.reason)
            copy.text(row.explanation?.json)
            copy.endRow()
        }
        return copy.bytes
    }

    /// The statement the chunks are the data of.
    static let copy = """
        COPY round_results (city, round_id, applicant_id, outcome, slot_id, project_id, commute_min, rent, reason, reason_data)
        FROM STDIN
        """

    private func encode(city: String, roundID: String, rows: [ApplicantResult]) {
        var start = 0
        while start < rows.count {
            let end = min(start + rowsPerChunk, rows.count)
            let chunk = Self.encode(city: city, roundID: roundID, rows[start..<end])
            condition.lock()
            while ready.count >= capacity && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            ready.append(chunk)
            condition.broadcast()
            condition.unlock()
            start = end
        }
        condition.lock()
        encodedAll = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, waiting for it if needed; nil after the last one (or after `stop`).
    func next() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !encodedAll && !stopped { condition.wait() }
        guard !stopped, !ready.isEmpty else { return nil }
        let chunk = ready.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// Ends the encoding thread (early, if chunks are left) and waits until it has returned.
    func stop() {
        condition.lock()
        stopped = true
        ready = []
        condition.broadcast()
        while !threadDone { condition.wait() }
        condition.unlock()
    }
}
