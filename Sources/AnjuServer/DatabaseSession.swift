import Postgres
import Store

/// One pooled connection's store. Reads go through `reader` (opened once per connection,
/// since opening a `Store` writes the city's row); changes go through `store(actor:)`, so
/// every audit row names who acted. The connection itself stays inside `Store`, the only
/// module that speaks SQL about Anju's tables.
public final class DatabaseSession: Sendable {
    /// The city's store, acting as `api` (reads only: nothing is audited under this name).
    public let reader: Store

    /// Connects to `url` (a `postgresql://` URL or conninfo; empty: the `PG*` environment)
    /// and checks that the database has the schema this build needs (`SchemaMismatch`).
    public init(url: String, city: String) throws {
        let connection = try PostgresConnection(url)
        try connection.query("SET client_min_messages = warning")
        try Store.checkSchema(connection)
        self.reader = try Store(connection: connection, city: city, actor: "api")
    }

    /// A store acting as `actor` (`applicant:A-1`, `operator:key-3`), for changes.
    public func store(actor: String) throws -> Store {
        try reader.acting(as: actor)
    }
}
