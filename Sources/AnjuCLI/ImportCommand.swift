import ArgumentParser

/// `anju import`: placeholder being built (issue 3).
public struct ImportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "import", abstract: "Import projects, slots or applicants into the database.")
    /// Argument parser needs an empty initialiser.
    public init() {}
}
