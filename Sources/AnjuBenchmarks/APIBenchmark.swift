import CityGenerator
import Foundation
import Harness
import Postgres
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `anju bench api`: the HTTP API under load, beside the database's own ceiling.
///
/// Set-up (untimed), in a fresh database of the private cluster: migrate, import a generated
/// city, issue a token to every applicant (`anju tokens issue --all-waiting`), run a
/// deferred-acceptance round (so applicants have offers, results and reasons), create an
/// operator key, then VACUUM (ANALYZE) and CHECKPOINT. Then `anju serve` runs as a child
/// process and, per repetition:
///
/// - **status lookups**: wrk (`Tests/Benchmarks/status.lua`) sends
///   `GET /v1/applicants/{id}`, each request as a random applicant with their own token;
/// - **the ceiling**: pgbench runs the statement the server runs for one lookup
///   (`Store.applicantStatusStatement`, written out by `pgbenchScript`) for a uniformly
///   random applicant, straight against PostgreSQL, with as many clients. Its token
///   parameter is NULL, so the database skips the token check the server's lookups pay
///   for: the ceiling is, if anything, a little high;
/// - **operator updates**: threads with a keep-alive connection each send
///   `PUT /v1/operator/slots/{id}/status` with `expected_version`, toggling their slot
///   between available and maintenance, several threads per slot so stale versions meet
///   409s; afterwards SQL checks that no update was lost.
public struct APIBenchmark {
    public var applicants: Int
    public var slots: Int
    public var repetitions: Int
    /// Seconds per wrk and pgbench run.
    public var duration: Int
    /// wrk connections and pgbench clients.
    public var connections: Int
    /// `anju serve --pool-size`.
    public var poolSize: Int
    /// Concurrent operator clients, and how many of them share one slot.
    public var operatorWorkers: Int
    public var workersPerSlot: Int
    /// pgbench query modes to run (`prepared` is the ceiling; `extended` is what the server's
    /// libpq calls do: parse and plan each query every time).
    public var pgbenchModes: [String]
    public var port: Int
    public var anju: String
    public var workDirectory: String
    /// Where `status.lua` and `install-bench-tools.sh` are.
    public var scripts: String
    public var seed: String
    public var cluster: PrivateCluster
    /// A SQL script applied right after `anju migrate` (a candidate migration, e.g. an
    /// index), so its effect is measured by the same run; nil for the schema as it is.
    public var extraSQL: String?

    public init(
        applicants: Int, slots: Int, repetitions: Int, duration: Int, connections: Int, poolSize: Int,
        operatorWorkers: Int, workersPerSlot: Int, pgbenchModes: [String], port: Int, anju: String,
        workDirectory: String, scripts: String, seed: String, cluster: PrivateCluster, extraSQL: String? = nil
    ) {
        self.extraSQL = extraSQL
        self.applicants = applicants
        self.slots = slots
        self.repetitions = repetitions
        self.duration = duration
        self.connections = connections
        self.poolSize = poolSize
        self.operatorWorkers = operatorWorkers
        self.workersPerSlot = workersPerSlot
        self.pgbenchModes = pgbenchModes
        self.port = port
        self.anju = anju
        self.workDirectory = workDirectory
        self.scripts = scripts
        self.seed = seed
        self.cluster = cluster
    }

    /// One load run's figures.
    public struct Measurement: Sendable {
        public var requestsPerSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        /// Requests that failed (non-2xx, socket errors, failed transactions).
        public var failures: Int
        /// CPU the `anju serve` process used, as a share of one core (status lookups only).
        public var serverCPU: Double?
    }

    /// One operator-update run: successful changes, stale-version refusals, no lost update.
    public struct OperatorRun: Sendable {
        public var updatesPerSecond: Double
        public var conflictsPerSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var failures: Int
        /// Slots whose final version, returned versions or audit rows disagree with the
        /// successful changes (must be 0).
        public var lostUpdates: Int
    }

    /// Everything measured, per repetition.
    public struct Result: Sendable {
        public var wrk: [Measurement] = []
        public var pgbench: [String: [Measurement]] = [:]
        public var operators: [OperatorRun] = []
        public var offered = 0
        public var tokens = 0
    }

    static let database = "anju_bench_api"
    static let city = "bench"

    public func run(log: (String) -> Void) throws -> Result {
        try installTools(log: log)
        var result = Result()
        let setup = try prepare(log: log, into: &result)
        let serverLog = "\(workDirectory)/api-serve.log"
        log("starting anju serve on 127.0.0.1:\(port), --pool-size \(poolSize) (log: \(serverLog))")
        let server = try BackgroundProcess(
            [anju, "serve", "--host", "127.0.0.1", "--port", String(port), "--pool-size", String(poolSize), "--city", Self.city],
            environment: ["DATABASE_URL": setup.url, "LOG_LEVEL": "warning"], output: serverLog)
        defer { server.stop() }
        try waitUntilReady(server: server)
        log("warming up (3 s)")
        _ = try wrk(seconds: 3, tokens: setup.tokens, server: server)
        for i in 0..<repetitions {
            // Alternate which runs first, so neither always meets a warmer cache.
            let order = i % 2 == 0 ? ["wrk"] + pgbenchModes : pgbenchModes + ["wrk"]
            for tool in order {
                if tool == "wrk" {
                    let m = try wrk(seconds: duration, tokens: setup.tokens, server: server)
                    result.wrk.append(m)
                    log(Self.describe("run \(i + 1) anju serve (wrk)", m))
                } else {
                    let m = try pgbench(mode: tool, seconds: duration)
                    result.pgbench[tool, default: []].append(m)
                    log(Self.describe("run \(i + 1) pgbench -M \(tool)", m))
                }
            }
            let op = try operatorUpdates(setup: setup, seconds: min(duration, 10))
            result.operators.append(op)
            log(
                String(
                    format: "run %d operator updates: %.0f/s, %.0f conflicts/s, p50 %.2f ms, p99 %.2f ms, %d failures, %d lost",
                    i + 1, op.updatesPerSecond, op.conflictsPerSecond, op.p50Milliseconds, op.p99Milliseconds, op.failures,
                    op.lostUpdates))
        }
        return result
    }

    static func describe(_ label: String, _ m: Measurement) -> String {
        String(
            format: "%@: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d failures%@", label, m.requestsPerSecond, m.p50Milliseconds,
            m.p99Milliseconds, m.failures, m.serverCPU.map { String(format: ", anju CPU %.0f%%", $0 * 100) } ?? "")
    }

    // MARK: Set-up

    /// What the load runs need from the set-up.
    struct Setup {
        var url: String
        /// `applicant_id,token` for every applicant.
        var tokens: String
        /// The operator key's text.
        var operatorKey: String
        /// Slots without offers or tenancies, in the key's projects, that operators toggle.
        var operatorSlots: [String]
    }

    private func installTools(log: (String) -> Void) throws {
        let script = "\(scripts)/install-bench-tools.sh"
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchmarkError("no \(script): pass --scripts with the folder holding install-bench-tools.sh and status.lua")
        }
        let r = try ChildProcess.run(["bash", script])
        guard r.status == 0 else { throw BenchmarkError("\(script) exited \(r.status): install wrk and pgbench") }
    }

    private func prepare(log: (String) -> Void, into result: inout Result) throws -> Setup {
        let dir = "\(workDirectory)/city-\(applicants)x\(slots)"
        log("generating \(applicants) applicants × \(slots) slots in \(dir)")
        try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: dir)
        let url = try StoreDatabase.freshDatabase(Self.database, on: cluster).url
        let env = ["DATABASE_URL": url, "ANJU_CITY": Self.city, "ANJU_ACTOR": "bench"]
        if let extraSQL {
            log("applying \(extraSQL)")
            try PostgresConnection(url).executeScript(try String(contentsOfFile: extraSQL, encoding: .utf8))
        }
        for kind in ["projects", "slots", "applicants"] {
            try check(ChildProcess.run([anju, "import", kind, "\(dir)/\(kind).csv"], environment: env), "anju import \(kind)")
        }
        let tokens = "\(workDirectory)/api-tokens.csv"
        unlink(tokens)
        try check(ChildProcess.run([anju, "tokens", "issue", "--all-waiting", "--out", tokens], environment: env), "anju tokens issue")
        try check(
            ChildProcess.run(
                [anju, "round", "create", "--policy", "\(dir)/policy.json", "--id", "B", "--mechanism", "deferred_acceptance"],
                environment: env),
            "anju round create")
        try check(ChildProcess.run([anju, "round", "run", "B", "--quiet"], environment: env), "anju round run")

        let db = try PostgresConnection(url)
        let store = try Store(connection: db, city: Self.city, actor: "bench")
        result.tokens = try store.tokenCount()
        result.offered = try store.offerCounts("B").reduce(0) { $0 + $1.count }
        guard result.tokens == applicants else {
            throw BenchmarkError("expected a token for each of the \(applicants) applicants, got \(result.tokens)")
        }
        let slotCount = max(1, operatorWorkers / max(1, workersPerSlot))
        let chosen = try store.freeSlots(limit: slotCount)
        guard chosen.count == slotCount else {
            throw BenchmarkError("the round left \(chosen.count) slots without offers; operator updates need \(slotCount)")
        }
        let projects = Set(chosen.map(\.projectID)).sorted()
        let key = try ChildProcess.run(
            [anju, "keys", "create", "--operator", "bench", "--projects", projects.joined(separator: ",")], environment: env)
        try check(key, "anju keys create")
        // Steady state, as a database in service would be: statistics, hint bits and the
        // visibility map set, the bulk load checkpointed (else the first run pays for them).
        try db.query("VACUUM (ANALYZE)")
        try db.query("CHECKPOINT")
        log("  \(result.tokens) tokens, \(result.offered) offers; operator key for \(projects.count) projects, \(slotCount) slots")
        return Setup(
            url: url, tokens: tokens, operatorKey: key.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
            operatorSlots: chosen.map(\.slotID))
    }

    private func check(_ r: ChildProcess.Outcome, _ what: String) throws {
        guard r.status == 0 else { throw BenchmarkError("\(what) exited \(r.status): \(r.stdout.suffix(500))") }
    }

    private func waitUntilReady(server: BackgroundProcess) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard server.isRunning else { throw BenchmarkError("anju serve exited early; see \(server.output)") }
            if let connection = try? LoopbackHTTP(port: port), let r = try? connection.exchange(.init(path: "/readyz")), r.status == 200 {
                return
            }
            usleep(200_000)
        }
        throw BenchmarkError("anju serve was not ready on port \(port) within 60 s; see \(server.output)")
    }

    // MARK: Status lookups

    /// wrk against the server; the Lua script prints one `ANJU_WRK` line of figures.
    private func wrk(seconds: Int, tokens: String, server: BackgroundProcess) throws -> Measurement {
        let cpuBefore = server.cpuSeconds
        let r = try BackgroundProcess.run(
            [
                // A request slower than wrk's default 2 s timeout would be dropped from the
                // latencies (and only counted as an error): wait 30 s, so p99 sees it.
                "wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "--timeout", "30s", "--latency", "-s", "\(scripts)/status.lua",
                "http://127.0.0.1:\(port)",
            ], environment: ["ANJU_BENCH_TOKENS": tokens])
        let cpu = server.cpuSeconds - cpuBefore
        guard r.status == 0, let line = r.output.split(separator: "\n").first(where: { $0.hasPrefix("ANJU_WRK ") }) else {
            throw BenchmarkError("wrk exited \(r.status): \(r.output.suffix(500))")
        }
        var fields: [String: Double] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let kv = pair.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { fields[String(kv[0])] = v }
        }
        let duration = (fields["duration_us"] ?? 0) / 1e6
        guard duration > 0 else { throw BenchmarkError("wrk reported no duration: \(line)") }
        return Measurement(
            requestsPerSecond: (fields["requests"] ?? 0) / duration, p50Milliseconds: (fields["p50_us"] ?? 0) / 1000,
            p99Milliseconds: (fields["p99_us"] ?? 0) / 1000,
            failures: Int((fields["non2xx"] ?? 0) + (fields["errors"] ?? 0)), serverCPU: cpu / duration)
    }

    /// The pgbench script: the store's status statement, verbatim but for its parameters
    /// (`$1` the city, `$2` a random generated applicant id, `$3` NULL) and the timestamp
    /// format, whose `HH24:MI:SS` pgbench would read as variables `:MI` and `:SS`; it is
    /// spelled as a concatenation of constants, folded once when the plan is made.
    public static func pgbenchScript() -> String {
        let statement = Store.applicantStatusStatement
            .replacingOccurrences(of: "HH24:MI:SS", with: "HH24' || ':' || 'MI' || ':' || 'SS")
            .replacingOccurrences(of: "$1", with: ":city")
            .replacingOccurrences(of: "$2", with: "('A' || lpad(:i::text, 7, '0'))")
            .replacingOccurrences(of: "$3::text", with: "NULL::text")
        return """
            -- Written by `anju bench api` from Store.applicantStatusStatement; variables: city, applicants.
            \\set i random(1, :applicants)
            \(statement);

            """
    }

    /// pgbench with the status statement; percentiles from its per-transaction log.
    private func pgbench(mode: String, seconds: Int) throws -> Measurement {
        let script = "\(workDirectory)/status.sql"
        try Self.pgbenchScript().write(toFile: script, atomically: true, encoding: .utf8)
        let logs = "\(workDirectory)/pgbench-logs"
        try? FileManager.default.removeItem(atPath: logs)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let bin = (try? PrivateCluster.binFolder().appendingPathComponent("pgbench").path).flatMap {
            FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
        } ?? "pgbench"
        let r = try BackgroundProcess.run([
            bin, "-n", "-M", mode, "-c", String(connections), "-j", "2", "-T", String(seconds),
            "-D", "city=\(Self.city)", "-D", "applicants=\(applicants)", "-f", script,
            "--log", "--log-prefix=\(logs)/tx",
            "-h", cluster.socketFolder.path, "-p", String(cluster.port), "-U", cluster.user, Self.database,
        ])
        guard r.status == 0 else { throw BenchmarkError("pgbench exited \(r.status): \(r.output.suffix(500))") }
        var latencies: [Int] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: logs) {
            let text = try String(contentsOfFile: "\(logs)/\(file)", encoding: .utf8)
            for line in text.split(separator: "\n") {
                let columns = line.split(separator: " ")
                if columns.count >= 3, let us = Int(columns[2]) { latencies.append(us) }
            }
        }
        let tps = r.output.split(separator: "\n").first { $0.hasPrefix("tps = ") }
            .flatMap { Double($0.dropFirst(6).split(separator: " ").first ?? "") }
        let failed = r.output.split(separator: "\n").first { $0.hasPrefix("number of failed transactions: ") }
            .flatMap { Int($0.split(separator: " ")[4]) } ?? 0
        guard let tps, !latencies.isEmpty else { throw BenchmarkError("pgbench printed no tps or wrote no log: \(r.output.suffix(500))") }
        latencies.sort()
        return Measurement(
            requestsPerSecond: tps, p50Milliseconds: Double(Self.percentile(latencies, 50)) / 1000,
            p99Milliseconds: Double(Self.percentile(latencies, 99)) / 1000, failures: failed, serverCPU: nil)
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Int], _ p: Double) -> Int {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

// MARK: Operator updates

extension APIBenchmark {
    /// What one operator client did.
    private struct WorkerOutcome: Sendable {
        var slot: String
        /// The version each successful change returned.
        var versions: [Int64] = []
        var conflicts = 0
        var failures = 0
        var latenciesMicroseconds: [Int] = []
    }

    /// `operatorWorkers` threads, `workersPerSlot` on each slot, each with its own keep-alive
    /// connection, toggle their slot for `seconds`. A 409 (another client changed the slot
    /// first) makes the client read the slot again (by SQL, as an operator would reload) and
    /// retry. Then every slot must show exactly the successful changes: final version =
    /// initial + successes, the returned versions exactly initial+1…final, one audit row each.
    private func operatorUpdates(setup: Setup, seconds: Int) throws -> OperatorRun {
        let store = try Store(connection: try PostgresConnection(setup.url), city: Self.city, actor: "bench")
        func versions() throws -> [String: Int64] { try store.slotStates(setup.operatorSlots).mapValues(\.version) }
        func auditRows() throws -> [String: Int] {
            try store.auditCounts(action: "slot.set_status", entity: "slot", ids: setup.operatorSlots)
        }
        let versionsBefore = try versions()
        let auditBefore = try auditRows()

        let outcomes = Mutex<[WorkerOutcome]>([])
        let group = DispatchGroup()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds) * 1_000_000_000
        let start = DispatchTime.now().uptimeNanoseconds
        for w in 0..<operatorWorkers {
            let slot = setup.operatorSlots[w % setup.operatorSlots.count]
            let (port, key, url) = (self.port, setup.operatorKey, setup.url)
            group.enter()
            Thread.detachNewThread {
                let outcome = Self.operatorClient(slot: slot, port: port, key: key, url: url, deadline: deadline)
                outcomes.withLock { $0.append(outcome) }
                group.leave()
            }
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let all = outcomes.withLock { $0 }

        let versionsAfter = try versions()
        let auditAfter = try auditRows()
        var lost = 0
        for slot in setup.operatorSlots {
            let returned = all.filter { $0.slot == slot }.flatMap(\.versions).sorted()
            let first = versionsBefore[slot] ?? 0
            let last = versionsAfter[slot] ?? 0
            let expected = Array(stride(from: first + 1, through: last, by: 1))
            let audited = (auditAfter[slot] ?? 0) - (auditBefore[slot] ?? 0)
            if returned != expected || audited != returned.count { lost += 1 }
        }
        let latencies = all.flatMap(\.latenciesMicroseconds).sorted()
        let successes = all.reduce(0) { $0 + $1.versions.count }
        return OperatorRun(
            updatesPerSecond: Double(successes) / elapsed, conflictsPerSecond: Double(all.reduce(0) { $0 + $1.conflicts }) / elapsed,
            p50Milliseconds: Double(Self.percentile(latencies, 50)) / 1000,
            p99Milliseconds: Double(Self.percentile(latencies, 99)) / 1000, failures: all.reduce(0) { $0 + $1.failures },
            lostUpdates: lost)
    }

    /// One operator client until `deadline` (uptime nanoseconds).
    private static func operatorClient(slot: String, port: Int, key: String, url: String, deadline: UInt64) -> WorkerOutcome {
        var outcome = WorkerOutcome(slot: slot)
        guard let store = try? Store(connection: try PostgresConnection(url), city: city, actor: "bench") else {
            outcome.failures += 1
            return outcome
        }
        func reload() -> SlotState? { (try? store.slotStates([slot]))?[slot] }
        var http = try? LoopbackHTTP(port: port)
        var known = reload()
        while DispatchTime.now().uptimeNanoseconds < deadline {
            guard let current = known, let connection = http else {
                outcome.failures += 1
                known = reload()
                http = try? LoopbackHTTP(port: port)
                continue
            }
            let target = current.status == "available" ? "maintenance" : "available"
            let body = #"{"status":"\#(target)","expected_version":\#(current.version)}"#
            let sent = DispatchTime.now().uptimeNanoseconds
            guard
                let response = try? connection.exchange(
                    .init(
                        method: "PUT", path: "/v1/operator/slots/\(slot)/status",
                        headers: ["Authorization": "Bearer \(key)", "Content-Type": "application/json"], body: body))
            else {
                outcome.failures += 1
                http = nil
                continue
            }
            outcome.latenciesMicroseconds.append(Int((DispatchTime.now().uptimeNanoseconds - sent) / 1000))
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            if response.status == 200, json?["changed"] as? Bool == true, let version = (json?["version"] as? NSNumber)?.int64Value {
                outcome.versions.append(version)
                known = SlotState(version: version, status: target)
            } else if response.status == 409 {
                outcome.conflicts += 1
                known = reload()
            } else {
                outcome.failures += 1
                known = reload()
            }
        }
        return outcome
    }
}

// MARK: Report

extension APIBenchmark {
    /// The median of `values` (the upper one of an even count).
    static func median(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.sorted()[values.count / 2]
    }

    /// Markdown for BENCHMARKS.md: medians over the repetitions, each figure on its own.
    public func markdown(_ result: Result) -> String {
        func med(_ ms: [Measurement], _ key: KeyPath<Measurement, Double>) -> Double { Self.median(ms.map { $0[keyPath: key] }) }
        func runs(_ ms: [Measurement]) -> String { ms.map { String(format: "%.0f", $0.requestsPerSecond) }.joined(separator: ", ") }
        let ceilingMode = pgbenchModes.first ?? "prepared"
        let ceiling = result.pgbench[ceilingMode] ?? []
        var t = "Status lookups (`GET /v1/applicants/{id}`, a random applicant of \(applicants) with their own token), "
        t += "\(connections) connections, \(duration) s per run, \(result.wrk.count) runs (medians); "
        t += "`anju serve --pool-size \(poolSize)`; city \(applicants) × \(slots) after a deferred-acceptance round "
        t += "(\(result.offered) offers)" + (extraSQL.map { "; with \($0) applied after the migrations" } ?? "") + ".\n\n"
        t += "| | requests/s | p50 (ms) | p99 (ms) | failures | runs (requests/s) |\n|---|---:|---:|---:|---:|---|\n"
        func row(_ label: String, _ ms: [Measurement]) -> String {
            String(
                format: "| %@ | %.0f | %.2f | %.2f | %d | %@ |\n", label, med(ms, \.requestsPerSecond), med(ms, \.p50Milliseconds),
                med(ms, \.p99Milliseconds), ms.reduce(0) { $0 + $1.failures }, runs(ms))
        }
        t += row("anju serve (wrk, HTTP)", result.wrk)
        for mode in pgbenchModes {
            t += row("pgbench -M \(mode), same statement", result.pgbench[mode] ?? [])
        }
        let rate = med(result.wrk, \.requestsPerSecond)
        let ratio = rate / max(med(ceiling, \.requestsPerSecond), 1)
        let p99 = med(result.wrk, \.p99Milliseconds)
        func mark(_ ok: Bool) -> String { ok ? "met" : "missed" }
        t += "\n| target | measured | |\n|---|---:|---|\n"
        t += String(format: "| ≥ 10,000 requests/s | %.0f | %@ |\n", rate, mark(rate >= 10_000))
        t += String(format: "| ≥ 50%% of pgbench -M %@ | %.0f%% | %@ |\n", ceilingMode, ratio * 100, mark(ratio >= 0.5))
        t += String(format: "| p99 ≤ 10 ms | %.2f ms | %@ |\n", p99, mark(p99 <= 10))
        if let cpu = result.wrk.compactMap(\.serverCPU).sorted().dropFirst(result.wrk.count / 2).first {
            t += String(format: "\nanju serve used %.0f%% of one core during the wrk runs (median).\n", cpu * 100)
        }
        let ops = result.operators
        let slotCount = max(1, operatorWorkers / max(1, workersPerSlot))
        t += "\nOperator status updates (`PUT /v1/operator/slots/{id}/status` with `expected_version`), "
        t += "\(operatorWorkers) clients on \(slotCount) slots (\(workersPerSlot) per slot), \(min(duration, 10)) s per run:\n\n"
        t += "| updates/s | 409 conflicts/s | p50 (ms) | p99 (ms) | failures | lost updates | runs (updates/s) |\n"
        t += "|---:|---:|---:|---:|---:|---:|---|\n"
        t += String(
            format: "| %.0f | %.0f | %.2f | %.2f | %d | %d | %@ |\n", Self.median(ops.map(\.updatesPerSecond)),
            Self.median(ops.map(\.conflictsPerSecond)), Self.median(ops.map(\.p50Milliseconds)),
            Self.median(ops.map(\.p99Milliseconds)), ops.reduce(0) { $0 + $1.failures }, ops.reduce(0) { $0 + $1.lostUpdates },
            ops.map { String(format: "%.0f", $0.updatesPerSecond) }.joined(separator: ", "))
        return t
    }
}
