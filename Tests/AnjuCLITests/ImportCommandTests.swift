import CityGenerator
import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// `anju import` through the real binary: exit 0 with one summary line, 65 with every
/// problem and nothing written, 66 for a file that cannot be read, 64 for bad usage.
@Suite(.timeLimit(.minutes(3)))
struct ImportCommandTests {
    /// A migrated test database, its URL for the child, and a folder with a generated city.
    private struct Setup {
        let connection: PostgresConnection
        let url: String
        let scratch: ScratchFolder
        let city: GeneratedCity

        init(_ label: String) throws {
            (connection, url) = try TestDatabase.migratedWithURL(label)
            scratch = try ScratchFolder()
            city = try CityGenerator(applicants: 300, slots: 120, seed: "import cli").write(to: scratch.path("city"))
        }

        func anju(_ arguments: [String]) async throws -> ProcessRun {
            try await Anju.run(["import"] + arguments + ["--city", "shanghai", "--actor", "cli:test"], environment: ["DATABASE_URL": url])
        }

        func file(_ name: String) -> String { scratch.path("city/\(name)") }

        func count(_ table: String) throws -> Int {
            Int(try connection.query("SELECT count(*) FROM \(table)").first?[0] ?? "") ?? -1
        }
    }

    /// The one line `anju import` prints on success.
    private static func isSummary(_ line: String) -> Bool {
        line.wholeMatch(of: /[a-z]+\.csv: \d+ rows: \d+ inserted, \d+ updated, \d+ unchanged, \d+ skipped \(\d+\.\d\d s\)/) != nil
    }

    @Test func importsACityThenFindsItUnchanged() async throws {
        let setup = try Setup("importcli")
        for (kind, rows) in [("projects", setup.city.projectCount), ("slots", 120), ("applicants", 300)] {
            let run = try await setup.anju([kind, setup.file("\(kind).csv")])
            #expect(run.status == 0 && !run.crashed, "\(run)")
            #expect(run.stdout.hasPrefix("\(kind).csv: \(rows) rows: \(rows) inserted, 0 updated, 0 unchanged, 0 skipped ("), "\(run)")
            #expect(run.stdout.split(separator: "\n").map(String.init).allSatisfy(Self.isSummary), "\(run)")
        }
        #expect(try setup.count("applicants") == 300)
        let again = try await setup.anju(["applicants", setup.file("applicants.csv")])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.hasPrefix("applicants.csv: 300 rows: 0 inserted, 0 updated, 300 unchanged, 0 skipped ("), "\(again)")
        let audit = try setup.connection.query("SELECT DISTINCT city, actor FROM audit_log").values
        #expect(audit == [["shanghai", "cli:test"]])
    }

    @Test func anInvalidFileIsExit65WithEveryProblemAndNothingWritten() async throws {
        let setup = try Setup("importcli65")
        #expect(try await setup.anju(["projects", setup.file("projects.csv")]).status == 0)
        var text = String(decoding: setup.city.slotsCSV, as: UTF8.self)
        text += "S999990,P0001,bed,,2,800,any,false,available,\nS999991,NOPE,apartment,,1,800,any,false,available,\n"
        try Files.write(Array(text.utf8), to: setup.file("slots.csv"))
        let run = try await setup.anju(["slots", setup.file("slots.csv")])
        #expect(run.status == 65 && !run.crashed, "\(run)")
        #expect(run.diagnostics == [
            "slots.csv:122: max_household: 2 is not allowed for a bed; a bed is for one person, so max_household must be 1",
            #"slots.csv:123: project_id: unknown project "NOPE"; it is not in the projects of city "shanghai" in the database; import its projects.csv first"#,
        ], "\(run)")
        #expect(run.stderr.contains("2 problems found in slots.csv; nothing was imported."), "\(run)")
        #expect(run.stdout == "")
        #expect(try setup.count("slots") == 0)
        #expect(try setup.count("rooms") == 0)
        #expect(try setup.count("audit_log") == 1)  // the projects import only
    }

    @Test func heldRowsAreSkippedListedAndTheImportSucceeds() async throws {
        let setup = try Setup("importcliskip")
        for kind in ["projects", "slots", "applicants"] {
            #expect(try await setup.anju([kind, setup.file("\(kind).csv")]).status == 0)
        }
        try setup.connection.query("INSERT INTO rounds (city, round_id, status, policy, seed, input_digest, optimal_ties) VALUES ('shanghai', 'R1', 'run', '{}'::jsonb, 's', 'd', 'canonical')")
        try setup.connection.query(
            """
            INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline)
            VALUES ('shanghai', 'R1', 'S000001', 'A0000002', now() + interval '7 days')
            """)
        // Every applicant's gender swapped: every row differs from the stored one.
        let changed = String(decoding: setup.city.applicantsCSV, as: UTF8.self).split(separator: "\n").map { line in
            line.contains(",female,") ? line.replacingOccurrences(of: ",female,", with: ",male,") : line.replacingOccurrences(of: ",male,", with: ",female,")
        }.joined(separator: "\n") + "\n"
        try Files.write(Array(changed.utf8), to: setup.file("applicants.csv"))
        let digest = "SELECT md5(string_agg(a::text, '|' ORDER BY applicant_id)) FROM applicants a"
        let before = try setup.connection.query(digest).first?[0]
        let genderBefore = try setup.connection.query("SELECT gender FROM applicants WHERE applicant_id = 'A0000002'").first?[0]
        let dry = try await setup.anju(["applicants", setup.file("applicants.csv"), "--dry-run"])
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.hasPrefix("dry run, nothing written: applicants.csv: 300 rows: 0 to insert, 299 to update, 0 unchanged, 1 to skip ("), "\(dry)")
        #expect(try setup.connection.query(digest).first?[0] == before)
        let run = try await setup.anju(["applicants", setup.file("applicants.csv")])
        #expect(run.status == 0 && !run.crashed, "\(run)")
        #expect(run.stderrLines.contains("applicants.csv:3: applicant_id: A0000002 has a live offer; not changed"), "\(run)")
        #expect(run.stderr.contains("1 row was skipped (listed above)"), "\(run)")
        #expect(run.stdout.hasPrefix("applicants.csv: 300 rows: 0 inserted, 299 updated, 0 unchanged, 1 skipped ("), "\(run)")
        #expect(try setup.connection.query("SELECT gender FROM applicants WHERE applicant_id = 'A0000002'").first?[0] == genderBefore)
    }

    @Test func aFileThatCannotBeReadIsExit66() async throws {
        let setup = try Setup("importcli66")
        let missing = try await setup.anju(["applicants", setup.scratch.path("nowhere.csv")])
        #expect(missing.status == 66 && !missing.crashed, "\(missing)")
        #expect(missing.stderr.contains("nowhere.csv: cannot read \(setup.scratch.path("nowhere.csv")): No such file or directory"), "\(missing)")
        let folder = try await setup.anju(["slots", setup.scratch.path("city")])
        #expect(folder.status == 66, "\(folder)")
        #expect(folder.stderr.contains("it is a folder, not a file"), "\(folder)")
    }

    @Test(arguments: [["people", "x.csv"], ["projects"], ["projects", ""], [], ["slots", "x.csv", "--dry-run=yes"]])
    func badUsageIsExit64(arguments: [String]) async throws {
        let run = try await Anju.run(["import"] + arguments)
        #expect(run.status == 64 && !run.crashed, "\(run)")
    }

    @Test func theBenchmarkRunsEndToEnd() async throws {
        let (_, url) = try TestDatabase.migratedWithURL("importbench")
        let scratch = try ScratchFolder()
        let run = try await Anju.run(
            ["bench", "import", "--applicants", "200", "--slots", "60", "--repetitions", "1", "--work", scratch.path("bench")],
            environment: ["DATABASE_URL": url])
        #expect(run.status == 0 && !run.crashed, "\(run)")
        #expect(run.stdout.contains("| anju import applicants | 200 |"), "\(run)")
        #expect(run.stdout.contains("anju import applicants / psql \\copy into the bare table: "), "\(run)")
    }
}
