import ArgumentParser

/// `anju slots`: placeholder being built (issue 3).
public struct SlotsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "slots", abstract: "Set slot statuses (one slot, or in bulk from a CSV).")
    /// Argument parser needs an empty initialiser.
    public init() {}
}
