import Dispatch
import Foundation
import Postgres
import Synchronization

/// A file's parsed rows and how each becomes a line of COPY text.
struct ImportRows<Row: Sendable>: Sendable {
    let rows: [Row]
    /// Expected COPY bytes per row, for reserving buffers up front.
    let bytesPerRow: Int
    /// Appends one row (its line number first) to the COPY text.
    let encode: @Sendable (inout ImportCopyText, Row) -> Void

    /// The COPY text of `rows[range]`.
    func copyText(_ range: Range<Int>) -> [UInt8] {
        var copy = ImportCopyText(capacity: range.count * bytesPerRow)
        for row in rows[range] { encode(&copy, row) }
        return copy.bytes
    }
}

/// COPYs rows in chunks, each chunk encoded on a helper thread while the connection sends
/// the one before: the client's encoding then hides behind the server's COPY work (on two
/// cores, measured: the encoding of 200,000 applicants otherwise adds ~0.2 s to an import).
enum ImportPipeline {
    /// Rows per COPY statement: large enough that each statement's overhead is noise,
    /// small enough that the first chunk is ready at once.
    static let chunkRows = 20_000

    static func copy<Row>(_ rows: ImportRows<Row>, with sql: String, on connection: PostgresConnection) throws {
        let ranges = stride(from: 0, to: rows.rows.count, by: chunkRows).map {
            $0..<min($0 + chunkRows, rows.rows.count)
        }
        let chunks = ranges.map { _ in Handoff() }
        DispatchQueue.global().async {
            for (range, chunk) in zip(ranges, chunks) { chunk.put(rows.copyText(range)) }
        }
        // If a COPY fails, the helper still finishes its (now unused) chunks and exits.
        for chunk in chunks { try connection.copyIn(sql, bytes: chunk.take()) }
    }

    /// One chunk handed from the encoding thread to the sending one.
    final class Handoff: Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private let bytes = Mutex<[UInt8]>([])

        func put(_ value: [UInt8]) {
            bytes.withLock { $0 = value }
            ready.signal()
        }

        /// Waits for the chunk, then takes it (the handoff keeps no copy).
        func take() -> [UInt8] {
            ready.wait()
            return bytes.withLock { value in
                defer { value = [] }
                return value
            }
        }
    }
}
