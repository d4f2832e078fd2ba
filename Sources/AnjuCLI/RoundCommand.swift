import ArgumentParser

/// `anju round`: placeholder being built (issue 3).
public struct RoundCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "round", abstract: "Create, run, verify, export and report allocation rounds.")
    /// Argument parser needs an empty initialiser.
    public init() {}
}
