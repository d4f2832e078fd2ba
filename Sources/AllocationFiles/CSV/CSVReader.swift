import Allocation

/// What reading a CSV file established beyond its rows.
struct CSVReadOutcome {
    var diagnostics: [Diagnostic]
    /// False when rows may be missing for reasons other than their own content (no header,
    /// a quoted field swallowing the rest of the file), so cross-file references to ids
    /// in this file cannot be checked fairly.
    var complete: Bool
    /// Which of the schema's columns the header names.
    var present: [Bool]
}

/// The structural layer of the contract's CSV dialect: header, column mapping, field
/// counts, quoting and UTF-8. It hands each structurally sound record to `eachRow`, where
/// a file reader takes typed values out of it; everything else becomes a diagnostic.
enum CSVReader {
    static func read(
        _ bytes: [UInt8], file: String, columns: [CSVColumn], eachRow: (inout CSVRow) -> Void
    ) -> CSVReadOutcome {
        if let encoding = FieldSyntax.utf16Encoding(bytes) {
            let d = Diagnostic(file: file, line: 1, column: "-", message: "the file is \(encoding); save it as UTF-8 (CSV UTF-8 in spreadsheets)", position: -1)
            return CSVReadOutcome(diagnostics: [d], complete: false, present: columns.map { _ in false })
        }
        let validUTF8 = bytes.withUnsafeBufferPointer { FieldSyntax.firstInvalidUTF8($0) == nil }
        // A private copy, which the tokenizer rewrites while unescaping quoted fields.
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: bytes)
        var tokenizer = CSVTokenizer(buffer: buffer)
        var row = CSVRow(file: file, buffer: UnsafeBufferPointer(buffer), columns: columns)
        guard tokenizer.next(into: &row.record) else {
            let names = columns.filter { !$0.optional }.map(\.name).joined(separator: ",")
            row.diagnostics.append(
                Diagnostic(file: file, line: 1, column: "-", message: "the file is empty; expected a header row naming the columns, such as \(names)", position: -1))
            return CSVReadOutcome(diagnostics: row.diagnostics, complete: false, present: columns.map { _ in false })
        }
        let header = readHeader(&row, validUTF8: validUTF8)
        var part = Part(tokenizer: tokenizer, row: row, state: ())
        part.readRecords(headerCount: header.count, validUTF8: validUTF8) { row, _ in eachRow(&row) }
        return part.outcome
    }

    /// A file, or a part of one, being read after its header: its tokenizer, the record
    /// in hand with the diagnostics so far, and what the caller keeps of its rows.
    struct Part<State> {
        var tokenizer: CSVTokenizer
        var row: CSVRow
        var state: State

        /// Hands each structurally sound record to `eachRow`; the others become diagnostics.
        mutating func readRecords(headerCount: Int, validUTF8: Bool, eachRow: (inout CSVRow, inout State) -> Void) {
            while tokenizer.next(into: &row.record) {
                guard check(&row, headerCount: headerCount, validUTF8: validUTF8) else { continue }
                row.failed = false
                eachRow(&row, &state)
            }
        }

        var outcome: CSVReadOutcome {
            CSVReadOutcome(
                diagnostics: row.diagnostics, complete: !tokenizer.hitUnterminatedQuote,
                present: row.columnField.map { $0 >= 0 })
        }
    }

    /// Reads a large file as two parts at once, on two cores: the rows up to a record
    /// boundary near the middle go to `eachRow` with the `first` state, the rest with the
    /// `second`, each part's rows in file order. Nil, having read nothing, when the file
    /// is smaller than `minimumSize`, is not UTF-8, or has no boundary that is surely one
    /// (see `splitPoint`): the caller then reads it whole with `read`. Each part's outcome
    /// holds the diagnostics found in it (the header's in the first); the two together
    /// are what `read` would report, but a rule spanning rows (a repeated id) must be
    /// checked across the parts by the caller.
    static func readInTwo<State: Sendable>(
        _ bytes: [UInt8], file: String, columns: [CSVColumn], minimumSize: Int,
        first: State, second: State, eachRow: @Sendable (inout CSVRow, inout State) -> Void
    ) -> [(outcome: CSVReadOutcome, state: State)]? {
        guard bytes.count >= minimumSize, FieldSyntax.utf16Encoding(bytes) == nil,
            let (cut, cutLine) = splitPoint(bytes)
        else { return nil }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: bytes)
        let head = UnsafeMutableBufferPointer(rebasing: buffer[0..<cut])
        let tail = UnsafeMutableBufferPointer(rebasing: buffer[cut...])
        var tokenizer = CSVTokenizer(buffer: head)
        var row = CSVRow(file: file, buffer: UnsafeBufferPointer(head), columns: columns)
        // The header ends before the cut: the cut follows a line feed, and a header
        // without one ends the file.
        guard tokenizer.next(into: &row.record) else { return nil }
        let headValid = FieldSyntax.firstInvalidUTF8(UnsafeBufferPointer(head)) == nil
        let header = readHeader(&row, validUTF8: headValid)
        var tailRow = CSVRow(file: file, buffer: UnsafeBufferPointer(tail), columns: columns)
        tailRow.headerNames = row.headerNames
        tailRow.columnField = row.columnField
        // Each part is read by one thread, from its own tokenizer, row and state, over its
        // own bytes of the private copy (which the tokenizer rewrites while unescaping).
        nonisolated(unsafe) var parts = [
            Part(tokenizer: tokenizer, row: row, state: first),
            Part(tokenizer: CSVTokenizer(continuing: tail, line: cutLine), row: tailRow, state: second),
        ]
        let tailBytes = UnsafeBufferPointer(tail)
        parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            _ = concurrently(
                { slots[0].readRecords(headerCount: header.count, validUTF8: headValid, eachRow: eachRow) },
                {
                    let valid = FieldSyntax.firstInvalidUTF8(tailBytes) == nil
                    slots[1].readRecords(headerCount: header.count, validUTF8: valid, eachRow: eachRow)
                })
        }
        return parts.map { ($0.outcome, $0.state) }
    }

    /// Where `bytes` can be cut into two parts read independently: just after the first
    /// line feed at or past the middle, with the physical line number there, when no double
    /// quote comes before it. Without a quote the tokenizer never opens a quoted field
    /// there, so every line feed before the cut ends a record or an empty line, and the
    /// line there is one more than the line feeds before it. Nil when there is no such cut.
    static func splitPoint(_ bytes: [UInt8]) -> (offset: Int, line: Int)? {
        bytes.withUnsafeBufferPointer { b -> (offset: Int, line: Int)? in
            var lf = b.count / 2
            while lf < b.count && b[lf] != UInt8(ascii: "\n") { lf += 1 }
            guard lf + 1 < b.count else { return nil }
            var lines = 1
            for byte in b[..<(lf + 1)] {
                if byte == UInt8(ascii: "\"") { return nil }
                if byte == UInt8(ascii: "\n") { lines += 1 }
            }
            return (lf + 1, lines)
        }
    }

    /// The number of line feeds: an upper bound on the number of records (plus one), for
    /// reserving capacity up front instead of growing and rehashing.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in
            var count = 0
            for byte in b where byte == UInt8(ascii: "\n") { count += 1 }
            return count + 1
        }
    }

    /// Every record of a CSV text as strings, with its line and quoting mistakes: for
    /// reading files back (tests, round trips) where no schema applies.
    static func records(_ bytes: [UInt8]) -> [(line: Int, fields: [String], errors: [String])] {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: bytes)
        var tokenizer = CSVTokenizer(buffer: buffer)
        var record = CSVRecord()
        var out: [(line: Int, fields: [String], errors: [String])] = []
        while tokenizer.next(into: &record) {
            let fields = record.fields.map { String(decoding: tokenizer.bytes(of: $0), as: UTF8.self) }
            out.append((record.line, fields, record.errors.map(\.message)))
        }
        return out
    }

    /// Maps the schema's columns to header positions and reports duplicate and missing
    /// columns. Returns the header's names (its field count is what records must match).
    private static func readHeader(_ row: inout CSVRow, validUTF8: Bool) -> [String] {
        let line = row.record.line
        for e in row.record.errors {
            row.diagnostics.append(Diagnostic(file: row.file, line: line, column: "-", message: "header: " + e.message, position: e.field))
        }
        var names: [String] = []
        for k in row.record.fields.indices {
            let bytes = row.fieldBytes(k)
            if !validUTF8, FieldSyntax.firstInvalidUTF8(bytes) != nil {
                row.diagnostics.append(Diagnostic(file: row.file, line: line, column: "-", message: "header: column \(k + 1) is not valid UTF-8; save the file as UTF-8", position: k))
            }
            names.append(String(decoding: bytes, as: UTF8.self))
        }
        var firstIndex: [String: Int] = [:]
        for (k, name) in names.enumerated() where !name.isEmpty {
            if let first = firstIndex[name] {
                row.diagnostics.append(Diagnostic(file: row.file, line: line, column: name, message: "column \(quoted(name)) appears twice in the header (columns \(first + 1) and \(k + 1)); keep only one", position: k))
            } else {
                firstIndex[name] = k
            }
        }
        for (c, column) in row.columns.enumerated() {
            if let k = firstIndex[column.name] {
                row.columnField[c] = k
            } else if !column.optional {
                row.diagnostics.append(Diagnostic(file: row.file, line: line, column: column.name, message: "the header has no column \(quoted(column.name)); it is required", position: names.count + c))
            }
        }
        row.headerNames = names
        return names
    }

    /// Reports quoting mistakes, a wrong number of fields and ill-formed UTF-8 in the
    /// current record; true when the record is sound enough to read values from.
    private static func check(_ row: inout CSVRow, headerCount: Int, validUTF8: Bool) -> Bool {
        let line = row.record.line
        if !row.record.errors.isEmpty {
            for e in row.record.errors {
                row.diagnostics.append(Diagnostic(file: row.file, line: line, column: row.headerName(field: e.field), message: e.message, position: e.field))
            }
            return false
        }
        let count = row.record.fields.count
        if count != headerCount {
            let hint = count > headerCount ? "; a value containing a comma must be in double quotes" : ""
            row.diagnostics.append(Diagnostic(file: row.file, line: line, column: "-", message: "the record has \(count) field\(count == 1 ? "" : "s") but the header has \(headerCount) column\(headerCount == 1 ? "" : "s")\(hint)", position: -1))
            return false
        }
        if validUTF8 { return true }
        var ok = true
        for k in 0..<count {
            let bytes = row.fieldBytes(k)
            if let bad = FieldSyntax.firstInvalidUTF8(bytes) {
                let byte = bytes[bad]
                let hex = String(byte, radix: 16, uppercase: true)
                row.diagnostics.append(Diagnostic(file: row.file, line: line, column: row.headerName(field: k), message: "invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex)); save the file as UTF-8", position: k))
                ok = false
            }
        }
        return ok
    }
}
