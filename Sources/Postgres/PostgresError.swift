import CLibPQ

/// What went wrong talking to PostgreSQL, kept as the server said it: callers branch on
/// `sqlState` (e.g. `SQLState.uniqueViolation`) rather than on message text.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// Five-character SQLSTATE from the server; nil for client-side failures (connect, I/O).
    public var sqlState: SQLState?
    /// The server's primary message, or libpq's message when the server never answered.
    public var message: String
    /// The server's DETAIL line, e.g. which key collided.
    public var detail: String?
    /// What this layer was doing: "connect", "query", "copy", …
    public var operation: String

    /// Builds an error by hand (client-side failures, tests).
    public init(sqlState: SQLState? = nil, message: String, detail: String? = nil, operation: String) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.operation = operation
    }

    /// Reads SQLSTATE, primary message and detail from a failed result; falls back to the
    /// connection's message when the result carries none (e.g. a dropped connection).
    init(result: OpaquePointer?, connection: OpaquePointer?, operation: String) {
        func field(_ code: Int32) -> String? {
            guard let result, let text = PQresultErrorField(result, code) else { return nil }
            return String(cString: text)
        }
        let primary = field(Int32(UInt8(ascii: "M")))  // PG_DIAG_MESSAGE_PRIMARY
        let fallback = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        self.init(
            sqlState: field(Int32(UInt8(ascii: "C"))).map(SQLState.init(rawValue:)),  // PG_DIAG_SQLSTATE
            message: primary ?? fallback.trimmingTrailingNewlines(),
            detail: field(Int32(UInt8(ascii: "D"))),  // PG_DIAG_MESSAGE_DETAIL
            operation: operation
        )
    }

    /// One line for logs and users: operation, SQLSTATE, message, detail.
    public var description: String {
        var text = "PostgreSQL \(operation) failed"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
