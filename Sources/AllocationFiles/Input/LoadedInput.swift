import Allocation

/// A validated input folder: what the engine computes a round from, plus the digest of
/// each file's bytes, which summary.json publishes so anyone can tell which files a
/// round was computed from.
public struct LoadedInput: Sendable {
    /// The validated projects, slots, applicants and policy, ready for the engine.
    public var input: RoundInput
    /// File name (`projects.csv`, …) to the lowercase hex SHA-256 of its bytes.
    public var digests: [String: String]

    public init(input: RoundInput, digests: [String: String]) {
        self.input = input
        self.digests = digests
    }
}
