import Allocation
import ArgumentParser
import CityGenerator

/// `anju demo`: the whole job end to end on a generated city, for a first look.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a Shanghai-like city and run a file-mode allocation round on it."
    )

    @Option(name: .long, help: "Folder for the generated input and the results.")
    var out = ".anju/demo"

    @Option(name: .long, help: "Number of applicants to generate.")
    var applicants = 20_000

    @Option(name: .long, help: "Number of slots to generate.")
    var slots = 5_000

    @Option(name: .long, help: "Seed for the city and the lottery.")
    var seed = "2026-12-01 public draw, demo"

    @Option(name: .long, help: "serial, deferred_acceptance or optimal (default: the policy's).")
    var mechanism: Mechanism?

    public init() {}

    public func validate() throws {
        if seed.isEmpty { throw ValidationError("--seed must not be empty") }
        if applicants < 1 || slots < 0 { throw ValidationError("--applicants must be ≥ 1 and --slots ≥ 0") }
    }

    public func run() throws {
        let input = out + "/input"
        try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: input)
        print("Generated \(applicants) applicants and \(slots) slots in \(input)")
        try FileRound.run(input: input, out: out + "/results", mechanism: mechanism, seed: nil, quiet: false)
    }
}
