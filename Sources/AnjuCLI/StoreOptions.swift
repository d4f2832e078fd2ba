import ArgumentParser
import Foundation
import Postgres
import Store

/// Options every database-backed command shares: which database, which city, who acts.
///
/// The database is `DATABASE_URL` (or the `PG*` variables through it) when set; otherwise
/// the private cluster (`anju db start`), started if needed and migrated, so a fresh
/// checkout works with no set-up.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("City the data belongs to (default: ANJU_CITY, else \"default\").", valueName: "id"))
    public var city: String?

    @Option(name: .long, help: ArgumentHelp("Who is acting, for the audit log (default: ANJU_ACTOR, else cli:$USER).", valueName: "name"))
    public var actor: String?

    @OptionGroup public var cluster: DatabaseCommand.ClusterOptions

    /// Argument parser needs an empty initialiser.
    public init() {}

    var resolvedCity: String {
        city ?? ProcessInfo.processInfo.environment["ANJU_CITY"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    }

    var resolvedActor: String {
        let environment = ProcessInfo.processInfo.environment
        if let actor, !actor.isEmpty { return actor }
        if let actor = environment["ANJU_ACTOR"], !actor.isEmpty { return actor }
        return "cli:" + (environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
    }

    /// Connects: DATABASE_URL when set, else the private cluster (started and migrated).
    func connect(quietly: Bool = false) throws -> PostgresConnection {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            return try PostgresConnection(url)
        }
        let privateCluster = cluster.cluster
        try privateCluster.start()
        if !quietly {
            Diagnostics.print("using the private PostgreSQL cluster in \(privateCluster.folder.path)")
        }
        let connection = try privateCluster.connect()
        try Migrator(folder: Migrator.locateSQLFolder()).migrate(connection)
        return connection
    }

    /// Runs `body` against the store, turning every store or database failure into a clear
    /// message on stderr and an exit status: 65 invalid input, not found or conflict;
    /// 69 the database unreachable or without Anju's schema.
    func withStore<T>(quietly: Bool = false, _ body: (Store) throws -> T) throws -> T {
        do {
            let store = try Store(connection: try connect(quietly: quietly), city: resolvedCity, actor: resolvedActor)
            return try body(store)
        } catch let error as StoreError {
            switch error {
            case .invalid(let problems): for p in problems { Diagnostics.print(p) }
            case .notFound(let message): Diagnostics.print("not found: \(message)")
            case .conflict(let message): Diagnostics.print("refused: \(message)")
            }
            throw ExitCode(65)
        } catch let error as PostgresError {
            if error.sqlState == "42P01" {
                Diagnostics.print("the database has no Anju schema (or an old one): run `anju migrate` first\n\(error)")
            } else {
                Diagnostics.print("database: \(error)")
            }
            throw ExitCode(69)
        } catch let error as ClusterError {
            Diagnostics.print("private cluster: \(error)")
            throw ExitCode(69)
        }
    }
}
