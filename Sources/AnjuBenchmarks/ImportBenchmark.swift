import CityGenerator
import Foundation

/// `anju bench import`: end-to-end `anju import` runs (each a fresh process: read,
/// validate, COPY, merge, commit) of a generated city into a fresh database, beside what a
/// user would otherwise pick — `psql \copy` of applicants.csv into a bare table with the
/// same columns and no constraints or indexes. For scale, the same `\copy` into a copy of
/// `applicants` with its keys, checks, indexes and foreign keys: the cost of the schema
/// itself, which no loader into it avoids. Reports medians.
public struct ImportBenchmark {
    /// Where one repetition loads: a database URL and a city id.
    public struct Target: Sendable {
        public var url: String
        public var city: String
        public init(url: String, city: String) {
            self.url = url
            self.city = city
        }
    }

    public var applicants: Int
    public var slots: Int
    public var repetitions: Int
    /// The `anju` executable to time.
    public var anju: String
    /// The `psql` executable to compare with.
    public var psql: String
    public var workDirectory: String
    public var seed: String
    /// Makes a fresh, migrated target for repetition `i` (untimed).
    public var prepare: (Int) throws -> Target
    /// Removes what `prepare` made for repetition `i` (untimed).
    public var cleanup: (Int) throws -> Void

    public init(
        applicants: Int, slots: Int, repetitions: Int, anju: String, psql: String, workDirectory: String,
        seed: String, prepare: @escaping (Int) throws -> Target, cleanup: @escaping (Int) throws -> Void
    ) {
        self.applicants = applicants
        self.slots = slots
        self.repetitions = repetitions
        self.anju = anju
        self.psql = psql
        self.workDirectory = workDirectory
        self.seed = seed
        self.prepare = prepare
        self.cleanup = cleanup
    }

    /// One measured step: medians over the repetitions.
    public struct Row: Sendable {
        public var step: String
        public var rows: Int
        public var medianSeconds: Double
        public var minSeconds: Double
        public var medianPeakRSSMiB: Double
    }

    static let applicantColumns = """
        applicant_id, category, household_size, gender, birth_date, monthly_income, work_lat, work_lon, \
        work_district, max_commute_min, max_rent, needs_accessible, priority_points, employer_id, applied_at
        """

    static let bareTable = """
        CREATE TABLE bare_applicants (applicant_id text, category text, household_size integer, gender text, \
        birth_date date, monthly_income integer, work_lat numeric, work_lon numeric, work_district text, \
        max_commute_min integer, max_rent integer, needs_accessible boolean, priority_points integer, \
        employer_id text, applied_at timestamptz)
        """

    /// A copy of `applicants` with every key, check, index and foreign key; the city comes
    /// from a default (the file has none) and an empty priority_points stays NULL (Anju
    /// stores 0), the only differences.
    static func floorTable(city: String) -> String {
        """
        CREATE TABLE floor_applicants (LIKE applicants INCLUDING ALL);
        ALTER TABLE floor_applicants ALTER COLUMN city SET DEFAULT '\(city)',
            ALTER COLUMN priority_points DROP NOT NULL,
            ADD FOREIGN KEY (city) REFERENCES cities (city),
            ADD FOREIGN KEY (city, employer_id) REFERENCES employers (city, employer_id);
        """
    }

    public func run(log: (String) -> Void) throws -> [Row] {
        let dir = "\(workDirectory)/import-\(applicants)x\(slots)"
        log("generating \(applicants) applicants × \(slots) slots in \(dir)")
        let city = try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: dir)
        let counts: [(file: String, rows: Int)] = [
            ("projects", city.projectCount), ("slots", slots), ("applicants", applicants),
        ]
        let applicantsFile = URL(fileURLWithPath: "\(dir)/applicants.csv").standardizedFileURL.path
        let source = "'" + applicantsFile.replacingOccurrences(of: "'", with: "''") + "'"
        var runs: [String: [ChildProcess.Outcome]] = [:]
        for i in 0..<repetitions {
            let target = try prepare(i)
            defer { try? cleanup(i) }
            for (file, rows) in counts {
                let r = try Self.measure(
                    [anju, "import", file, "\(dir)/\(file).csv", "--city", target.city],
                    environment: ["DATABASE_URL": target.url])
                guard r.status == 0, r.stdout.contains(" \(rows) rows: \(rows) inserted") else {
                    throw BenchmarkError("anju import \(file) exited \(r.status): \(r.stdout)")
                }
                log(String(format: "  run %d: anju import %@: %.3f s, %.0f MiB", i + 1, file, r.seconds, Double(r.peakRSSKiB) / 1024))
                runs["anju import \(file)", default: []].append(r)
            }
            let tables: [(name: String, create: String)] = [
                ("bare_applicants", Self.bareTable), ("floor_applicants", Self.floorTable(city: target.city)),
            ]
            for (table, create) in tables {
                try psql(target, "SET client_min_messages = warning; DROP TABLE IF EXISTS \(table); \(create)")
                let r = try psql(target, "\\copy \(table) (\(Self.applicantColumns)) FROM \(source) WITH (FORMAT csv, HEADER true)")
                try psql(target, "DROP TABLE \(table)")
                log(String(format: "  run %d: psql \\copy into %@: %.3f s, %.0f MiB", i + 1, table, r.seconds, Double(r.peakRSSKiB) / 1024))
                runs[table, default: []].append(r)
            }
        }
        let steps: [(key: String, label: String, rows: Int)] =
            counts.map { ("anju import \($0.file)", "anju import \($0.file)", $0.rows) } + [
                ("bare_applicants", Self.bareStep, applicants), ("floor_applicants", Self.floorStep, applicants),
            ]
        return steps.map { Self.row($0.label, $0.rows, runs[$0.key] ?? []) }
    }

    static let bareStep = "psql \\copy applicants.csv into bare_applicants (no constraints, no indexes)"
    static let floorStep = "psql \\copy applicants.csv into a copy of applicants (same keys, checks, indexes, foreign keys)"

    /// Runs one psql command against the target; fails on any SQL error.
    @discardableResult
    private func psql(_ target: Target, _ command: String) throws -> ChildProcess.Outcome {
        let r = try Self.measure([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target.url, "-c", command])
        guard r.status == 0 else { throw BenchmarkError("psql exited \(r.status) on: \(command)") }
        return r
    }

    /// Runs a child process through GNU time when it is there, for the child's own peak
    /// RSS: a child spawned straight from this process (vfork, then exec) reports at least
    /// this process's peak, which generating the city in memory raised far above psql's.
    static func measure(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess.Outcome {
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else {
            return try ChildProcess.run(arguments, environment: environment)
        }
        let rssFile = NSTemporaryDirectory() + "anju-bench-rss-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { unlink(rssFile) }
        var outcome = try ChildProcess.run([time, "-f", "%M", "-o", rssFile] + arguments, environment: environment)
        // GNU time writes "Command exited with non-zero status N" first when the child failed.
        if let text = try? String(contentsOfFile: rssFile, encoding: .utf8),
            let last = text.split(separator: "\n").last, let kib = Int(last.trimmingCharacters(in: .whitespaces))
        {
            outcome.peakRSSKiB = kib
        }
        return outcome
    }

    static func row(_ step: String, _ rows: Int, _ runs: [ChildProcess.Outcome]) -> Row {
        let secs = runs.map(\.seconds).sorted()
        let rss = runs.map { Double($0.peakRSSKiB) / 1024 }.sorted()
        return Row(
            step: step, rows: rows, medianSeconds: secs.isEmpty ? 0 : secs[secs.count / 2], minSeconds: secs.first ?? 0,
            medianPeakRSSMiB: rss.isEmpty ? 0 : rss[rss.count / 2])
    }

    /// The rows as a Markdown table, then the applicants ratios against the target (≤ 2×).
    public static func markdown(_ rows: [Row]) -> String {
        var t = "| step | rows | median wall (s) | min (s) | peak RSS (MiB) |\n|---|---:|---:|---:|---:|\n"
        for r in rows {
            t += String(format: "| %@ | %d | %.2f | %.2f | %.0f |\n", r.step, r.rows, r.medianSeconds, r.minSeconds, r.medianPeakRSSMiB)
        }
        func median(_ step: String) -> Double? { rows.first { $0.step == step && $0.medianSeconds > 0 }?.medianSeconds }
        if let anju = median("anju import applicants"), let bare = median(bareStep), let floor = median(floorStep) {
            t += String(format: "\nanju import applicants / psql \\copy into the bare table: %.2f× (target ≤ 2×: %@)\n", anju / bare, anju <= 2 * bare ? "met" : "not met")
            t += String(format: "anju import applicants / psql \\copy into a copy of applicants with its constraints: %.2f×\n", anju / floor)
        }
        return t
    }
}
