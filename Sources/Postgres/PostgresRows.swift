/// A query's result, copied out of libpq into Swift values so the `PGresult` can be
/// cleared at once: nothing here points into C memory.
public struct PostgresRows: Sendable, Sequence {
    /// Column names in select-list order.
    public let columns: [String]
    /// Every row's values in text format; nil is SQL NULL.
    public let values: [[String?]]
    /// Rows touched by INSERT/UPDATE/DELETE/COPY (PQcmdTuples); 0 when not applicable.
    public let affectedRows: Int

    /// Number of rows returned.
    public var count: Int { values.count }
    /// True when the query returned no rows.
    public var isEmpty: Bool { values.isEmpty }
    /// The first row, for queries expected to return one.
    public var first: PostgresRow? { values.isEmpty ? nil : self[0] }

    /// Row `index`; rows share the column list.
    public subscript(index: Int) -> PostgresRow { PostgresRow(columns: columns, values: values[index]) }

    /// Iterates rows in server order.
    public func makeIterator() -> AnyIterator<PostgresRow> {
        var index = 0
        return AnyIterator {
            guard index < values.count else { return nil }
            defer { index += 1 }
            return self[index]
        }
    }
}

/// One row with typed accessors; decoding errors name the column and the text found, so a
/// schema mismatch is obvious from the message.
public struct PostgresRow: Sendable {
    /// Column names, shared with the other rows of the result.
    public let columns: [String]
    /// Text-format values; nil is SQL NULL.
    public let values: [String?]

    /// The raw text of column `index` (nil is NULL).
    public subscript(index: Int) -> String? { values[index] }

    /// The raw text of the named column (nil is NULL or no such column).
    public subscript(name: String) -> String? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// Decodes a non-NULL column; throws when it is NULL, missing, or not a `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: String) throws -> T {
        guard let value = try decode(T?.self, column) else {
            throw PostgresError(message: "column \(column) is NULL, expected \(T.self)", operation: "decode")
        }
        return value
    }

    /// Decodes a nullable column: NULL gives nil.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, _ column: String) throws -> T? {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresError(message: "no column \(column) in \(columns)", operation: "decode")
        }
        return try decode(T?.self, at: index)
    }

    /// Decodes a nullable column by position.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, at index: Int) throws -> T? {
        guard let text = values[index] else { return nil }
        guard let value = T(postgresText: text) else {
            throw PostgresError(message: "column \(columns[index]) holds \"\(text)\", not a \(T.self)", operation: "decode")
        }
        return value
    }

    /// Decodes a non-NULL column by position.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard let value = try decode(T?.self, at: index) else {
            throw PostgresError(message: "column \(columns[index]) is NULL, expected \(T.self)", operation: "decode")
        }
        return value
    }
}

/// A Swift type that can be read from PostgreSQL's text output format.
public protocol PostgresDecodable: Sendable {
    /// Parses the server's text form; nil when the text is not a valid value.
    init?(postgresText: String)
}

extension String: PostgresDecodable {
    /// Text is taken as is.
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    /// int2/int4/int8 print as plain decimal.
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresDecodable {
    /// float8/numeric print as decimal; also accepts Infinity/NaN spellings.
    public init?(postgresText: String) {
        switch postgresText {
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        case "NaN": self = .nan
        default: self.init(postgresText)
        }
    }
}

extension Bool: PostgresDecodable {
    /// bool prints as `t` or `f`.
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}
