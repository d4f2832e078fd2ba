import Allocation
import AllocationFiles
import Foundation
import Harness
import Postgres
import PostgresTestSupport
import Testing

/// `anju import` + `anju round …` as shipped: the real executable against a real database.
@Suite(.timeLimit(.minutes(5)))
struct RoundCommandTests {
    /// A migrated test database with a generated city imported through the CLI.
    struct ImportedCity {
        let scratch: ScratchFolder
        let connection: PostgresConnection
        let environment: [String: String]
        let input: InputFiles

        init(label: String, applicants: Int, slots: Int) async throws {
            scratch = try ScratchFolder()
            let (connection, url) = try TestDatabase.migratedWithURL(label)
            self.connection = connection
            environment = ["DATABASE_URL": url, "ANJU_CITY": "sh", "ANJU_ACTOR": "cli:test"]
            input = InputFiles.city(applicants: applicants, slots: slots, seed: "round cli \(label)")
            try input.write(to: scratch.path("in"))
            for kind in ["projects", "slots", "applicants"] {
                let run = try await Anju.run(["import", kind, scratch.path("in/\(kind).csv")], environment: environment)
                try #require(run.status == 0, "\(run)")
            }
        }

        func anju(_ arguments: [String]) async throws -> ProcessRun {
            try await Anju.run(arguments, environment: environment)
        }

        /// What the engine computes on the input files, file mode's way.
        func expectedOffers(seed: String) throws -> Set<String> {
            let loaded = try InputFolder.load(scratch.path("in"))
            let result = Allocator.run(loaded.input, mechanism: .deferredAcceptance, seed: seed)
            return Set(result.rows.filter { $0.outcome == .offered }.map { "\($0.applicantID)→\($0.slotID!)" })
        }

        func offers() throws -> Set<String> {
            Set(try connection.query("SELECT applicant_id, slot_id FROM offers").map { "\($0[0]!)→\($0[1]!)" })
        }
    }

    @Test func createRunShowVerifyExport() async throws {
        let city = try await ImportedCity(label: "roundcli", applicants: 900, slots: 400)
        let create = try await city.anju(["round", "create", "--policy", city.scratch.path("in/policy.json"), "--id", "R1", "--seed", "cli seed"])
        try #require(create.status == 0, "\(create)")
        #expect(create.stdout.contains("round R1 created (draft)"))
        let run = try await city.anju(["round", "run", "R1"])
        try #require(run.status == 0, "\(run)")
        #expect(run.stdout.contains("snapshot digest"))
        #expect(try city.offers() == (try city.expectedOffers(seed: "cli seed")))

        let again = try await city.anju(["round", "run", "R1"])
        #expect(again.status == 65 && again.stderr.contains("not draft"), "\(again)")
        let missing = try await city.anju(["round", "show", "R9"])
        #expect(missing.status == 65 && missing.stderr.contains("round R9"), "\(missing)")

        let show = try await city.anju(["round", "show", "R1"])
        #expect(show.status == 0 && show.stdout.contains("round R1: run"), "\(show)")
        let verify = try await city.anju(["round", "verify", "R1"])
        #expect(verify.status == 0 && verify.stdout.contains("verified"), "\(verify)")

        // export: results.csv plus the snapshot; `anju solve` on the snapshot gives the same bytes.
        let export = try await city.anju(["round", "export", "R1", "--out", city.scratch.path("export/results.csv"), "--snapshot", city.scratch.path("snap")])
        try #require(export.status == 0, "\(export)")
        let solve = try await city.anju(["solve", "--input", city.scratch.path("snap"), "--out", city.scratch.path("solved"), "--seed", "cli seed", "--quiet"])
        try #require(solve.status == 0, "\(solve)")
        #expect(try Files.read(city.scratch.path("export/results.csv")) == (try Files.read(city.scratch.path("solved/results.csv"))))

        // A tampered result makes verify fail with exit 1 and name the applicant.
        let victim = try #require(try city.connection.query(
            "SELECT applicant_id FROM round_results WHERE outcome = 'unmatched' ORDER BY applicant_id LIMIT 1").first?[0])
        try city.connection.query("UPDATE round_results SET reason = 'edited' WHERE applicant_id = $1", [victim])
        let tampered = try await city.anju(["round", "verify", "R1"])
        #expect(tampered.status == 1 && tampered.stderr.contains(victim), "\(tampered)")
    }

    @Test func badUsageAndBadPolicy() async throws {
        let city = try await ImportedCity(label: "roundclibad", applicants: 50, slots: 30)
        let noPolicy = try await city.anju(["round", "create", "--policy", city.scratch.path("nope.json")])
        #expect(noPolicy.status == 66, "\(noPolicy)")
        try Files.write(Array(#"{"round_date": "2026-13-01", "seed": ""}"#.utf8), to: city.scratch.path("bad.json"))
        let bad = try await city.anju(["round", "create", "--policy", city.scratch.path("bad.json")])
        #expect(bad.status == 65 && bad.diagnostics.count == 2, "\(bad)")
        let emptySeed = try await city.anju(["round", "create", "--policy", city.scratch.path("in/policy.json"), "--seed", ""])
        #expect(emptySeed.status == 64, "\(emptySeed)")
        #expect(try city.connection.query("SELECT count(*) FROM rounds").first?[0] == "0")
    }

    /// SIGKILL at random moments of `round run` leaves nothing behind; the rerun then gives
    /// exactly the offers the engine computes on the same data.
    @Test func killedRunLeavesNothingAndRerunIsIdentical() async throws {
        let city = try await ImportedCity(label: "roundkill", applicants: 6_000, slots: 2_000)
        let create = try await city.anju(["round", "create", "--policy", city.scratch.path("in/policy.json"), "--id", "K", "--seed", "kill seed"])
        try #require(create.status == 0, "\(create)")
        let before = try inventory(city.connection)
        var killedInside = 0
        for delay in [0.0, 0.15, 0.4, 0.8] {
            let process = try BackgroundProcess(
                [Anju.executable.path, "round", "run", "K", "--quiet"],
                environment: city.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }, output: "/dev/null")
            // Wait until the run holds its lock (it is inside its transaction), then a bit more.
            let deadline = Date().addingTimeInterval(20)
            while try city.connection.query("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """).first?[0] == "0", process.isRunning, Date() < deadline {
                usleep(2_000)
            }
            if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
            if process.isRunning {
                kill(process.pid, SIGKILL)
                killedInside += 1
            }
            if process.wait() < 128 {
                // An exit status, not 128 + a signal: the run finished before the kill, too fast
                // to test this delay; start over.
                break
            }
            // The server rolls the dead session back; nothing of the run may remain.
            try waitForNoSession(city.connection)
            #expect(try city.connection.query("SELECT status FROM rounds WHERE round_id = 'K'").first?[0] == "draft")
            for table in ["offers", "round_results", "round_snapshots"] {
                #expect(try city.connection.query("SELECT count(*) FROM \(table)").first?[0] == "0", "\(table) after kill at +\(delay) s")
            }
            #expect(try inventory(city.connection) == before, "slots or applicants changed by a killed run")
        }
        #expect(killedInside >= 2, "the run was too fast to kill inside its transaction")
        let status = try city.connection.query("SELECT status FROM rounds WHERE round_id = 'K'").first?[0]
        if status == "draft" {
            let rerun = try await city.anju(["round", "run", "K", "--quiet"])
            try #require(rerun.status == 0, "\(rerun)")
        }
        #expect(try city.offers() == (try city.expectedOffers(seed: "kill seed")))
        let verify = try await city.anju(["round", "verify", "K"])
        #expect(verify.status == 0, "\(verify)")
    }

    /// SIGKILL at the worst moments of the write: while the run waits inside its marking
    /// statement, and after it has marked slots and applicants and inserted the offers,
    /// with the result rows streaming in from the encoding thread. Another session's lock
    /// holds the run at each point, so the kill lands there every time; nothing remains.
    @Test func killedWhileWritingLeavesNothing() async throws {
        let city = try await ImportedCity(label: "roundkillwrite", applicants: 3_000, slots: 1_000)
        let create = try await city.anju(["round", "create", "--policy", city.scratch.path("in/policy.json"), "--id", "K", "--seed", "kill seed"])
        try #require(create.status == 0, "\(create)")
        let before = try inventory(city.connection)
        for table in ["offers", "round_results"] {
            let blocker = try PostgresConnection(city.environment["DATABASE_URL"]!)
            try blocker.query("BEGIN")
            try blocker.query("LOCK TABLE \(table) IN SHARE MODE")
            let process = try BackgroundProcess(
                [Anju.executable.path, "round", "run", "K", "--quiet"],
                environment: city.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }, output: "/dev/null")
            let deadline = Date().addingTimeInterval(60)
            while try blocker.query(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '\(table)'::regclass").first?[0] == "0",
                process.isRunning, Date() < deadline
            {
                usleep(2_000)
            }
            #expect(process.isRunning, "the run ended before it reached \(table)")
            if table == "round_results" {
                // Past the marking statement: its rows are there, uncommitted, for the run's session only.
                let waiting = try blocker.query("""
                    SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                    """).map { $0[0] ?? "" }
                #expect(waiting.count == 1 && waiting[0].hasPrefix("COPY round_results"), "\(waiting)")
            }
            kill(process.pid, SIGKILL)
            #expect(process.wait() == 128 + SIGKILL)
            // The server notices the dead client once the lock is released, and rolls back.
            try blocker.query("COMMIT")
            try waitForNoSession(city.connection)
            #expect(try city.connection.query("SELECT status FROM rounds WHERE round_id = 'K'").first?[0] == "draft")
            for t in ["offers", "round_results", "round_snapshots", "outbox"] {
                #expect(try city.connection.query("SELECT count(*) FROM \(t)").first?[0] == "0", "\(t) after a kill at \(table)")
            }
            #expect(try inventory(city.connection) == before, "slots or applicants changed by a run killed at \(table)")
        }
        let rerun = try await city.anju(["round", "run", "K", "--quiet"])
        try #require(rerun.status == 0, "\(rerun)")
        #expect(try city.offers() == (try city.expectedOffers(seed: "kill seed")))
        let verify = try await city.anju(["round", "verify", "K"])
        #expect(verify.status == 0, "\(verify)")
    }

    private func inventory(_ c: PostgresConnection) throws -> [String] {
        try c.query("""
            SELECT string_agg(slot_id || ':' || status || ':' || version, ',' ORDER BY slot_id) FROM slots
            UNION ALL
            SELECT string_agg(applicant_id || ':' || status, ',' ORDER BY applicant_id) FROM applicants
            """).map { $0[0] ?? "" }
    }

    /// Waits until no other session is connected to the test database (the killed client's
    /// backend has noticed and rolled back).
    private func waitForNoSession(_ c: PostgresConnection) throws {
        let deadline = Date().addingTimeInterval(10)
        while try c.query("""
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """).first?[0] != "0", Date() < deadline {
            usleep(5_000)
        }
    }
}
