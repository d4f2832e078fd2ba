import Foundation
import Postgres

/// Which PostgreSQL database Anju uses, decided here once for every command, `anju serve`,
/// the demo and the benchmarks: `DATABASE_URL` when it is set (a deployment's database,
/// migrated by `anju migrate` before each start), else the private cluster of `anju db
/// start` (`.anju/pg`), started and migrated on first use so a fresh checkout works with no
/// set-up.
///
/// The cluster and the migration runner stay in `Postgres`: they know nothing of Anju's
/// tables (the runner applies `sql/NNN_*.sql` in order and records them); deciding which
/// database, and what schema it must have, is Anju's, so it lives with the tables' owner.
public struct StoreDatabase: Sendable {
    /// Where the database is.
    public enum Source: Sendable {
        /// `DATABASE_URL` (a `postgresql://` URL or conninfo; the `PG*` variables fill gaps).
        case url(String)
        /// The private cluster, reached through its Unix socket.
        case privateCluster(PrivateCluster)
    }

    /// The chosen database.
    public let source: Source

    /// A database as given.
    public init(_ source: Source) { self.source = source }

    /// `DATABASE_URL` from `environment` when set and not empty, else `cluster`.
    public static func choose(
        environment: [String: String] = ProcessInfo.processInfo.environment, cluster: PrivateCluster
    ) -> StoreDatabase {
        if let url = environment["DATABASE_URL"], !url.isEmpty { return StoreDatabase(.url(url)) }
        return StoreDatabase(.privateCluster(cluster))
    }

    /// The identity key (`IdentityKey`): the file `ANJU_IDENTITY_KEY_FILE` names; with the
    /// private cluster and no such variable, `identity.key` beside the cluster's folder
    /// (created on first use, owner-only) — outside the database either way. A deployment
    /// (`DATABASE_URL`) without the variable has none, and takes no applications.
    public func identityKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> IdentityKey? {
        let fallback = privateCluster.map { $0.folder.deletingLastPathComponent().appendingPathComponent("identity.key").path }
        return try IdentityKey.fromEnvironment(environment, fallback: fallback)
    }

    /// The private cluster, when that is the choice.
    public var privateCluster: PrivateCluster? {
        if case .privateCluster(let cluster) = source { return cluster }
        return nil
    }

    /// Makes the database usable and returns its URL: the private cluster is started (if it
    /// is not running) and its `postgres` database migrated; a `DATABASE_URL` is taken as
    /// it is (its schema is the deployment's: `anju migrate`, checked by `checkSchema`).
    public func prepare() throws -> String {
        switch source {
        case .url(let url):
            return url
        case .privateCluster(let cluster):
            try cluster.start()
            try Self.migrate(try cluster.connect())
            return cluster.connectionURL()
        }
    }

    /// A connection to the database, made usable as `prepare()` makes it: the private
    /// cluster's is started and migrated on this same connection.
    public func connect() throws -> PostgresConnection {
        let connection = try connectUnmigrated()
        if privateCluster != nil { try Self.migrate(connection) }
        return connection
    }

    /// A connection as the database is, migrated or not (the private cluster is started):
    /// for `anju migrate`, which applies the migrations itself.
    public func connectUnmigrated() throws -> PostgresConnection {
        switch source {
        case .url(let url): return try PostgresConnection(url)
        case .privateCluster(let cluster):
            try cluster.start()
            return try cluster.connect()
        }
    }

    /// On the private cluster: database `name` dropped if it exists, created empty and
    /// migrated; its URL and the migrations applied — for the demo and the benchmarks, which
    /// want a clean slate. `name` must be ours, `[a-z0-9_]` only: `CREATE DATABASE` takes no
    /// parameters.
    public static func freshDatabase(_ name: String, on cluster: PrivateCluster) throws -> (url: String, applied: [String]) {
        precondition(isOwnName(name), "a database name of our own, [a-z0-9_]")
        try cluster.start()
        let admin = try cluster.connect()
        try admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(name)")
        let applied = try migrate(try cluster.connect(database: name))
        return (cluster.connectionURL(database: name), applied)
    }

    /// On the private cluster: database `name` dropped if it exists and made anew as a copy
    /// of `template` (already migrated); its URL. Names as for `freshDatabase`.
    public static func copyDatabase(_ name: String, from template: String, on cluster: PrivateCluster) throws -> String {
        precondition(isOwnName(name) && isOwnName(template), "database names of our own, [a-z0-9_]")
        let admin = try cluster.connect()
        try admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(name) TEMPLATE \(template)")
        return cluster.connectionURL(database: name)
    }

    /// Drops database `name` of the private cluster, if it exists (see `freshDatabase`).
    public static func dropDatabase(_ name: String, on cluster: PrivateCluster) throws {
        precondition(isOwnName(name), "a database name of our own, [a-z0-9_]")
        try cluster.connect().query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// `[a-z0-9_]+`: a name we chose, safe to write into DDL (which takes no parameters).
    private static func isOwnName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// Applies Anju's migrations (`sql/`, found by `Migrator.locateSQLFolder`) not yet
    /// applied to `connection`'s database; returns the names applied.
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, sqlFolder: String? = nil) throws -> [String] {
        try Migrator(folder: Migrator.locateSQLFolder(explicit: sqlFolder)).migrate(connection)
    }
}
