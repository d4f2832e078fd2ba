/// Remembers the line each id was first seen on, so a duplicate is reported at every
/// later occurrence together with where the first one is.
struct FirstOccurrences {
    private(set) var lines: [String: Int]

    /// `capacity`: the most ids expected; reserving room spares rehashing as it fills.
    init(capacity: Int) {
        lines = Dictionary(minimumCapacity: capacity)
    }

    /// Registers `id` (when given) for this row, reporting it when it is a repeat.
    mutating func register(_ id: String?, column: Int, in row: inout CSVRow) {
        guard let id else { return }
        // One hash in the common case: insert, and put the first line back on a repeat.
        if let first = lines.updateValue(row.line, forKey: id) {
            lines[id] = first
            row.report(column, "duplicate id \(quoted(id)) (first on line \(first))")
        }
    }
}

extension FirstOccurrences {
    /// Adds the ids of `later`, read from rows after this one's; false when an id is in
    /// both (this one is then left partly merged).
    mutating func absorb(_ later: FirstOccurrences) -> Bool {
        lines.reserveCapacity(lines.count + later.lines.count)
        for (id, line) in later.lines where lines.updateValue(line, forKey: id) != nil { return false }
        return true
    }
}
