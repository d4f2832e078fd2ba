import Foundation
import Postgres

/// The database has no Anju schema, or an older one than this build reads and writes.
public struct SchemaMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The highest migration the database has applied; nil when it has none.
    public var applied: Int?
    /// The highest migration this build needs (`Store.schemaVersion`).
    public var required: Int

    public init(applied: Int?, required: Int) {
        self.applied = applied
        self.required = required
    }

    public var description: String {
        guard let applied else { return "the database has no Anju schema: run `anju migrate` first" }
        return "the database's schema is at migration \(applied), this build needs \(required): run `anju migrate` first"
    }
}

extension Store {
    /// The highest `sql/NNN_*.sql` migration this build's statements rely on. A test checks
    /// it against the `sql/` folder, so adding a migration means raising it.
    public static let schemaVersion = 15

    /// Throws `SchemaMismatch` unless `connection`'s database has applied every migration
    /// up to `schemaVersion`: what `anju serve` checks before it listens, and the CLI before
    /// it reports a database error as a missing schema.
    public static func checkSchema(_ connection: PostgresConnection) throws {
        let applied: Int?
        do {
            applied = try connection.query("SELECT max(version) FROM schema_migrations").first?[0].flatMap { Int($0) }
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            applied = nil
        }
        guard let applied, applied >= schemaVersion else { throw SchemaMismatch(applied: applied, required: schemaVersion) }
    }

    /// Throws unless the database answers (readiness probes).
    public func checkReachable() throws {
        try connection.query("SELECT 1")
    }

    /// How many of the city's rounds are in each status (for metrics).
    public func roundCountsByStatus() throws -> [String: Int] {
        let rows = try connection.query("SELECT status, count(*) FROM rounds WHERE city = $1 GROUP BY status", [city])
        return Dictionary(try rows.map { (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1)) }, uniquingKeysWith: +)
    }

    /// The same store acting for `actor` (on the same connection, in the same city), so
    /// every audit row names who acted.
    public func acting(as actor: String) throws -> Store {
        guard !actor.isEmpty else { throw StoreError.invalidField("actor", "must not be empty") }
        return Store(unchecked: connection, city: city, actor: actor)
    }
}
