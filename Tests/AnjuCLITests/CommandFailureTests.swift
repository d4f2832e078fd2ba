import CityGenerator
import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// The one mapping from a failure to what a person reads and the exit status scripts see
/// (`CommandFailure`), through the real binary: a refusal and a missing thing are 65 with
/// "refused:" / "not found:", a refused bulk file lists its lines, and a database without
/// Anju's schema is 69 — for a command and for `anju serve` alike.
@Suite(.timeLimit(.minutes(3)))
struct CommandFailureTests {
    /// A migrated database holding a small generated city, imported through the binary.
    private static func city(_ label: String) async throws -> (url: String, scratch: ScratchFolder, slot: String) {
        let (_, url) = try TestDatabase.migratedWithURL(label)
        let scratch = try ScratchFolder()
        let city = try CityGenerator(applicants: 50, slots: 20, seed: "failures").write(to: scratch.path("city"))
        for kind in ["projects", "slots", "applicants"] {
            let run = try await anju(["import", kind, scratch.path("city/\(kind).csv")], url: url)
            #expect(run.status == 0, "\(run)")
        }
        let slot = String(decoding: city.slotsCSV, as: UTF8.self).split(separator: "\n")[1].split(separator: ",")[0]
        return (url, scratch, String(slot))
    }

    private static func anju(_ arguments: [String], url: String) async throws -> ProcessRun {
        try await Anju.run(arguments + ["--city", "shanghai"], environment: ["DATABASE_URL": url])
    }

    @Test func aRefusalAndAnUnknownIdAreExit65SayingWhich() async throws {
        let (url, _, slot) = try await Self.city("cmdfail65")
        let stale = try await Self.anju(["slots", "set-status", slot, "maintenance", "--expected-version", "99"], url: url)
        #expect(stale.status == 65 && !stale.crashed, "\(stale)")
        #expect(stale.stderrLines.last == "refused: slot \(slot) is at version 1, not 99; read it again and retry", "\(stale)")
        let unknown = try await Self.anju(["offers", "accept", "999999"], url: url)
        #expect(unknown.status == 65 && !unknown.crashed, "\(unknown)")
        #expect(unknown.stderrLines.last == "not found: no offer 999999 in city shanghai", "\(unknown)")
        let byHand = try await Self.anju(["slots", "set-status", slot, "occupied", "--expected-version", "1"], url: url)
        #expect(byHand.status == 0, "\(byHand)")
    }

    @Test func aRefusedBulkFileListsItsLinesAndChangesNothing() async throws {
        let (url, scratch, slot) = try await Self.city("cmdfailbulk")
        let file = scratch.path("statuses.csv")
        try Array("slot_id,status,expected_version\n\(slot),maintenance,7\n".utf8).write(to: URL(fileURLWithPath: file))
        let run = try await Self.anju(["slots", "set-status", "--file", file], url: url)
        #expect(run.status == 65 && !run.crashed, "\(run)")
        #expect(run.stderrLines.suffix(2) == [
            "statuses.csv:2: slot_id: slot \(slot) is at version 1, not 7; read it again and retry",
            "1 of 1 rows refused; nothing was changed",
        ], "\(run)")
    }

    @Test func aDatabaseWithoutTheSchemaIsExit69ForCommandsAndTheServer() async throws {
        let bare = try TestDatabase.fresh("cmdfailbare")
        let name = try bare.query("SELECT current_database()").first?[0] ?? ""
        let url = try TestDatabase.cluster.get().connectionURL(database: name)
        let list = try await Self.anju(["round", "list"], url: url)
        #expect(list.status == 69 && !list.crashed, "\(list)")
        #expect(list.stderr.contains("run `anju migrate` first"), "\(list)")
        let serve = try await Anju.run(
            ["serve", "--port", "0", "--city", "shanghai"], environment: ["DATABASE_URL": url, "LOG_LEVEL": "error"])
        #expect(serve.status == 69 && !serve.crashed, "\(serve)")
        #expect(serve.stderr.contains("the database has no Anju schema: run `anju migrate` first"), "\(serve)")
    }
}

extension Array where Element == UInt8 {
    fileprivate func write(to url: URL) throws { try Data(self).write(to: url) }
}
