import AllocationFiles

/// Values the contract accepts but the schema cannot store, found before anything is sent:
/// PostgreSQL text holds no NUL character, and the schema's whole numbers (rents, incomes,
/// sizes, points) are 32-bit integers where the contract allows 64 bits. Without this, such
/// a value would fail the COPY with a database error instead of a located problem.
struct ImportChecks {
    let file: String
    private(set) var problems: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// A free-text value (a name, a district).
    /// `line` is only looked up for a value with a problem.
    mutating func text(_ value: String, line: @autoclosure () -> Int, column: String) {
        if value.utf8.contains(0) {
            problems.append(
                Diagnostic(
                    file: file, line: line(), column: column,
                    message: "contains a NUL character (byte 0), which the database cannot store; remove it"))
        }
    }

    /// A whole number stored in an `integer` column (the parser has checked its minimum);
    /// returns whether it fits. `line` is only looked up for a value that does not.
    @discardableResult
    mutating func integer(_ value: Int?, line: @autoclosure () -> Int, column: String) -> Bool {
        guard let value, value > Int(Int32.max) else { return true }
        problems.append(
            Diagnostic(
                file: file, line: line(), column: column,
                message: "\(value) is too large to store; expected at most \(Int32.max)"))
        return false
    }
}
