import Allocation

/// The self-contained HTML report of an allocation round: what a housing bureau opens in a
/// browser, prints on A4 and archives next to the round's files. It holds everything the
/// report shows: the snapshot the round was solved on, the chosen mechanism's result, and
/// the other mechanisms' results on the same snapshot, for comparison.
public struct RoundReport: Sendable {
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

    /// Renders the report as one HTML5 document: inline CSS and SVG, no scripts, no external
    /// resources, XHTML-compatible syntax (it parses as XML). Every text from the data is
    /// escaped; numbers are formatted without a locale; dictionaries are read in sorted
    /// order, so the same report gives the same bytes, whatever the order of its arrays and
    /// dictionaries.
    ///
    /// Stable hooks for tools and tests: `id="figure-…"` with `data-value` for each key
    /// figure, `id="category-<code>"` and `data-district` rows with `data-applicants`,
    /// `data-offered`, `data-unmatched`, `data-ineligible`; `data-project` rows with
    /// `data-available` and `data-offered`; histogram bins with `data-from`, `data-to`,
    /// `data-count`; `id="mechanism-<code>"` rows with `data-offered-<category>`,
    /// `data-total-commute`, `data-median-commute` and `data-chosen`.
    public func html() -> String {
        var writer = ReportWriter(self)
        writer.writeDocument()
        return writer.html.output
    }
}
