import ArgumentParser
import Foundation
import Postgres
import Store

/// `anju migrate`: brings the database's schema up to date from `sql/NNN_name.sql`.
/// Uses `DATABASE_URL` when set, else starts (or reuses) the private cluster.
public struct MigrateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply new sql/NNN_name.sql migrations (DATABASE_URL, else the private cluster).",
        discussion: """
            Each file runs in its own transaction and is recorded in schema_migrations; \
            running again applies nothing new. The sql folder is --sql, else ANJU_SQL_DIR, \
            else the nearest sql/ above the current directory or the executable.
            """
    )

    /// Where the migration files are.
    @Option(name: .long, help: ArgumentHelp("Folder of NNN_name.sql files.", valueName: "dir"))
    public var sql: String?

    /// The private cluster to use when DATABASE_URL is not set.
    @OptionGroup public var cluster: DatabaseCommand.ClusterOptions

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// Connects, migrates, and lists what was applied.
    public func run() throws {
        let folder = try Migrator.locateSQLFolder(explicit: sql)
        let database = StoreDatabase.choose(cluster: cluster.cluster)
        let connection = try database.connectUnmigrated()
        if let privateCluster = database.privateCluster {
            print("using the private cluster in \(privateCluster.folder.path)")
        }
        let applied = try StoreDatabase.migrate(connection, sqlFolder: folder.path)
        if applied.isEmpty {
            print("schema up to date (\(folder.path))")
        } else {
            for name in applied { print("applied \(name)") }
        }
    }
}
