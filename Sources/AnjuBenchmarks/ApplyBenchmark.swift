import Allocation
import AllocationFiles
import CityGenerator
import Foundation
import Harness
import Postgres
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `anju bench apply`: `POST /v1/applications` under load, with duplicates planted, then
/// checked in PostgreSQL.
///
/// Set-up (untimed), in a fresh database of the private cluster: migrate, import a generated
/// city, register a workplace site per district (an employment centre at the first project
/// of each), write an identity key, VACUUM (ANALYZE) and CHECKPOINT. Then `anju serve` runs
/// as a child process with the rate limit on but far above the load (so its bookkeeping is
/// in every measured request), and, per repetition, `connections` client threads with a
/// keep-alive connection each (and their own `X-Real-IP`, as behind nginx) submit for
/// `duration` seconds:
///
/// - a new person (a fresh identity number, name and phone) — most requests;
/// - a **later duplicate**: the identity number of an application this client had
///   accepted before, under another name and phone (`laterDuplicateShare`);
/// - a **concurrent duplicate pair**: two applications of one new person sent on two
///   connections before either answer is read, so both are in the server at once
///   (`concurrentPairShare`): the advisory locks on identity hashes must still put them in
///   one set;
/// - an **invalid** application (a birth date that is no date): 422, nothing written
///   (`invalidShare`).
///
/// Afterwards, in SQL: the applications stored equal the 201s answered, and every person
/// planted with two or more accepted applications has exactly those applicants in one open
/// duplicate set, and no other applicant is in one. Last, a second `anju serve` with the
/// default limit takes a flood from one address: the burst is accepted, the rest 429 with
/// Retry-After, another address still gets 201, and again stored = 201s.
public struct ApplyBenchmark {
    public var applicants: Int
    public var slots: Int
    public var repetitions: Int
    public var duration: Int
    public var connections: Int
    public var poolSize: Int
    public var port: Int
    public var anju: String
    public var workDirectory: String
    public var seed: String
    public var cluster: PrivateCluster
    /// Shares of requests (0...1); the rest are new people.
    public var laterDuplicateShare = 0.10
    public var concurrentPairShare = 0.05
    public var invalidShare = 0.02
    /// Requests of the limiter phase, from one address over 8 connections.
    public var floodRequests = 200
    /// pgbench query modes for the peer (empty: none).
    public var pgbenchModes = ["prepared", "extended"]

    public init(
        applicants: Int, slots: Int, repetitions: Int, duration: Int, connections: Int, poolSize: Int, port: Int, anju: String,
        workDirectory: String, seed: String, cluster: PrivateCluster
    ) {
        self.applicants = applicants
        self.slots = slots
        self.repetitions = repetitions
        self.duration = duration
        self.connections = connections
        self.poolSize = poolSize
        self.port = port
        self.anju = anju
        self.workDirectory = workDirectory
        self.seed = seed
        self.cluster = cluster
    }

    /// One load run.
    public struct Run: Sendable {
        public var submissionsPerSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var created = 0
        public var invalid = 0
        public var limited = 0
        /// Anything else: other statuses, broken connections.
        public var failures = 0
        /// Applications found in the database beyond (or short of) the 201s: must be 0.
        public var storedMinusCreated = 0
        /// People planted with 2+ accepted applications, and their applications.
        public var plantedPeople = 0
        public var plantedApplications = 0
        /// Open duplicate sets and members the run added.
        public var sets = 0
        public var members = 0
        /// Planted people whose applicants are not exactly one open set, plus applicants in a
        /// set that nobody planted: must be 0.
        public var duplicateErrors = 0
        /// Concurrent pairs sent, and those where both were accepted.
        public var concurrentPairs = 0
    }

    /// The limiter phase.
    public struct Flood: Sendable {
        public var requests = 0
        public var created = 0
        public var limited = 0
        public var limitedWithRetryAfter = 0
        public var other = 0
        public var otherAddressCreated = false
        public var storedMinusCreated = 0
    }

    public struct Result: Sendable {
        public var runs: [Run] = []
        /// The peer: pgbench writing the same rows (`pgbenchScript`), by query mode.
        public var pgbench: [String: [Run]] = [:]
        public var flood = Flood()
        public var sites = 0
    }

    static let database = "anju_bench_apply"
    static let city = "bench"

    public func run(log: (String) -> Void) throws -> Result {
        var result = Result()
        let url = try prepare(log: log, into: &result)
        let keyFile = "\(workDirectory)/apply-identity.key"
        FileManager.default.createFile(
            atPath: keyFile, contents: Data((String(repeating: "5a", count: 32) + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let env = ["DATABASE_URL": url, "LOG_LEVEL": "warning", "ANJU_IDENTITY_KEY_FILE": keyFile]
        let sites = try Store(connection: PostgresConnection(url), city: Self.city, actor: "bench").workplaceSites().map(\.id).sorted()

        let serverLog = "\(workDirectory)/apply-serve.log"
        log("starting anju serve on 127.0.0.1:\(port), --pool-size \(poolSize), rate limit far above the load (log: \(serverLog))")
        let server = try BackgroundProcess(
            [
                anju, "serve", "--host", "127.0.0.1", "--port", String(port), "--pool-size", String(poolSize), "--city", Self.city,
                "--rate-limit", "100000000", "--rate-burst", "100000",
            ], environment: env, output: serverLog)
        defer { server.stop() }
        try waitUntilReady(server: server, port: port)
        log("warming up (3 s)")
        _ = try load(seconds: 3, url: url, sites: sites, tag: "w")
        for i in 0..<repetitions {
            // Alternate which runs first, so neither always meets the smaller tables.
            let order = i % 2 == 0 ? ["http"] + pgbenchModes : pgbenchModes + ["http"]
            for tool in order {
                if tool == "http" {
                    let run = try load(seconds: duration, url: url, sites: sites, tag: "r\(i + 1)")
                    result.runs.append(run)
                    log(Self.describe("run \(i + 1) anju serve", run))
                } else {
                    let run = try pgbench(mode: tool, seconds: duration, url: url)
                    result.pgbench[tool, default: []].append(run)
                    log(
                        String(
                            format: "run %d pgbench -M %@: %.0f transactions/s, p50 %.2f ms, p99 %.2f ms, %d failed; stored − transactions = %d",
                            i + 1, tool, run.submissionsPerSecond, run.p50Milliseconds, run.p99Milliseconds, run.failures,
                            run.storedMinusCreated))
                }
            }
        }
        server.stop()

        let floodLog = "\(workDirectory)/apply-serve-limited.log"
        log("starting anju serve on 127.0.0.1:\(port + 1) with the default rate limit (log: \(floodLog))")
        let limited = try BackgroundProcess(
            [
                anju, "serve", "--host", "127.0.0.1", "--port", String(port + 1), "--pool-size", String(poolSize), "--city", Self.city,
                "--rate-limit", "10", "--rate-burst", "10", "--trusted-proxy", "127.0.0.0/8",
            ],
            environment: env, output: floodLog)
        defer { limited.stop() }
        try waitUntilReady(server: limited, port: port + 1)
        result.flood = try flood(url: url, port: port + 1)
        let f = result.flood
        log(
            "flood from one address: \(f.requests) requests, \(f.created) × 201, \(f.limited) × 429 (\(f.limitedWithRetryAfter) with Retry-After), "
                + "\(f.other) other; another address: \(f.otherAddressCreated ? "201" : "refused"); stored − 201s = \(f.storedMinusCreated)")
        return result
    }

    static func describe(_ label: String, _ r: Run) -> String {
        String(
            format: "%@: %.0f submissions/s, p50 %.2f ms, p99 %.2f ms; %d × 201, %d × 422, %d × 429, %d failures; stored − 201s = %d; "
                + "%d people planted with %d applications → %d sets, %d members, %d errors; %d concurrent pairs",
            label, r.submissionsPerSecond, r.p50Milliseconds, r.p99Milliseconds, r.created, r.invalid, r.limited, r.failures,
            r.storedMinusCreated, r.plantedPeople, r.plantedApplications, r.sets, r.members, r.duplicateErrors, r.concurrentPairs)
    }

    // MARK: Set-up

    private func prepare(log: (String) -> Void, into result: inout Result) throws -> String {
        let dir = "\(workDirectory)/city-\(applicants)x\(slots)"
        log("generating \(applicants) applicants × \(slots) slots in \(dir)")
        try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: dir)
        let url = try StoreDatabase.freshDatabase(Self.database, on: cluster).url
        let env = ["DATABASE_URL": url, "ANJU_CITY": Self.city, "ANJU_ACTOR": "bench"]
        for kind in ["projects", "slots", "applicants"] {
            let r = try ChildProcess.run([anju, "import", kind, "\(dir)/\(kind).csv"], environment: env)
            guard r.status == 0 else { throw BenchmarkError("anju import \(kind) exited \(r.status): \(r.stdout.suffix(500))") }
        }
        // The registered workplaces applicants choose from: an employment centre per
        // district, at its first project, imported as a bureau does (`anju import sites`).
        // Ids are contract identifiers (`WS-001`): a district's name can hold an apostrophe
        // (Jing'an), which the form's site lookup refuses as an id.
        let projects = ProjectsFile.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/projects.csv"))))
        var firstProject: [String: Project] = [:]
        for p in projects.rows.sorted(by: { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }) where firstProject[p.district] == nil {
            firstProject[p.district] = p
        }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var sitesCSV = "site_id,kind,name,employer_id,lat,lon,district\n"
        for (n, district) in firstProject.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            let p = firstProject[district]!
            sitesCSV += "WS-\(String(format: "%03d", n + 1)),employment_centre,\(quoted(district + " employment centre")),,\(p.lat),\(p.lon),\(quoted(district))\n"
        }
        try sitesCSV.write(toFile: "\(dir)/workplace_sites.csv", atomically: true, encoding: .utf8)
        let imported = try ChildProcess.run([anju, "import", "sites", "\(dir)/workplace_sites.csv"], environment: env)
        guard imported.status == 0 else { throw BenchmarkError("anju import sites exited \(imported.status): \(imported.stdout.suffix(500))") }
        result.sites = firstProject.count
        let db = try PostgresConnection(url)
        try db.query("VACUUM (ANALYZE)")
        try db.query("CHECKPOINT")
        log("  \(applicants) applicants imported, \(result.sites) workplace sites")
        return url
    }

    private func waitUntilReady(server: BackgroundProcess, port: Int) throws {
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
}

// MARK: Report

extension ApplyBenchmark {
    /// Markdown for BENCHMARKS.md: medians over the repetitions, the checks summed.
    public func markdown(_ result: Result) -> String {
        let runs = result.runs
        func med(_ key: KeyPath<Run, Double>) -> Double { APIBenchmark.median(runs.map { $0[keyPath: key] }) }
        func sum(_ key: KeyPath<Run, Int>) -> Int { runs.reduce(0) { $0 + $1[keyPath: key] } }
        var t = "Applications (`POST /v1/applications`), \(connections) clients with keep-alive connections, \(duration) s per run, "
        t += "\(runs.count) runs (medians); `anju serve --pool-size \(poolSize)`, rate limit on but far above the load; "
        t += "city \(applicants) × \(slots) imported, \(result.sites) workplace sites. Mix: "
        t += String(
            format: "%.0f%% later duplicates, %.0f%% concurrent duplicate pairs, %.0f%% invalid, the rest new people.\n\n",
            laterDuplicateShare * 100, concurrentPairShare * 100, invalidShare * 100)
        t += "| | submissions/s | p50 (ms) | p99 (ms) | 201 (or rows) | 422 | 429 | failures | runs (per second) |\n"
        t += "|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
        t += String(
            format: "| anju serve (HTTP) | %.0f | %.2f | %.2f | %d | %d | %d | %d | %@ |\n", med(\.submissionsPerSecond), med(\.p50Milliseconds),
            med(\.p99Milliseconds), sum(\.created), sum(\.invalid), sum(\.limited), sum(\.failures),
            runs.map { String(format: "%.0f", $0.submissionsPerSecond) }.joined(separator: ", "))
        for mode in pgbenchModes {
            let ms = result.pgbench[mode] ?? []
            func m(_ key: KeyPath<Run, Double>) -> Double { APIBenchmark.median(ms.map { $0[keyPath: key] }) }
            t += String(
                format: "| pgbench -M %@, the same rows | %.0f | %.2f | %.2f | %d | – | – | %d | %@ |\n", mode, m(\.submissionsPerSecond),
                m(\.p50Milliseconds), m(\.p99Milliseconds), ms.reduce(0) { $0 + $1.created }, ms.reduce(0) { $0 + $1.failures },
                ms.map { String(format: "%.0f", $0.submissionsPerSecond) }.joined(separator: ", "))
        }
        t += "\nChecked in PostgreSQL after each run (totals over the runs):\n\n"
        t += "| stored − 201s | people planted (2+ accepted) | their applications | open sets | members | concurrent pairs | errors |\n"
        t += "|---:|---:|---:|---:|---:|---:|---:|\n"
        t += "| \(sum(\.storedMinusCreated)) | \(sum(\.plantedPeople)) | \(sum(\.plantedApplications)) | \(sum(\.sets)) | "
        t += "\(sum(\.members)) | \(sum(\.concurrentPairs)) | \(sum(\.duplicateErrors)) |\n"
        let f = result.flood
        t += "\nRate limit (default, 10 a minute, burst 10): \(f.requests) applications from one address over 8 connections: "
        t += "\(f.created) × 201, \(f.limited) × 429 (\(f.limitedWithRetryAfter) with Retry-After), \(f.other) other; "
        t += "another address then: \(f.otherAddressCreated ? "201" : "refused"); stored − 201s = \(f.storedMinusCreated).\n"
        return t
    }

    /// Whether every check held (the command exits 1 otherwise).
    public static func checksHeld(_ result: Result) -> Bool {
        result.runs.allSatisfy { $0.storedMinusCreated == 0 && $0.duplicateErrors == 0 && $0.failures == 0 }
            && result.pgbench.values.joined().allSatisfy { $0.storedMinusCreated == 0 && $0.failures == 0 }
            && result.flood.storedMinusCreated == 0 && result.flood.otherAddressCreated && result.flood.limited > 0
            && result.flood.limited == result.flood.limitedWithRetryAfter
    }
}
