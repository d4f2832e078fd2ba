import Allocation
import AllocationFiles
import Dispatch
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// How `round run` writes a round (`RoundResultRows` streaming the results on a thread of
/// their own, one statement marking slots and applicants and inserting the offers), at the
/// edges: no offer, every applicant offered, results crossing many chunk boundaries, the
/// inventory changing under the marking statement.
@Suite("Round writes")
struct RoundWriteTests {
    static let policy = RoundTests.policy

    /// The stored results, offers and marks of `roundID` are exactly `expected`'s (file mode).
    private func expectStored(
        _ store: Store, _ connection: PostgresConnection, round roundID: String, equal expected: RoundResult,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(try store.results(roundID).rows == expected.rows, sourceLocation: sourceLocation)
        #expect(ResultsCSV.render(try store.results(roundID).rows) == ResultsCSV.render(expected.rows), sourceLocation: sourceLocation)
        let offered = expected.rows.filter { $0.outcome == .offered }
        #expect(
            try offerPairs(connection, round: roundID) == Set(offered.map { "\($0.applicantID)→\($0.slotID!)" }),
            sourceLocation: sourceLocation)
        // Offer ids follow the engine's row order, as the one INSERT … ORDER BY n writes them.
        let inOrder = try connection.query(
            "SELECT applicant_id FROM offers WHERE round_id = $1 ORDER BY offer_id", [roundID]
        ).map { $0[0] ?? "" }
        #expect(inOrder == offered.map(\.applicantID), sourceLocation: sourceLocation)
        let reasonData = try connection.query(
            "SELECT count(*) FROM round_results WHERE round_id = $1 AND reason_data IS NULL", [roundID]).first?[0]
        #expect(reasonData == String(expected.rows.filter { $0.explanation == nil }.count), sourceLocation: sourceLocation)
        #expect(try store.verifyRound(roundID).differences.isEmpty, sourceLocation: sourceLocation)
        try assertInventoryInvariants(connection, sourceLocation: sourceLocation)
    }

    @Test("results stream in exactly whatever the chunk size: 1, 2, 7, 499, 500, 501 and 10,000 rows per chunk")
    func chunkSizes() throws {
        let city = try CityFiles(applicants: 500, slots: 200, seed: "chunks")
        defer { city.remove() }
        let expected = Allocator.run(city.loaded.input, mechanism: .deferredAcceptance, seed: "db round test")
        for (n, size) in [1, 2, 7, 499, 500, 501, 10_000].enumerated() {
            let connection = try TestDatabase.migrated("roundchunk\(n)")
            var store = try Store(connection: connection, city: "sh", actor: "test")
            store.resultsPerChunk = size
            try city.importInto(store)
            _ = try store.createRound(id: "r1", policy: Self.policy)
            let report = try store.runRound("r1")
            #expect(report.result.rows == expected.rows)
            try expectStored(store, connection, round: "r1", equal: expected)
        }
    }

    @Test("the encoder's chunks, joined, are the one-piece COPY text; stopping it early ends its thread")
    func encoderChunks() throws {
        let city = try CityFiles(applicants: 300, slots: 120, seed: "encoder")
        defer { city.remove() }
        let rows = Allocator.run(city.loaded.input, mechanism: .deferredAcceptance, seed: "enc").rows
        let whole = RoundResultRows.encode(city: "sh", roundID: "r\t1", rows[...])
        // An independent reading of the text: one line per row, ten fields, NULLs as \N.
        let lines = whole.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.count == rows.count + 1 && lines.last?.isEmpty == true)
        for (line, row) in zip(lines, rows) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            #expect(fields.count == 10)
            #expect(fields[0] == "sh" && fields[1] == "r\\t1" && fields[2] == row.applicantID && fields[3] == row.outcome.rawValue)
            #expect(fields[4] == (row.slotID ?? "\\N") && fields[6] == (row.commuteMin.map(String.init) ?? "\\N"))
        }
        for size in [1, 3, 299, 300, 301] {
            for capacity in [1, 2, 5] {
                let encoder = RoundResultRows(city: "sh", roundID: "r\t1", rows: rows, rowsPerChunk: size, capacity: capacity)
                var joined: [UInt8] = []
                var chunks = 0
                while let chunk = encoder.next() {
                    joined += chunk
                    chunks += 1
                }
                encoder.stop()
                #expect(joined == whole, "size \(size), capacity \(capacity)")
                #expect(chunks == (rows.count + size - 1) / size)
                #expect(encoder.next() == nil)
            }
        }
        // Stopped after one chunk, or before any: stop() returns (the thread ends) and
        // nothing more comes out.
        for taken in [0, 1] {
            let encoder = RoundResultRows(city: "sh", roundID: "r1", rows: rows, rowsPerChunk: 10, capacity: 1)
            for _ in 0..<taken { #expect(encoder.next() != nil) }
            encoder.stop()
            #expect(encoder.next() == nil)
        }
        // No rows: no chunk.
        let empty = RoundResultRows(city: "sh", roundID: "r1", rows: [], rowsPerChunk: 10)
        #expect(empty.next() == nil)
        empty.stop()
    }

    @Test("a round with no offer at all: every applicant stored as waiting, nothing marked")
    func noOffers() throws {
        let city = try CityFiles(applicants: 400, slots: 0, seed: "no offers")
        defer { city.remove() }
        let connection = try TestDatabase.migrated("roundnooffer")
        var store = try Store(connection: connection, city: "sh", actor: "test")
        store.resultsPerChunk = 64
        try city.importInto(store)
        let expected = Allocator.run(city.loaded.input, mechanism: .deferredAcceptance, seed: "db round test")
        #expect(expected.offered == 0 && expected.rows.count == 400)
        _ = try store.createRound(id: "r1", policy: Self.policy)
        let report = try store.runRound("r1")
        #expect(report.result.rows == expected.rows && report.attempts == 1)
        try expectStored(store, connection, round: "r1", equal: expected)
        #expect(try connection.query("SELECT count(*) FROM applicants WHERE status <> 'waiting'").first?[0] == "0")
        #expect(try connection.query("SELECT count(*) FROM offers").first?[0] == "0")
        #expect(try store.round("r1").status == "run")
    }

    @Test("a round where every applicant of the snapshot is offered a place")
    func everyoneOffered() throws {
        let city = try CityFiles(applicants: 150, slots: 3_000, seed: "everyone")
        defer { city.remove() }
        // Keep only applicants the engine places, until it places everyone kept (fewer
        // rivals never unplace anyone in a glut, but check rather than assume).
        var input = city.loaded.input
        var expected = Allocator.run(input, mechanism: .deferredAcceptance, seed: "db round test")
        for _ in 0..<10 where expected.offered < input.applicants.count {
            let placed = Set(expected.rows.filter { $0.outcome == .offered }.map(\.applicantID))
            input.applicants = input.applicants.filter { placed.contains($0.id) }
            expected = Allocator.run(input, mechanism: .deferredAcceptance, seed: "db round test")
        }
        try #require(expected.offered == input.applicants.count && expected.offered > 50)
        let kept = input.applicants.map(\.id)

        let connection = try TestDatabase.migrated("roundeveryone")
        var store = try Store(connection: connection, city: "sh", actor: "test")
        store.resultsPerChunk = 16
        try city.importInto(store)
        try connection.query(
            "UPDATE applicants SET status = 'withdrawn' WHERE city = 'sh' AND NOT applicant_id = ANY ($1::text[])",
            ["{" + kept.joined(separator: ",") + "}"])
        _ = try store.createRound(id: "r1", policy: Self.policy)
        let report = try store.runRound("r1")
        #expect(report.result.rows == expected.rows)
        try expectStored(store, connection, round: "r1", equal: expected)
        #expect(try connection.query("SELECT count(*) FROM applicants WHERE status = 'offered'").first?[0] == String(kept.count))
        // A second round then has nobody waiting: it runs, with no rows and no offers.
        _ = try store.createRound(id: "r2", policy: Self.policy)
        let second = try store.runRound("r2")
        #expect(second.result.rows.isEmpty && second.result.offered == 0)
        #expect(try connection.query("SELECT count(*) FROM round_results WHERE round_id = 'r2'").first?[0] == "0")
    }

    @Test("a slot taken while the run waits to mark it: no offer of that attempt is kept, the next attempt leaves it out")
    func inventoryChangesUnderTheMarking() throws {
        let city = try CityFiles(applicants: 600, slots: 200, seed: "marking race")
        defer { city.remove() }
        let (connection, url) = try TestDatabase.migratedWithURL("roundmarkrace")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        try city.importInto(store)
        _ = try store.createRound(id: "r1", policy: Self.policy)
        let first = Allocator.run(city.loaded.input, mechanism: .deferredAcceptance, seed: "db round test")
        let victim = try #require(first.rows.first { $0.outcome == .offered }?.slotID)

        // Another session holds offers, so the run stops at its marking statement.
        let blocker = try PostgresConnection(url)
        try blocker.query("BEGIN")
        try blocker.query("LOCK TABLE offers IN SHARE MODE")
        let outcome = Locked<Result<RoundRunReport, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            defer { finished.signal() }
            let result = Result { () throws -> RoundRunReport in
                let runner = try Store(connection: try PostgresConnection(url), city: "sh", actor: "test")
                return try runner.runRound("r1", attempts: 3)
            }
            outcome.withLock { $0 = result }
        }
        let deadline = Date().addingTimeInterval(60)
        while try blocker.query(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'offers'::regclass").first?[0] == "0",
            Date() < deadline
        {
            usleep(2_000)
        }
        // Meanwhile the victim goes to maintenance; then the run may go on.
        try blocker.query("UPDATE slots SET status = 'maintenance' WHERE city = 'sh' AND slot_id = $1", [victim])
        try blocker.query("COMMIT")
        finished.wait()
        let report = try #require(try outcome.value?.get())
        #expect(report.attempts == 2)

        // The kept attempt solved the inventory without the victim: exactly file mode on it.
        var input = city.loaded.input
        input.slots = input.slots.filter { $0.id != victim }
        let expected = Allocator.run(input, mechanism: .deferredAcceptance, seed: "db round test")
        #expect(report.result.rows == expected.rows)
        try expectStored(store, connection, round: "r1", equal: expected)
        #expect(try connection.query("SELECT status FROM slots WHERE slot_id = $1", [victim]).first?[0] == "maintenance")
        #expect(try connection.query("SELECT count(*) FROM offers WHERE slot_id = $1", [victim]).first?[0] == "0")
        // One audit row for the committed run, saying it was the second attempt.
        #expect(try connection.query(
            "SELECT details->>'attempt' FROM audit_log WHERE action = 'round.run'").map { $0[0] ?? "" } == ["2"])
    }
}
