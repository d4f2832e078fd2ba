/// A PostgreSQL SQLSTATE (Appendix A of its manual): five characters whose first two name
/// the class. Callers compare against these named constants, never against string
/// literals, so every state the code branches on is listed here once, with what it means.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The five characters, e.g. `23505`.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// The class: the first two characters (`08` connection exception, `23` integrity).
    public var errorClass: Substring { rawValue.prefix(2) }

    /// Class 08: the connection itself failed.
    public var isConnectionException: Bool { errorClass == "08" }
    /// `57P01`–`57P05`: an administrator or the server shut the session down.
    public var isOperatorShutdown: Bool { rawValue.hasPrefix("57P") }

    // MARK: The states Anju branches on

    /// 0A000: e.g. "cached plan must not change result type" after a table changed under
    /// a prepared statement.
    public static let featureNotSupported: SQLState = "0A000"
    /// 08006: the connection broke.
    public static let connectionFailure: SQLState = "08006"
    /// 22P02: text that is not a value of the type (e.g. `'x'::int`).
    public static let invalidTextRepresentation: SQLState = "22P02"
    /// 23001: a referenced row may not be deleted or re-keyed (Anju's permanent rows).
    public static let restrictViolation: SQLState = "23001"
    /// 23503: a reference names a row that does not exist.
    public static let foreignKeyViolation: SQLState = "23503"
    /// 23505: a unique index refused a duplicate.
    public static let uniqueViolation: SQLState = "23505"
    /// 23514: a CHECK constraint refused a row.
    public static let checkViolation: SQLState = "23514"
    /// 26000: the named prepared statement does not exist (e.g. after `DISCARD ALL`).
    public static let invalidSQLStatementName: SQLState = "26000"
    /// 40001: a serializable transaction could not be ordered; run it again.
    public static let serializationFailure: SQLState = "40001"
    /// 40P01: a deadlock was broken by aborting this transaction; run it again.
    public static let deadlockDetected: SQLState = "40P01"
    /// 42501: the role may not do this (Anju's append-only and permanent tables say so).
    public static let insufficientPrivilege: SQLState = "42501"
    /// 42601: the statement does not parse.
    public static let syntaxError: SQLState = "42601"
    /// 42P01: a table the statement names does not exist (e.g. an unmigrated database).
    public static let undefinedTable: SQLState = "42P01"
    /// 57P01: the server is shutting down and ended the session.
    public static let adminShutdown: SQLState = "57P01"
}
