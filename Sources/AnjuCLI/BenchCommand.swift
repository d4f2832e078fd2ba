import AnjuBenchmarks
import ArgumentParser
import Foundation

/// `anju bench solve`: the benchmark behind BENCHMARKS.md, runnable by anyone.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: end-to-end `anju solve` on generated cities, side by side with OR-Tools.",
        subcommands: [Solve.self]
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
}
