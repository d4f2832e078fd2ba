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

    /// The database every command uses (`StoreDatabase.choose`: DATABASE_URL, else the
    /// private cluster of `--dir`/`--port`).
    var database: StoreDatabase { StoreDatabase.choose(cluster: cluster.cluster) }

    /// Connects to `database` (a private cluster is started and migrated first).
    func connect(quietly: Bool = false) throws -> PostgresConnection {
        let database = self.database
        if !quietly, let privateCluster = database.privateCluster {
            Diagnostics.print("using the private PostgreSQL cluster in \(privateCluster.folder.path)")
        }
        return try database.connect()
    }

    /// Runs `body` against the store; every store or database failure becomes a message on
    /// stderr and an exit status (`CommandFailure.exitStatus`).
    func withStore<T>(quietly: Bool = false, _ body: (Store) throws -> T) throws -> T {
        try CommandFailure.reporting {
            let store = try Store(connection: try connect(quietly: quietly), city: resolvedCity, actor: resolvedActor)
            return try body(store)
        }
    }
}

extension Store {
    /// The identity key the CLI uses: the same file `anju serve` reads.
    func identityKeyForImport(store options: StoreOptions) throws -> IdentityKey? {
        try options.database.identityKey()
    }
}
