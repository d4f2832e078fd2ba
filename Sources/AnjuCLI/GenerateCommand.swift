import ArgumentParser
import CityGenerator
import Foundation

/// `anju generate`: writes a synthetic Shanghai-like round (projects, slots, applicants,
/// policy) in the file contract's format, so demos, tests and benchmarks need no real data.
public struct GenerateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic Shanghai-like round: projects.csv, slots.csv, applicants.csv, policy.json.",
        discussion: """
            The same arguments always give the same bytes. The seed is also the round's \
            lottery seed in policy.json.
            """
    )

    /// Folder to write the four files into; created if needed.
    @Option(name: .long, help: ArgumentHelp("Folder to write the four files into (created if needed).", valueName: "dir"))
    public var out: String

    /// Exact number of applicants.
    @Option(name: .long, help: ArgumentHelp("Number of applicants (at least 1).", valueName: "n"))
    public var applicants: Int

    /// Exact number of slots, whatever their status.
    @Option(name: .long, help: ArgumentHelp("Number of slots (0 or more).", valueName: "m"))
    public var slots: Int

    /// Everything random derives from it; it also becomes the policy's lottery seed.
    @Option(name: .long, help: ArgumentHelp("Seed text: the same seed gives the same city.", valueName: "text"))
    public var seed: String

    /// Argument parser needs an empty initialiser; options are filled in by parsing.
    public init() {}

    /// Rejects impossible counts and an empty seed as usage errors (exit 64) before any
    /// file is touched.
    public func validate() throws {
        guard applicants >= 1 else { throw ValidationError("--applicants must be at least 1 (got \(applicants)).") }
        guard slots >= 0 else { throw ValidationError("--slots must be 0 or more (got \(slots)).") }
        guard !seed.isEmpty else { throw ValidationError("--seed must not be empty.") }
        guard !out.isEmpty else { throw ValidationError("--out must name a folder.") }
    }

    /// Writes the city; a folder that cannot be written is exit 73 (EX_CANTCREAT), with
    /// the path and the reason on stderr.
    public func run() throws {
        let city: GeneratedCity
        do {
            city = try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: out)
        } catch let error as CityWriteError {
            FileHandle.standardError.write(Data("anju generate: \(error)\n".utf8))
            throw ExitCode(73)  // EX_CANTCREAT
        }
        print("Wrote \(city.projectCount) projects, \(slots) slots, \(applicants) applicants and policy.json (seed \"\(seed)\") to \(out)")
    }
}
