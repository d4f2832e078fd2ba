import CityGenerator
import Foundation
import Harness
import Postgres
import PostgresTestSupport
import Testing

/// `anju import applicants` killed with SIGKILL at random moments inside its transaction
/// leaves nothing behind, on both of its paths: straight into `applicants` (a city's first
/// file) and staged and merged (a file whose ids partly exist). Afterwards the same file
/// imports completely.
@Suite(.timeLimit(.minutes(5)))
struct ImportKillTests {
    @Test func killedImportLeavesNothingOnEitherPath() async throws {
        let scratch = try ScratchFolder()
        let (connection, url) = try TestDatabase.migratedWithURL("importkill")
        let environment = ["DATABASE_URL": url, "ANJU_CITY": "sh", "ANJU_ACTOR": "cli:test", "SWIFT_BACKTRACE": "enable=no"]
        let lines = CityGenerator(applicants: 60_000, slots: 10, seed: "import kill").generate().applicantsCSV
            .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let whole = scratch.path("applicants.csv")
        try Files.write(Array(lines.joined(separator: [UInt8(ascii: "\n")])), to: whole)
        let firstHalf = scratch.path("first.csv")
        try Files.write(Array((lines.prefix(30_001) + [[]]).joined(separator: [UInt8(ascii: "\n")])), to: firstHalf)

        // The straight path: the city has no applicant yet.
        try killRepeatedly(whole, environment: environment, connection: connection, path: "straight in")
        let first = try await Anju.run(["import", "applicants", firstHalf], environment: environment)
        try #require(first.status == 0 && first.stdout.contains("30000 rows: 30000 inserted"), "\(first)")

        // The merge path: half of the file's ids are stored.
        try killRepeatedly(whole, environment: environment, connection: connection, path: "merge")
        let rest = try await Anju.run(["import", "applicants", whole], environment: environment)
        #expect(rest.status == 0 && rest.stdout.contains("60000 rows: 30000 inserted, 0 updated, 30000 unchanged"), "\(rest)")
        #expect(try connection.query("SELECT count(*) FROM applicants").first?[0] == "60000")
    }

    /// Starts `anju import applicants file` and kills it at several moments after its first
    /// COPY began; each time, every table it writes must be exactly as before.
    private func killRepeatedly(_ file: String, environment: [String: String], connection: PostgresConnection, path: String) throws {
        let before = try contents(connection)
        var killedInside = 0
        for delay in [0.0, 0.01, 0.05, 0.12] {
            let process = try BackgroundProcess(
                [Anju.executable.path, "import", "applicants", file], environment: environment, output: "/dev/null")
            // Wait until the import has begun to COPY rows (it is inside its transaction).
            let deadline = Date().addingTimeInterval(60)
            while try connection.query("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY %'
                """).first?[0] == "0", process.isRunning, Date() < deadline {
                usleep(1_000)
            }
            if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
            if process.isRunning {
                kill(process.pid, SIGKILL)
            }
            let status = process.wait()
            guard status >= 128 else {
                // It finished before the kill: nothing was tested, and the file is now stored.
                Issue.record("the \(path) import finished (status \(status)) before a kill at +\(delay) s")
                return
            }
            killedInside += 1
            try waitForNoSession(connection)
            #expect(try contents(connection) == before, "\(path): tables changed by an import killed at +\(delay) s")
        }
        #expect(killedInside == 4, "\(path)")
    }

    /// What an import writes: applicants, employers and the audit log, in full.
    private func contents(_ c: PostgresConnection) throws -> [String] {
        try ["applicants", "employers", "audit_log"].map { table in
            try c.query("SELECT count(*)::text || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(table) t")
                .first?[0] ?? ""
        }
    }

    /// Waits until no other session is connected to the test database (the killed client's
    /// backend has noticed and rolled back).
    private func waitForNoSession(_ c: PostgresConnection) throws {
        let deadline = Date().addingTimeInterval(20)
        while try c.query("""
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """).first?[0] != "0", Date() < deadline {
            usleep(5_000)
        }
    }
}
