import AllocationFiles
import Foundation
import Postgres

/// One city's data in PostgreSQL, reached through one connection, acting for one actor.
/// Every operation that changes state runs in a transaction and writes an audit row naming
/// `actor`. Blocking: call it from a CLI thread or a worker pool, never an event loop.
public struct Store: Sendable {
    /// The connection all operations use (one thread at a time). Not public: Store is the
    /// only module that speaks SQL about Anju's tables.
    let connection: PostgresConnection
    /// The city every row read or written belongs to.
    public let city: String
    /// Who is acting: `cli:alice`, `operator:acme`, `applicant:A-1`, `system:expiry`.
    public let actor: String
    /// The city's day (YYYY-MM-DD) the seed ceremony's date checks use instead of
    /// PostgreSQL's clock: tests only.
    var cityDateOverride: String? = nil
    /// The instant (RFC 3339) the objection window checks use instead of PostgreSQL's
    /// clock: tests only.
    var nowOverride: String? = nil
    /// Result rows per chunk of `round run`'s results COPY (`RoundResultRows`); tests set a
    /// small one so that small rounds cross chunk boundaries.
    var resultsPerChunk = Store.defaultResultsPerChunk

    /// Opens the store for `city`, creating the city's row on first use.
    public init(connection: PostgresConnection, city: String, actor: String) throws {
        guard ContractRules.isIdentifier(city) else {
            throw StoreError(
                .invalidArgument, subject: .city(city),
                problems: [StoreProblem("\"\(city)\" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)", at: .field("city"))])
        }
        guard !actor.isEmpty else { throw StoreError.invalidField("actor", "must not be empty") }
        self.connection = connection
        self.city = city
        self.actor = actor
        try connection.query(
            "INSERT INTO cities (city, name) VALUES ($1, $1) ON CONFLICT (city) DO NOTHING", [city])
    }

    /// A store for a city already opened on `connection` (see `acting(as:)`).
    init(unchecked connection: PostgresConnection, city: String, actor: String) {
        self.connection = connection
        self.city = city
        self.actor = actor
    }

    /// Memory each sort, hash and trigger transition table of a bulk transaction (an import,
    /// a round run) may use before spilling to temporary files. PostgreSQL's default, 4 MB,
    /// sent a 200,000-applicant round to disk six times (54 MB for the results' reference
    /// check alone); `SET LOCAL` keeps the raise inside that one transaction.
    static let bulkWorkMem = "256MB"

    /// Raises `work_mem` to `bulkWorkMem` for the rest of the current transaction.
    func raiseWorkMemForBulk() throws {
        try connection.query("SELECT set_config('work_mem', $1, true)", [Self.bulkWorkMem])
    }

    /// A PostgreSQL `text[]` literal, for binding a list as one `$n::text[]` parameter:
    /// every element in double quotes (so `NULL`, commas, braces and spaces stay text),
    /// with backslashes and quotes escaped; nil is SQL NULL.
    public static func textArray(_ values: [String?]) -> String {
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            if value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) {
                for character in value.unicodeScalars {
                    if character == "\\" || character == "\"" { out += "\\" }
                    out.unicodeScalars.append(character)
                }
            } else {
                out += value
            }
            out += "\""
        }
        return out + "}"
    }

    /// `textArray` of values that are all present.
    public static func textArray(_ values: [String]) -> String {
        textArray(values.map(Optional.some))
    }

    /// Appends an audit row in the caller's transaction. `details` is stored as JSON.
    public func audit(_ action: String, entity: String, id: String, details: [String: AuditValue] = [:]) throws {
        try connection.query(
            """
            INSERT INTO audit_log (city, actor, action, entity, entity_id, details)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb)
            """,
            [city, actor, action, entity, id, AuditValue.object(details).json])
    }
}

/// A JSON value for audit details, rendered with sorted keys so rows are reproducible.
public enum AuditValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([AuditValue])
    case object([String: AuditValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    /// JSON text.
    public var json: String {
        switch self {
        case .string(let s): return Self.quoted(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let values): return "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { Self.quoted($0) + ":" + fields[$0]!.json }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ s: String) -> String { SummaryJSON.jsonString(s) }
}
