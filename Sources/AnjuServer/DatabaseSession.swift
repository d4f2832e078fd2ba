import Postgres
import Store

/// One pooled connection with a store for reads. Reads go through `reader` (created once
/// per connection, since opening a `Store` writes the city's row); changes go through
/// `store(actor:)`, so every audit row names who acted.
public final class DatabaseSession: Sendable {
    public let connection: PostgresConnection
    /// The city's store, acting as `api` (reads only: nothing is audited under this name).
    public let reader: Store

    /// Connects to `url` (a `postgresql://` URL or conninfo; empty: the `PG*` environment).
    public init(url: String, city: String) throws {
        let connection = try PostgresConnection(url)
        try connection.query("SET client_min_messages = warning")
        self.connection = connection
        self.reader = try Store(connection: connection, city: city, actor: "api")
    }

    /// A store acting as `actor` (`applicant:A-1`, `operator:key-3`), for changes.
    public func store(actor: String) throws -> Store {
        try Store(connection: connection, city: reader.city, actor: actor)
    }
}
