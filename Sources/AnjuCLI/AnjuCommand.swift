import ArgumentParser

/// The root of the `anju` executable: every job is a subcommand.
public struct AnjuCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "anju",
        abstract: "Allocate affordable rental housing: apartments for youth talent, beds for frontline workers.",
        subcommands: [SolveCommand.self, GenerateCommand.self, DemoCommand.self, BenchCommand.self]
    )
    public init() {}
}
