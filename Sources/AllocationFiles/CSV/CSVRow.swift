import Allocation

/// The record being read, with typed accessors that apply the contract's CSV dialect to
/// one column each: on a bad or missing value they record a located diagnostic, mark the
/// row as failed and return nil, so a file reader states each column once and every
/// problem in a row is still reported.
struct CSVRow {
    let file: String
    let buffer: UnsafeBufferPointer<UInt8>
    let columns: [CSVColumn]
    var headerNames: [String] = []
    /// For each schema column, its field index in the file, or -1 when the header lacks it.
    var columnField: [Int]
    var record = CSVRecord()
    var diagnostics: [Diagnostic] = []
    /// Whether any problem was found in the current row; its value is then not kept.
    var failed = false

    init(file: String, buffer: UnsafeBufferPointer<UInt8>, columns: [CSVColumn]) {
        self.file = file
        self.buffer = buffer
        self.columns = columns
        columnField = Array(repeating: -1, count: columns.count)
    }

    var line: Int { record.line }

    @inline(__always)
    func fieldBytes(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        let f = record.fields[k]
        return UnsafeBufferPointer(rebasing: buffer[f.start..<f.end])
    }

    func headerName(field k: Int) -> String {
        k < headerNames.count && !headerNames[k].isEmpty ? headerNames[k] : "-"
    }

    /// Records a problem with schema column `c` of this row (any column, for cross-row
    /// rules such as duplicate ids) and marks the row failed.
    mutating func report(_ c: Int, _ message: String, rule: FieldRule? = nil) {
        failed = true
        diagnostics.append(
            Diagnostic(file: file, line: line, column: columns[c].name, message: message, position: columnField[c], rule: rule))
    }

    /// The field's bytes when given; nil when empty or absent, reporting a required one.
    private mutating func given(
        _ c: Int, expecting: @autoclosure () -> String, rule: @autoclosure () -> FieldRule.Expectation
    ) -> UnsafeBufferPointer<UInt8>? {
        let k = columnField[c]
        guard k >= 0 else {
            if !columns[c].optional { failed = true }  // already reported at the header
            return nil
        }
        let value = fieldBytes(k)
        if value.isEmpty {
            if !columns[c].optional { report(c, "missing value; expected \(expecting())", rule: FieldRule(.missing, expected: rule())) }
            return nil
        }
        return value
    }

    @inline(__always)
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    private static let idExpectation = "an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."

    mutating func id(_ c: Int) -> String? {
        let expected = Self.idExpectation
        guard let v = given(c, expecting: expected, rule: .identifier) else { return nil }
        guard ContractRules.isIdentifier(v) else {
            report(c, "\(quoted(Self.text(v))) is not a valid id; expected \(expected)", rule: FieldRule(.malformed, expected: .identifier))
            return nil
        }
        return Self.text(v)
    }

    mutating func text(_ c: Int) -> String? {
        given(c, expecting: "a non-empty text", rule: .text).map(Self.text)
    }

    /// An optional column's text, nil when empty or absent.
    mutating func optionalText(_ c: Int) -> String? {
        let k = columnField[c]
        guard k >= 0 else { return nil }
        let value = fieldBytes(k)
        return value.isEmpty ? nil : Self.text(value)
    }

    mutating func int(_ c: Int, atLeast minimum: Int) -> Int? {
        func expected() -> String { "a whole number of at least \(minimum)" }
        let rule = FieldRule.Expectation.wholeNumber(atLeast: minimum)
        guard let v = given(c, expecting: expected(), rule: rule) else { return nil }
        switch FieldSyntax.integer(v) {
        case .value(let x) where x >= minimum:
            return x
        case .value:
            report(c, "\(Self.text(v)) is out of range; expected \(expected())", rule: FieldRule(.outOfRange, expected: rule))
        case .malformed:
            report(
                c, "\(quoted(Self.text(v))) is not an integer; expected \(expected()), written as digits with an optional leading -",
                rule: FieldRule(.malformed, expected: rule))
        case .outOfRange:
            report(
                c, "\(quoted(Self.text(v))) is out of range; expected \(expected()) that fits in 64 bits",
                rule: FieldRule(.outOfRange, expected: rule))
        }
        return nil
    }

    mutating func latitude(_ c: Int) -> Double? {
        decimal(c, within: 90, what: "a latitude in decimal degrees between -90 and 90", rule: .latitude)
    }
    mutating func longitude(_ c: Int) -> Double? {
        decimal(c, within: 180, what: "a longitude in decimal degrees between -180 and 180", rule: .longitude)
    }

    private mutating func decimal(
        _ c: Int, within limit: Double, what expected: String, rule: FieldRule.Expectation
    ) -> Double? {
        guard let v = given(c, expecting: expected, rule: rule) else { return nil }
        guard let x = FieldSyntax.decimal(v) else {
            report(
                c,
                "\(quoted(Self.text(v))) is not a decimal number; expected \(expected), written as digits with an optional leading - and decimal point, such as 31.2304",
                rule: FieldRule(.malformed, expected: rule))
            return nil
        }
        guard x >= -limit && x <= limit else {
            report(c, "\(Self.text(v)) is out of range; expected \(expected)", rule: FieldRule(.outOfRange, expected: rule))
            return nil
        }
        return x
    }

    mutating func bool(_ c: Int) -> Bool? {
        let expected = "true, false, 1 or 0"
        guard let v = given(c, expecting: expected, rule: .boolean) else { return nil }
        guard let b = FieldSyntax.boolean(v) else {
            report(c, "\(quoted(Self.text(v))) is not a boolean; expected \(expected)", rule: FieldRule(.malformed, expected: .boolean))
            return nil
        }
        return b
    }

    mutating func choice<E>(_ c: Int, _ choices: Choices<E>) -> E? {
        let rule = FieldRule.Expectation.oneOf(choices.spellings)
        guard let v = given(c, expecting: "one of \(choices.names)", rule: rule) else { return nil }
        guard let e = choices.match(v) else {
            report(c, "\(quoted(Self.text(v))) is not one of \(choices.names)", rule: FieldRule(.malformed, expected: rule))
            return nil
        }
        return e
    }

    mutating func date(_ c: Int) -> CivilDate? {
        let expected = "a calendar date written YYYY-MM-DD"
        guard let v = given(c, expecting: expected, rule: .date) else { return nil }
        guard let d = FieldSyntax.date(v) else {
            report(c, "\(quoted(Self.text(v))) is not a valid date; expected \(expected)", rule: FieldRule(.malformed, expected: .date))
            return nil
        }
        return d
    }

    mutating func timestamp(_ c: Int) -> String? {
        let expected = "an RFC 3339 timestamp such as 2026-11-03T09:30:00+08:00 or 2026-11-03T01:30:00Z, or a date YYYY-MM-DD"
        guard let v = given(c, expecting: expected, rule: .timestamp) else { return nil }
        guard FieldSyntax.isTimestamp(v) else {
            report(c, "\(quoted(Self.text(v))) is not a valid timestamp; expected \(expected)", rule: FieldRule(.malformed, expected: .timestamp))
            return nil
        }
        return Self.text(v)
    }
}
