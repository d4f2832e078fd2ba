import ArgumentParser

/// `anju offers`: placeholder being built (issue 3).
public struct OffersCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "offers", abstract: "Accept, decline or expire offers.")
    /// Argument parser needs an empty initialiser.
    public init() {}
}
