import Foundation
import Harness
import Postgres
import Store

/// The comparison point of `anju bench apply`: pgbench writing, per transaction, the rows a
/// new person's application writes, with the statements `Store.submitApplication` sends for
/// one (identity and name-birth-phone keys, no duplicate found): the two advisory locks on
/// the person keys, the applicant, the contact, two match keys, the token, the duplicate
/// lookup and the audit row — one transaction, fsync on, straight to PostgreSQL. No HTTP,
/// no JSON, no validation, no HMAC, no workplace-site read: what a user would otherwise
/// write by hand, and so the database's own ceiling for this work on this machine.
extension ApplyBenchmark {
    public static func pgbenchScript() -> String {
        """
        -- Written by `anju bench apply`: the rows of one new application (Store.submitApplication); variable: city.
        -- Variables are bound parameters: run it with -M prepared or -M extended. The actor
        -- 'applicant:new' is spelled as a concatenation: pgbench would read :new as a variable.
        \\set n random(1, 1000000000)
        BEGIN;
        SELECT 'pg' || txid_current() AS id, encode(sha256(('i' || :n::text || '-' || txid_current())::bytea), 'hex') AS ih,
            encode(sha256(('p' || :n::text || '-' || txid_current())::bytea), 'hex') AS ph,
            encode(sha256(('t' || :n::text || '-' || txid_current())::bytea), 'hex') AS th \\gset
        SELECT pg_advisory_xact_lock(hashtextextended('anju.person:' || :city || ':' || :ih, 0));
        SELECT pg_advisory_xact_lock(hashtextextended('anju.person:' || :city || ':' || :ph, 0));
        INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
            work_lat, work_lon, work_district, max_commute_min, max_rent, needs_accessible, priority_points,
            employer_id, applied_at, status, source, changed_by, workplace_site)
        VALUES (:city, :id, 'general', 1, 'female', '1990-01-01'::date, 6000, 31.23::numeric, 121.47::numeric, 'Huangpu',
            NULL, NULL, false, 0, NULL, now(), 'pending_review', 'application', 'applicant', NULL);
        INSERT INTO applicant_contacts (city, applicant_id, name, phone, email, language)
        VALUES (:city, :id, 'Bench ' || :n::text, '138' || lpad(:n::text, 9, '0'), NULL, 'en')
        ON CONFLICT (city, applicant_id) DO UPDATE
        SET name = EXCLUDED.name, phone = EXCLUDED.phone, email = EXCLUDED.email, language = EXCLUDED.language;
        INSERT INTO applicant_match_keys (city, applicant_id, kind, key_hash) VALUES (:city, :id, 'identity', :ih)
        ON CONFLICT (city, applicant_id, kind) DO UPDATE SET key_hash = EXCLUDED.key_hash;
        INSERT INTO applicant_match_keys (city, applicant_id, kind, key_hash) VALUES (:city, :id, 'name_birth_phone', :ph)
        ON CONFLICT (city, applicant_id, kind) DO UPDATE SET key_hash = EXCLUDED.key_hash;
        INSERT INTO applicant_tokens (city, applicant_id, token_hash, issued_by)
        VALUES (:city, :id, :th, 'applicant' || ':' || 'new');
        SELECT k.applicant_id, array_agg(DISTINCT k.kind ORDER BY k.kind)::text
        FROM applicant_match_keys k JOIN applicants a ON a.city = k.city AND a.applicant_id = k.applicant_id
        WHERE k.city = :city AND k.key_hash = ANY (ARRAY[:ih::text, :ph::text]) AND k.applicant_id <> :id
          AND a.status NOT IN ('rejected', 'withdrawn')
        GROUP BY k.applicant_id ORDER BY k.applicant_id COLLATE "C";
        INSERT INTO audit_log (city, actor, action, entity, entity_id, details)
        VALUES (:city, 'applicant' || ':' || 'new', 'application.submit', 'applicant', :id, '{"category":"general"}'::jsonb);
        COMMIT;

        """
    }

    /// pgbench with `pgbenchScript()` for `seconds` with `connections` clients; the rows it
    /// wrote are checked against its count of transactions.
    func pgbench(mode: String, seconds: Int, url: String) throws -> Run {
        let script = "\(workDirectory)/apply.sql"
        try Self.pgbenchScript().write(toFile: script, atomically: true, encoding: .utf8)
        let logs = "\(workDirectory)/pgbench-apply-logs"
        try? FileManager.default.removeItem(atPath: logs)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let bin = (try? PrivateCluster.binFolder().appendingPathComponent("pgbench").path).flatMap {
            FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
        } ?? "pgbench"
        let db = try Store(connection: PostgresConnection(url), city: Self.city, actor: "bench")
        let before = try db.applicationCount()
        let r = try BackgroundProcess.run([
            bin, "-n", "-M", mode, "-c", String(connections), "-j", "2", "-T", String(seconds), "-D", "city=\(Self.city)",
            "-f", script, "--log", "--log-prefix=\(logs)/tx",
            "-h", cluster.socketFolder.path, "-p", String(cluster.port), "-U", cluster.user, Self.database,
        ])
        guard r.status == 0 else { throw BenchmarkError("pgbench exited \(r.status): \(r.output.suffix(500))") }
        var latencies: [Int] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: logs) {
            for line in try String(contentsOfFile: "\(logs)/\(file)", encoding: .utf8).split(separator: "\n") {
                let columns = line.split(separator: " ")
                if columns.count >= 3, let us = Int(columns[2]) { latencies.append(us) }
            }
        }
        let lines = r.output.split(separator: "\n")
        let tps = lines.first { $0.hasPrefix("tps = ") }.flatMap { Double($0.dropFirst(6).split(separator: " ").first ?? "") }
        let processed = lines.first { $0.hasPrefix("number of transactions actually processed: ") }
            .flatMap { Int($0.split(separator: " ").last?.split(separator: "/").first ?? "") } ?? 0
        let failed = lines.first { $0.hasPrefix("number of failed transactions: ") }.flatMap { Int($0.split(separator: " ")[4]) } ?? 0
        guard let tps, !latencies.isEmpty else { throw BenchmarkError("pgbench printed no tps or wrote no log: \(r.output.suffix(500))") }
        latencies.sort()
        var run = Run(
            submissionsPerSecond: tps, p50Milliseconds: Double(APIBenchmark.percentile(latencies, 50)) / 1000,
            p99Milliseconds: Double(APIBenchmark.percentile(latencies, 99)) / 1000)
        run.created = processed
        run.failures = failed
        run.storedMinusCreated = try db.applicationCount() - before - processed
        return run
    }
}
