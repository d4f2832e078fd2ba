import AnjuBenchmarks
import Foundation
import Harness
import Postgres
import PostgresTestSupport
import Store
import Testing

/// The pgbench script `anju bench api` writes is the store's own status statement: it runs
/// under pgbench in the benchmark's mode and answers what the store answers.
@Suite struct BenchScriptTests {
    /// Applicants A0000001…A0000003 (the generator's id shape), through a run round.
    private func city() throws -> (PostgresConnection, Store) {
        let connection = try TestDatabase.migrated("benchscript")
        let store = try Store(connection: connection, city: "bench", actor: "test:bureau")
        _ = try store.importFile(.projects, bytes: Array("""
            project_id,name,district,lat,lon,programme
            P1,人民广场公寓,Huangpu,31.2304,121.4737,general

            """.utf8))
        _ = try store.importFile(.slots, bytes: Array("""
            slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
            S1,P1,apartment,,3,2000,any,false,available,

            """.utf8))
        _ = try store.importFile(.applicants, bytes: Array("""
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
            A0000001,general,1,female,1995-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
            A0000002,general,1,male,1994-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
            A0000003,general,1,male,1994-03-01,8000,31.2300,121.4700,Huangpu,60,100,false,0,,

            """.utf8))
        _ = try store.createRound(id: "R1", policy: Array(#"{"round_date": "2026-12-01", "seed": "bench"}"#.utf8))
        _ = try store.runRound("R1")
        return (connection, store)
    }

    @Test("the script's statement is the store's, with its variables for the parameters")
    func sameStatement() throws {
        let (connection, _) = try city()
        let script = APIBenchmark.pgbenchScript()
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains("\\set i random(1, :applicants)"))
        // With pgbench's variables filled in by hand, the script's statement answers row
        // for row what the prepared store statement answers for the same applicant
        // (token NULL: the bureau's reading).
        let body = lines.filter { !$0.hasPrefix("--") && !$0.hasPrefix("\\") }.joined(separator: "\n")
        let sql = body.replacingOccurrences(of: ":city", with: "'bench'").replacingOccurrences(of: ":i::text", with: "'2'")
            .trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
        #expect(!sql.contains(":city") && !sql.contains("$"))
        for id in ["A0000001", "A0000002"] {
            let fromScript = try connection.query(sql.replacingOccurrences(of: "'2'", with: "'\(id.dropFirst().drop { $0 == "0" })'"))
            let fromStore = try connection.preparedQuery(Store.applicantStatusStatement, ["bench", id, nil])
            #expect(fromScript.values == fromStore.values, "\(id)")
            #expect(fromStore.count >= 2, "the applicant row and at least the round's result")
        }
    }

    @Test("pgbench runs the script in prepared mode without a failed transaction")
    func pgbenchRunsIt() throws {
        let (connection, _) = try city()
        let cluster = try TestDatabase.cluster.get()
        let database = try #require(try connection.query("SELECT current_database()").first?[0])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("anju-benchscript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = scratch.appendingPathComponent("status.sql")
        try APIBenchmark.pgbenchScript().write(to: script, atomically: true, encoding: .utf8)
        let pgbench = try PrivateCluster.binFolder().appendingPathComponent("pgbench")
        try #require(FileManager.default.isExecutableFile(atPath: pgbench.path), "pgbench ships with postgresql-15")
        let (status, text) = try BackgroundProcess.run([
            pgbench.path, "-n", "-M", "prepared", "-c", "2", "-t", "30", "-D", "city=bench", "-D", "applicants=3", "-f", script.path,
            "-h", cluster.socketFolder.path, "-p", String(cluster.port), "-U", cluster.user, database,
        ])
        #expect(status == 0, "\(text)")
        #expect(text.contains("number of transactions actually processed: 60/60"), "\(text)")
        #expect(text.contains("number of failed transactions: 0"), "\(text)")
    }
}
