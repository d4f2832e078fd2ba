/// What reading one CSV file of the contract yields. A separate step (and, later,
/// `anju import`) decides what to do with it: a round only runs when no file has any
/// diagnostic.
public struct ParsedRows<Row: Sendable>: Sendable {
    /// The rows without any problem, in file order. Incomplete whenever `diagnostics` is
    /// not empty, so never act on them alone.
    public var rows: [Row]
    /// Every problem in the file, sorted by line, then left to right.
    public var diagnostics: [Diagnostic]
    /// Every well-formed id the file declares, with the line of its first occurrence —
    /// including ids of rows with other problems, so one bad cell does not also make every
    /// reference to that row "unknown". Nil when the ids could not be read at all (no id
    /// column, no header, a quoted field running to the end of the file): references to
    /// this file are then not checked.
    public var idLines: [String: Int]?

    /// For readers of rows from elsewhere (tests, other stores) that report alike.
    public init(rows: [Row], diagnostics: [Diagnostic], idLines: [String: Int]?) {
        self.rows = rows
        self.diagnostics = diagnostics
        self.idLines = idLines
    }

    /// The ids of `idLines`, in the form the reference checks take.
    public var ids: Set<String>? { idLines.map { Set($0.keys) } }

    /// True when the file has no problem, so `rows` holds every row of it.
    public var isValid: Bool { diagnostics.isEmpty }
}
