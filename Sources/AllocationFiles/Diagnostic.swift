/// One problem found in an input file, located the way the file contract prescribes, so a
/// clerk can open the file at that line and fix that column without reading any code.
///
/// `description` is exactly `FILE:LINE: COLUMN: message`, the form `anju solve` prints on
/// stderr: FILE is the bare file name, LINE the physical line where the offending record
/// starts (the header is line 1; for policy.json the line of the offending key, else 1),
/// COLUMN the header name (for policy.json the dotted key path) or `-`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The bare file name (`slots.csv`), as the clerk knows the file, not its path.
    public var file: String
    /// Physical line where the offending record starts (header: 1); policy.json: the
    /// line of the offending key, else 1.
    public var line: Int
    /// The header name or dotted policy key path, or `-` where no single column applies.
    public var column: String
    /// What was wrong and what was expected, quoting the offending value.
    public var message: String
    /// The same finding as data — which rule, what was expected — for readers that word it
    /// in another language (an application form in Chinese); nil for findings that have no
    /// per-field rule (header, syntax and cross-row problems). Not part of the identity.
    public var rule: FieldRule?
    /// Where on its line the problem sits (a field index or a byte offset), so problems
    /// on one line are listed left to right. Not part of the identity of a diagnostic.
    var position: Int

    /// For problems found outside this module (e.g. by an importer) that should be
    /// reported in the same form.
    public init(file: String, line: Int, column: String, message: String) {
        self.init(file: file, line: line, column: column, message: message, position: 0)
    }

    init(file: String, line: Int, column: String, message: String, position: Int, rule: FieldRule? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.position = position
        self.rule = rule
    }

    /// `FILE:LINE: COLUMN: message`, the contract's form.
    public var description: String { "\(file):\(line): \(column): \(message)" }

    /// Equal when they say the same thing at the same place; the ordering hint is ignored.
    public static func == (a: Diagnostic, b: Diagnostic) -> Bool {
        a.file == b.file && a.line == b.line && a.column == b.column && a.message == b.message
    }

    /// Consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(line)
        hasher.combine(column)
        hasher.combine(message)
    }

    /// The order the contract lists the input files in; diagnostics are reported in it.
    public static let fileOrder = ["projects.csv", "slots.csv", "applicants.csv", "policy.json"]

    /// Sorts diagnostics by file (contract order, other names after, byte-wise), then
    /// line, then position on the line, keeping the order of discovery for ties — so the
    /// output is the same on every run and reads top to bottom, left to right.
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        func rank(_ file: String) -> Int { fileOrder.firstIndex(of: file) ?? fileOrder.count }
        return diagnostics.enumerated().sorted { x, y in
            let a = x.element
            let b = y.element
            if a.file != b.file {
                let ra = rank(a.file)
                let rb = rank(b.file)
                return ra != rb ? ra < rb : a.file.utf8Less(b.file)
            }
            if a.line != b.line { return a.line < b.line }
            if a.position != b.position { return a.position < b.position }
            return x.offset < y.offset
        }.map(\.element)
    }
}

/// Why one field's value was refused, as data: what was wrong with it and what the
/// contract expects there. `Diagnostic.message` is its English wording.
public struct FieldRule: Sendable, Hashable {
    public enum Problem: String, Sendable, Hashable {
        /// Empty where a value is required.
        case missing
        /// Not of the expected form (not a number, not a date, not one of the choices).
        case malformed
        /// Of the right form but outside the allowed range.
        case outOfRange
    }

    /// What a field holds, with the figures its rule names.
    public enum Expectation: Sendable, Hashable {
        case identifier
        case text
        case wholeNumber(atLeast: Int)
        case latitude
        case longitude
        case boolean
        case oneOf([String])
        case date
        case timestamp
    }

    public var problem: Problem
    public var expected: Expectation

    public init(_ problem: Problem, expected: Expectation) {
        self.problem = problem
        self.expected = expected
    }
}

/// Renders a value from an input file for a message: in double quotes, with quotes,
/// backslashes and control characters escaped so every diagnostic stays on one line, and
/// shortened when very long so one bad cell cannot flood the terminal.
func quoted(_ value: String) -> String {
    var out = "\""
    var count = 0
    for scalar in value.unicodeScalars {
        if count == 80 {
            out += "…"
            break
        }
        count += 1
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
