/// Which of several equally good allocations the `optimal` mechanism returns. The contract
/// leaves it open ("which … is returned is not fixed"); a published draw needs it fixed.
public enum OptimalTies: String, Sendable, CaseIterable {
    /// The one the round's data alone fixes, whichever way the optimum was found
    /// (`OptimalFace`): the rule of every round run now, and of `anju solve`.
    case canonical
    /// The one column generation happened to find first: the rule of rounds run before
    /// the canonical one (migration 015 marks them), kept so that `round verify` still
    /// reproduces them byte for byte.
    case asFound = "as_found"
}
