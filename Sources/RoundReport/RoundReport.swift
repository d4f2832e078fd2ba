import Allocation

/// Everything a round's report shows: the snapshot it was solved on, the chosen mechanism's
/// result, and the other mechanisms' results on the same snapshot, for comparison.
public struct RoundReportInput: Sendable {
    public var city: String
    public var roundID: String
    /// When the round ran, as display text (RFC 3339).
    public var runAt: String
    /// SHA-256 of the snapshot (hex), so a reader can match the report to the files.
    public var inputDigest: String
    /// The exact input the round was solved on.
    public var input: RoundInput
    /// The mechanism whose offers were made.
    public var chosen: Mechanism
    /// Results per mechanism on `input` with the round's seed; contains `chosen`.
    public var results: [Mechanism: RoundResult]

    public init(
        city: String, roundID: String, runAt: String, inputDigest: String, input: RoundInput,
        chosen: Mechanism, results: [Mechanism: RoundResult]
    ) {
        self.city = city
        self.roundID = roundID
        self.runAt = runAt
        self.inputDigest = inputDigest
        self.input = input
        self.chosen = chosen
        self.results = results
    }
}
