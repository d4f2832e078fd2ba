import Allocation
import AnjuBenchmarks
import AnjuServer
import ArgumentParser
import Foundation
import Postgres
import Store

/// `anju bench solve`: the benchmark behind BENCHMARKS.md, runnable by anyone.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks behind BENCHMARKS.md: solve vs OR-Tools, import vs psql \\copy, round run vs solve, the API, applications.",
        subcommands: [Solve.self, Scale.self, Import.self, Round.self, Api.self, Apply.self, Notify.self]
    )
    public init() {}

    /// `--sizes` of the solve and scale benchmarks: comma-separated `APPLICANTSxSLOTS`, at
    /// least one applicant each.
    static func sizes(_ text: String) throws -> [(Int, Int)] {
        try text.split(separator: ",").map { part -> (Int, Int) in
            let xs = part.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard xs.count == 2, let applicants = xs[0], let slots = xs[1], applicants > 0, slots >= 0 else {
                throw ValidationError("bad size \(part); expected APPLICANTSxSLOTS")
            }
            return (applicants, slots)
        }
    }

    /// `--mechanisms`: comma-separated mechanism names, each one the engine has.
    static func mechanisms(_ text: String) throws -> [String] {
        try text.split(separator: ",").map { name in
            guard Mechanism(rawValue: String(name)) != nil else {
                throw ValidationError("unknown mechanism \(name); expected serial, deferred_acceptance or optimal")
            }
            return String(name)
        }
    }

    struct Solve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time `anju solve` per mechanism (fresh process each run) and the OR-Tools peer on the same files.")

        @Option(help: "Comma-separated APPLICANTSxSLOTS sizes (the last is a glut city: far more places than applicants).")
        var sizes = "10000x50000,25000x50000,50000x50000,100000x50000,200000x50000,10000x100000"

        @Option(help: "Comma-separated mechanisms to time.")
        var mechanisms = "serial,deferred_acceptance,optimal"

        @Option(help: "Runs per configuration; medians are reported.")
        var repetitions = 3

        @Option(help: "Folder for generated cities and outputs.")
        var work = ".anju/bench"

        @Option(help: "The OR-Tools peer script (empty to skip); a relative path is also looked for above the working folder and the executable.")
        var peer = "Tests/Benchmarks/ortools_optimal.py"

        @Option(help: "Python interpreter for the peer script.")
        var python = "python3"

        @Option(help: "Seed for the generated cities.")
        var seed = "bench"

        func run() throws {
            let parsed = try BenchCommand.sizes(sizes)
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let bench = SolveBenchmark(
                sizes: parsed.map { (applicants: $0.0, slots: $0.1) },
                mechanisms: try BenchCommand.mechanisms(mechanisms), repetitions: repetitions, anju: exe,
                peerScript: peer.isEmpty ? nil : try RepositoryFiles.locate(peer, option: "--peer"), python: python, workDirectory: work, seed: seed)
            let rows = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(SolveBenchmark.markdown(rows), terminator: "")
        }
    }

    /// `anju bench scale`: how `anju solve` grows from 10,000 applicants to 1,000,000, and
    /// (with `--baseline`) against another build in the same run.
    struct Scale: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time `anju solve` and its peak memory on growing cities, with the fitted growth; optionally beside another build.",
            discussion: """
                Each run is a fresh process; medians over --repetitions. With --baseline PATH (another anju \
                executable, e.g. a release build of main) both builds solve the same files, alternating, and \
                their results.csv and summary.json are compared byte for byte. Cities are generated once \
                into --work and reused.
                """)

        @Option(help: "Comma-separated APPLICANTSxSLOTS sizes.")
        var sizes = "10000x2000,100000x20000,200000x50000,1000000x200000"

        @Option(help: "Comma-separated mechanisms.")
        var mechanisms = "serial,deferred_acceptance,optimal"

        @Option(help: "Runs per configuration and build; medians are reported.")
        var repetitions = 3

        @Option(help: "Another anju executable to run side by side (empty: none).")
        var baseline = ""

        @Option(help: "Folder for generated cities and outputs.")
        var work = ".anju/bench"

        @Option(help: "Seed for the generated cities.")
        var seed = "bench"

        func run() throws {
            let parsed = try BenchCommand.sizes(sizes)
            let chosen = try BenchCommand.mechanisms(mechanisms)
            guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
            if !baseline.isEmpty && !FileManager.default.isExecutableFile(atPath: baseline) {
                throw ValidationError("--baseline \(baseline) is not an executable file")
            }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let bench = ScaleBenchmark(
                sizes: parsed.map { (applicants: $0.0, slots: $0.1) }, mechanisms: chosen, repetitions: repetitions, anju: exe,
                baseline: baseline.isEmpty ? nil : baseline, workDirectory: work, seed: seed)
            let rows = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(ScaleBenchmark.markdown(rows), terminator: "")
            if rows.contains(where: { $0.identical == false }) { throw ExitCode(1) }
        }
    }

    /// `anju bench import`: `anju import` of a generated city, each repetition into a fresh
    /// database, beside `psql \copy` of the same applicants.csv.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time `anju import` projects, slots and applicants (fresh process, fresh database each run) beside psql \\copy.",
            discussion: """
                Uses DATABASE_URL when set (each run then imports into a new city of that database, \
                which keeps the rows: use a scratch database), else the private cluster, where each \
                run gets a new database that is dropped afterwards.
                """)

        @OptionGroup var city: CityOptions

        @Option(help: "The psql executable to compare with.")
        var psql = "psql"

        @OptionGroup var cluster: DatabaseCommand.ClusterOptions

        func run() throws {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let prepare: (Int) throws -> ImportBenchmark.Target
            let cleanup: (Int) throws -> Void
            let database = StoreDatabase.choose(cluster: cluster.cluster)
            if let privateCluster = database.privateCluster {
                func name(_ i: Int) -> String { "anju_bench_import_\(i + 1)" }
                prepare = { i in
                    ImportBenchmark.Target(url: try StoreDatabase.freshDatabase(name(i), on: privateCluster).url, city: "bench")
                }
                cleanup = { i in try StoreDatabase.dropDatabase(name(i), on: privateCluster) }
            } else {
                let url = try database.prepare()
                try StoreDatabase.migrate(try database.connect())
                let stamp = Int(Date().timeIntervalSince1970)
                prepare = { ImportBenchmark.Target(url: url, city: "bench-import-\(stamp)-\($0 + 1)") }
                cleanup = { _ in }
            }
            let bench = ImportBenchmark(
                applicants: city.applicants, slots: city.slots, repetitions: city.repetitions, anju: exe, psql: psql,
                workDirectory: city.work, seed: city.seed, prepare: prepare, cleanup: cleanup)
            let rows = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(ImportBenchmark.markdown(rows), terminator: "")
        }
    }
    /// `anju bench round`: `anju round run` end to end beside `anju solve` on the same city.
    struct Round: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time `anju round run` (PostgreSQL) beside `anju solve` (files) on the same generated city.",
            discussion: """
                Uses the private cluster (DATABASE_URL is ignored): the city is imported once into a \
                template database, and each repetition runs the round in a fresh copy of it.
                """)

        @OptionGroup var city: CityOptions

        @Option(help: "serial, deferred_acceptance or optimal.")
        var mechanism = "deferred_acceptance"

        @OptionGroup var cluster: DatabaseCommand.ClusterOptions

        func run() throws {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let privateCluster = cluster.cluster
            try privateCluster.start()
            let bench = RoundBenchmark(
                applicants: city.applicants, slots: city.slots, repetitions: city.repetitions, mechanism: mechanism,
                anju: exe, workDirectory: city.work, seed: city.seed, cluster: privateCluster)
            let rows = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(RoundBenchmark.markdown(rows, applicants: city.applicants, slots: city.slots, mechanism: mechanism), terminator: "")
        }
    }

    /// `anju bench notify`: what the outbox adds to `round run` and how fast it drains.
    struct Notify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time round run with and without outbox rows, and draining them to a local aiosmtpd.",
            discussion: "Uses the private cluster and /usr/bin/python3 -m aiosmtpd (python3-aiosmtpd).")

        @OptionGroup var city: CityOptions
        @OptionGroup var cluster: DatabaseCommand.ClusterOptions
        @Option(help: "In how many repetitions the outbox is also drained (default: all).")
        var drains: Int?

        func run() throws {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let privateCluster = cluster.cluster
            try privateCluster.start()
            let bench = NotifyBenchmark(
                applicants: city.applicants, slots: city.slots, repetitions: city.repetitions, anju: exe, workDirectory: city.work,
                seed: city.seed, cluster: privateCluster, drains: drains ?? city.repetitions)
            let result = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(NotifyBenchmark.markdown(result, applicants: city.applicants, slots: city.slots), terminator: "")
        }
    }

    /// The generated city a database benchmark runs on, and how many times.
    struct CityOptions: ParsableArguments {
        @Option(help: "Applicants in the generated city.")
        var applicants = 200_000

        @Option(help: "Slots in the generated city.")
        var slots = 50_000

        @Option(help: "Runs; medians are reported.")
        var repetitions = 3

        @Option(help: "Folder for the generated city.")
        var work = ".anju/bench"

        @Option(help: "Seed for the generated city.")
        var seed = "bench"

        func validate() throws {
            if applicants < 1 || slots < 1 || repetitions < 1 {
                throw ValidationError("--applicants, --slots and --repetitions must be at least 1")
            }
        }
    }

    /// `anju bench api`: wrk status lookups against `anju serve` beside pgbench running the same
    /// statement, and operator status updates with a lost-update check.
    struct Api: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load `anju serve` with wrk (status lookups) and operator updates, beside pgbench on the same statement.",
            discussion: """
                Uses the private cluster (DATABASE_URL is ignored): database anju_bench_api is \
                recreated, migrated, loaded with a generated city, tokens, a deferred-acceptance \
                round and an operator key; then the release `anju serve` runs as a child process. \
                Needs wrk and pgbench (Tests/Benchmarks/install-bench-tools.sh installs them).
                """)

        @OptionGroup var city: CityOptions

        @Option(help: "Seconds per wrk and pgbench run.")
        var duration = 15

        @Option(help: "wrk connections and pgbench clients.")
        var connections = 64

        @Option(help: "anju serve --pool-size (default: serve's own, twice the processor count).")
        var poolSize = ServerConfiguration.defaultPoolSize

        @Option(help: "Concurrent operator clients.")
        var operatorWorkers = 32

        @Option(help: "Operator clients sharing one slot (stale versions meet 409).")
        var workersPerSlot = 2

        @Option(help: "pgbench query modes, comma-separated; the first is the ceiling the ratio uses.")
        var pgbenchModes = "prepared,extended"

        @Option(help: "TCP port anju serve listens on (127.0.0.1); --port is the cluster's socket.")
        var httpPort = 18_080

        @Option(help: "Folder with status.lua and install-bench-tools.sh; a relative path is also looked for above the working folder and the executable.")
        var scripts = "Tests/Benchmarks"

        @Option(help: "A SQL script to apply after the migrations (a candidate migration, measured by the same run).")
        var extraSql: String?

        @OptionGroup var cluster: DatabaseCommand.ClusterOptions

        func validate() throws {
            // --applicants, --slots and --repetitions are checked by CityOptions.
            if duration < 1 || connections < 1 || poolSize < 1 || operatorWorkers < 1 || workersPerSlot < 1 {
                throw ValidationError("sizes, counts and durations must be at least 1")
            }
            if city.applicants > 9_999_999 { throw ValidationError("--applicants: at most 9,999,999 (ids are A + 7 digits)") }
        }

        func run() throws {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let bench = APIBenchmark(
                applicants: city.applicants, slots: city.slots, repetitions: city.repetitions, duration: duration, connections: connections,
                poolSize: poolSize, operatorWorkers: operatorWorkers, workersPerSlot: workersPerSlot,
                pgbenchModes: pgbenchModes.split(separator: ",").map(String.init), port: httpPort, anju: exe,
                workDirectory: city.work, scripts: try Self.scriptsFolder(scripts), seed: city.seed, cluster: cluster.cluster, extraSQL: extraSql)
            let result = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(bench.markdown(result), terminator: "")
        }

        /// The scripts folder, found from anywhere, holding both files the run needs.
        static func scriptsFolder(_ given: String) throws -> String {
            let folder = try RepositoryFiles.locate(given, option: "--scripts")
            for file in ["status.lua", "install-bench-tools.sh"] where !FileManager.default.fileExists(atPath: "\(folder)/\(file)") {
                throw BenchmarkError("\(folder) has no \(file); pass --scripts with the folder holding status.lua and install-bench-tools.sh")
            }
            return folder
        }
    }

    /// `anju bench apply`: applications under load with duplicates planted, checked in
    /// PostgreSQL afterwards, and the rate limit refusing a flood from one address.
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load `anju serve` with applications (new people, duplicates later and at once, invalid ones), check the database, and flood one address.",
            discussion: """
                Uses the private cluster (DATABASE_URL is ignored): database anju_bench_apply is \
                recreated, migrated and loaded with a generated city and a workplace site per \
                district; then the release `anju serve` runs as a child process. Exits 1 when a \
                check fails (stored applications ≠ 201s, a planted duplicate not in its set, a \
                failed request, the flood not limited).
                """)

        @OptionGroup var city: CityOptions

        @Option(help: "Seconds per run.")
        var duration = 15

        @Option(help: "Concurrent clients, each with a keep-alive connection (and a second for concurrent duplicates).")
        var connections = 32

        @Option(help: "anju serve --pool-size (default: serve's own, twice the processor count).")
        var poolSize = ServerConfiguration.defaultPoolSize

        @Option(help: "TCP port anju serve listens on (127.0.0.1; the rate-limited one uses the next); --port is the cluster's socket.")
        var httpPort = 18_090

        @OptionGroup var cluster: DatabaseCommand.ClusterOptions

        func validate() throws {
            if duration < 1 || connections < 1 || poolSize < 1 { throw ValidationError("sizes, counts and durations must be at least 1") }
        }

        func run() throws {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let privateCluster = cluster.cluster
            try privateCluster.start()
            let bench = ApplyBenchmark(
                applicants: city.applicants, slots: city.slots, repetitions: city.repetitions, duration: duration,
                connections: connections, poolSize: poolSize, port: httpPort, anju: exe, workDirectory: city.work, seed: city.seed,
                cluster: privateCluster)
            let result = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(bench.markdown(result), terminator: "")
            guard ApplyBenchmark.checksHeld(result) else {
                FileHandle.standardError.write(Data("bench apply: a check failed (see the tables)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
