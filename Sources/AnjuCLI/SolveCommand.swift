import Allocation
import AllocationFiles
import ArgumentParser
import Foundation
import Synchronization

extension Mechanism: ExpressibleByArgument {}

/// `anju solve`: a whole round on plain files, as the file contract defines it.
public struct SolveCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Run an allocation round on files: projects.csv, slots.csv, applicants.csv, policy.json.",
        discussion: """
            Writes results.csv and summary.json into --out. Exit status: 0 on success, 64 bad usage,
            65 invalid input (every problem listed as FILE:LINE: COLUMN: message), 66 a missing input file.
            Nothing is written unless the round succeeds.
            """
    )

    @Option(name: .long, help: "Folder holding the four input files.")
    var input: String

    @Option(name: .long, help: "Folder to write results.csv and summary.json into (created if needed).")
    var out: String

    @Option(name: .long, help: "Override the policy's mechanism: serial, deferred_acceptance or optimal.")
    var mechanism: Mechanism?

    @Option(name: .long, help: "Override the policy's lottery seed (non-empty).")
    var seed: String?

    @Flag(name: .long, help: "Print nothing on success.")
    var quiet = false

    @Flag(name: .long, help: "Print each phase's time (reading, validating, each engine phase, writing) on stderr.")
    var timings = false

    public init() {}

    public func validate() throws {
        if input.isEmpty { throw ValidationError("--input must name a folder") }
        if out.isEmpty { throw ValidationError("--out must name a folder") }
        if let seed, seed.isEmpty { throw ValidationError("--seed must not be empty") }
    }

    public func run() throws {
        try FileRound.run(input: input, out: out, mechanism: mechanism, seed: seed, quiet: quiet, timings: timings)
    }
}

/// Values a one-shot command hands over to the end of the process instead of freeing: the
/// process exits right after, and the kernel takes the whole heap back at once, while
/// freeing a 200,000-applicant round's rows and input object by object took ~0.1 s of
/// `anju solve`'s ~2 s (measured; compilers do the same, e.g. clang's `-disable-free`).
enum KeptToExit {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}

/// The file-mode round of `anju solve`: load and validate, solve,
/// write atomically, summarise. Exit codes follow the file contract.
enum FileRound {
    static func run(
        input: String, out: String, mechanism: Mechanism?, seed: String?, quiet: Bool, timings showTimings: Bool = false
    ) throws {
        let progress = TerminalProgress(enabled: !quiet)
        let timings = PhaseTimings(enabled: showTimings)
        defer { timings.report() }
        progress.phase("reading input")
        let loaded: LoadedInput
        do {
            loaded = try InputFolder.load(input, filesRead: { timings.ended("read files") })
            timings.ended("parse, validate, digests")
        } catch .missingFiles(let messages) {
            progress.finish()
            for m in messages { Diagnostics.print(m) }
            throw ExitCode(66)
        } catch .invalid(let diagnostics) {
            progress.finish()
            for d in diagnostics { Diagnostics.print(d.description) }
            Diagnostics.print("\(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s") found; nothing was written.")
            throw ExitCode(65)
        }
        let mechanism = mechanism ?? loaded.input.policy.mechanism
        let seed = seed ?? loaded.input.policy.seed
        progress.phase("solving (\(mechanism.rawValue))")
        let result: RoundResult
        do throws(RoundLimitError) {
            result = try Allocator.solve(
                loaded.input, mechanism: mechanism, seed: seed, progress: progress.fraction, phaseEnded: timings.ended)
        } catch {
            progress.finish()
            Diagnostics.print("policy.json:1: \(error.policyKey): \(error.message)")
            Diagnostics.print("1 problem found; nothing was written.")
            throw ExitCode(65)
        }
        progress.phase("writing results")
        do {
            try OutputFolder.write(result: result, digests: loaded.digests, to: out)
        } catch {
            progress.finish()
            Diagnostics.print("anju: cannot write results to \(out): \(error)")
            throw ExitCode(73)
        }
        timings.ended("write results.csv, summary.json")
        progress.finish()
        if !quiet {
            print(RoundSummaryText.render(result, input: loaded.input, out: out), terminator: "")
        }
        // Only `anju solve` runs this, and its process ends right after.
        KeptToExit.keep(result)
        KeptToExit.keep(loaded)
    }
}

/// Writes user-facing problems to standard error.
enum Diagnostics {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
