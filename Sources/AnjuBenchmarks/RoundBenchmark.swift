import CityGenerator
import Foundation
import Postgres
import Store

/// `anju bench round`: `anju round run` end to end (a fresh process: lock, snapshot the
/// inventory and pool out of PostgreSQL, solve, write results, offers and marks, commit)
/// against `anju solve` on the same city's files, same mechanism and seed, in one run.
///
/// The city is imported once into a template database; every repetition copies it
/// (`CREATE DATABASE … TEMPLATE`), so each `round run` starts from the same state.
public struct RoundBenchmark {
    public var applicants: Int
    public var slots: Int
    public var repetitions: Int
    public var mechanism: String
    public var anju: String
    public var workDirectory: String
    public var seed: String
    /// The private cluster the template and the copies are made on.
    public var cluster: PrivateCluster

    public init(
        applicants: Int, slots: Int, repetitions: Int, mechanism: String, anju: String, workDirectory: String,
        seed: String, cluster: PrivateCluster
    ) {
        self.applicants = applicants
        self.slots = slots
        self.repetitions = repetitions
        self.mechanism = mechanism
        self.anju = anju
        self.workDirectory = workDirectory
        self.seed = seed
        self.cluster = cluster
    }

    public struct Row: Sendable {
        public var tool: String
        public var seconds: [Double]
        public var peakRSSMiB: [Double]
        public var offered: Int
        public var median: Double { seconds.sorted()[seconds.count / 2] }
        public var medianRSS: Double { peakRSSMiB.sorted()[peakRSSMiB.count / 2] }
    }

    static let template = "anju_bench_round_template"

    public func run(log: (String) -> Void) throws -> [Row] {
        let dir = "\(workDirectory)/city-\(applicants)x\(slots)"
        log("generating \(applicants) applicants × \(slots) slots in \(dir)")
        try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: dir)
        let templateURL = try StoreDatabase.freshDatabase(Self.template, on: cluster).url
        let env = ["DATABASE_URL": templateURL, "ANJU_CITY": "bench", "ANJU_ACTOR": "bench"]
        for kind in ["projects", "slots", "applicants"] {
            let r = try ChildProcess.run([anju, "import", kind, "\(dir)/\(kind).csv"], environment: env)
            try check(r, "anju import \(kind)")
            log(String(format: "  imported %@ in %.2f s", kind, r.seconds))
        }
        var db = Row(tool: "anju round run (PostgreSQL)", seconds: [], peakRSSMiB: [], offered: 0)
        var file = Row(tool: "anju solve (files)", seconds: [], peakRSSMiB: [], offered: 0)
        for i in 0..<repetitions {
            let name = "anju_bench_round_\(i)"
            let copyURL = try StoreDatabase.copyDatabase(name, from: Self.template, on: cluster)
            let repEnv = env.merging(["DATABASE_URL": copyURL]) { _, new in new }
            try check(
                ChildProcess.run([anju, "round", "create", "--policy", "\(dir)/policy.json", "--id", "B", "--mechanism", mechanism], environment: repEnv),
                "anju round create")
            // Alternate which runs first, so neither always meets a warmer cache.
            let order = i % 2 == 0 ? [true, false] : [false, true]
            for database in order {
                if database {
                    let r = try ChildProcess.run([anju, "round", "run", "B", "--quiet"], environment: repEnv)
                    try check(r, "anju round run")
                    db.seconds.append(r.seconds)
                    db.peakRSSMiB.append(Double(r.peakRSSKiB) / 1024)
                    let store = try Store(connection: try PostgresConnection(copyURL), city: "bench", actor: "bench")
                    db.offered = try store.offerCounts("B").reduce(0) { $0 + $1.count }
                    log(String(format: "  round run %d: %.3f s, %.0f MiB", i + 1, r.seconds, Double(r.peakRSSKiB) / 1024))
                } else {
                    let out = "\(dir)/out-\(mechanism)"
                    let r = try ChildProcess.run([anju, "solve", "--input", dir, "--out", out, "--mechanism", mechanism, "--quiet"])
                    try check(r, "anju solve")
                    file.seconds.append(r.seconds)
                    file.peakRSSMiB.append(Double(r.peakRSSKiB) / 1024)
                    file.offered = try SolveBenchmark.readSummary("\(out)/summary.json").0
                    log(String(format: "  solve %d: %.3f s, %.0f MiB", i + 1, r.seconds, Double(r.peakRSSKiB) / 1024))
                }
            }
            try StoreDatabase.dropDatabase(name, on: cluster)
        }
        try StoreDatabase.dropDatabase(Self.template, on: cluster)
        guard db.offered == file.offered else {
            throw BenchmarkError("round run offered \(db.offered), anju solve \(file.offered): they must agree")
        }
        return [db, file]
    }

    private func check(_ r: ChildProcess.Outcome, _ what: String) throws {
        guard r.status == 0 else { throw BenchmarkError("\(what) exited \(r.status): \(r.stdout.suffix(500))") }
    }

    /// Markdown for BENCHMARKS.md.
    public static func markdown(_ rows: [Row], applicants: Int, slots: Int, mechanism: String) -> String {
        var t = "| \(applicants) × \(slots), \(mechanism) | median wall (s) | runs (s) | peak RSS (MiB) | offered |\n"
        t += "|---|---:|---|---:|---:|\n"
        for r in rows {
            t += String(
                format: "| %@ | %.2f | %@ | %.0f | %d |\n", r.tool, r.median,
                r.seconds.map { String(format: "%.2f", $0) }.joined(separator: ", "), r.medianRSS, r.offered)
        }
        if rows.count == 2 {
            t += String(format: "\nround run / solve: %.2f×\n", rows[0].median / rows[1].median)
        }
        return t
    }
}
