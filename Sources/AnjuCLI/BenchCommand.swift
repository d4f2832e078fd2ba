import AnjuBenchmarks
import ArgumentParser
import Foundation
import Postgres

/// `anju bench solve`: the benchmark behind BENCHMARKS.md, runnable by anyone.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks behind BENCHMARKS.md: solve vs OR-Tools, import vs psql \\copy, round run vs solve.",
        subcommands: [Solve.self, Import.self, Round.self]
    )
    public init() {}

    struct Solve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time `anju solve` per mechanism (fresh process each run) and the OR-Tools peer on the same files.")

        @Option(help: "Comma-separated APPLICANTSxSLOTS sizes.")
        var sizes = "10000x50000,50000x50000,200000x50000"

        @Option(help: "Runs per configuration; medians are reported.")
        var repetitions = 3

        @Option(help: "Folder for generated cities and outputs.")
        var work = ".anju/bench"

        @Option(help: "The OR-Tools peer script (empty to skip).")
        var peer = "Tests/Benchmarks/ortools_optimal.py"

        @Option(help: "Python interpreter for the peer script.")
        var python = "python3"

        @Option(help: "Seed for the generated cities.")
        var seed = "bench"

        func run() throws {
            let parsed = try sizes.split(separator: ",").map { part -> (Int, Int) in
                let xs = part.split(separator: "x").compactMap { Int($0) }
                guard xs.count == 2 else { throw ValidationError("bad size \(part); expected APPLICANTSxSLOTS") }
                return (xs[0], xs[1])
            }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let bench = SolveBenchmark(
                sizes: parsed.map { (applicants: $0.0, slots: $0.1) }, repetitions: repetitions, anju: exe,
                peerScript: peer.isEmpty ? nil : peer, python: python, workDirectory: work, seed: seed)
            let rows = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(SolveBenchmark.markdown(rows), terminator: "")
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
            let migrator = Migrator(folder: try Migrator.locateSQLFolder())
            let prepare: (Int) throws -> ImportBenchmark.Target
            let cleanup: (Int) throws -> Void
            if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
                try migrator.migrate(try PostgresConnection(url))
                let stamp = Int(Date().timeIntervalSince1970)
                prepare = { ImportBenchmark.Target(url: url, city: "bench-import-\(stamp)-\($0 + 1)") }
                cleanup = { _ in }
            } else {
                let privateCluster = cluster.cluster
                try privateCluster.start()
                let admin = try privateCluster.connect()
                // Database names are ours, [a-z0-9_] only: CREATE DATABASE takes no parameters.
                func name(_ i: Int) -> String { "anju_bench_import_\(i + 1)" }
                prepare = { i in
                    try admin.query("DROP DATABASE IF EXISTS \(name(i)) WITH (FORCE)")
                    try admin.query("CREATE DATABASE \(name(i))")
                    try migrator.migrate(try privateCluster.connect(database: name(i)))
                    return ImportBenchmark.Target(url: privateCluster.connectionURL(database: name(i)), city: "bench")
                }
                cleanup = { i in try admin.query("DROP DATABASE IF EXISTS \(name(i)) WITH (FORCE)") }
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
                anju: exe, workDirectory: city.work, seed: city.seed, admin: { try privateCluster.connect() },
                url: { privateCluster.connectionURL(database: $0) })
            let rows = try bench.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(RoundBenchmark.markdown(rows, applicants: city.applicants, slots: city.slots, mechanism: mechanism), terminator: "")
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
}
