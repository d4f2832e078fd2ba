import AnjuBenchmarks
import Foundation
import Harness
import Postgres
import PostgresTestSupport
import Store
import Testing

/// The peer of `anju bench apply`: its pgbench script runs in both modes the benchmark uses
/// and writes, per transaction, the rows one application writes — no more, no fewer.
@Suite struct ApplyScriptTests {
    @Test("pgbench runs the apply script in prepared and extended mode: each transaction one applicant with contact, two keys, token and audit row")
    func writesTheRows() throws {
        let connection = try TestDatabase.migrated("applyscript")
        let store = try Store(connection: connection, city: "bench", actor: "test:bureau")
        _ = try store.importFile(.projects, bytes: Array("""
            project_id,name,district,lat,lon,programme
            P1,人民广场公寓,Huangpu,31.2304,121.4737,general

            """.utf8))
        let cluster = try TestDatabase.cluster.get()
        let database = try #require(try connection.query("SELECT current_database()").first?[0])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("anju-applyscript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = scratch.appendingPathComponent("apply.sql")
        try ApplyBenchmark.pgbenchScript().write(to: script, atomically: true, encoding: .utf8)
        let pgbench = try PrivateCluster.binFolder().appendingPathComponent("pgbench")
        for mode in ["prepared", "extended"] {
            let (status, text) = try BackgroundProcess.run([
                pgbench.path, "-n", "-M", mode, "-c", "2", "-t", "15", "-D", "city=bench", "-f", script.path,
                "-h", cluster.socketFolder.path, "-p", String(cluster.port), "-U", cluster.user, database,
            ])
            #expect(status == 0, "\(text)")
            #expect(text.contains("number of failed transactions: 0"), "\(text)")
        }
        func count(_ sql: String) throws -> Int { Int(try connection.query(sql).first?[0] ?? "") ?? -1 }
        #expect(try count("SELECT count(*) FROM applicants WHERE city = 'bench' AND source = 'application' AND status = 'pending_review'") == 60)
        #expect(try count("SELECT count(*) FROM applicant_contacts WHERE city = 'bench'") == 60)
        #expect(try count("SELECT count(*) FROM applicant_match_keys WHERE city = 'bench'") == 120)
        #expect(try count("SELECT count(*) FROM applicant_tokens WHERE city = 'bench' AND issued_by = 'applicant:new'") == 60)
        #expect(try count("SELECT count(*) FROM audit_log WHERE city = 'bench' AND action = 'application.submit' AND actor = 'applicant:new'") == 60)
    }
}
