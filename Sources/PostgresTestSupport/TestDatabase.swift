import Foundation
import Postgres

/// One private PostgreSQL cluster for the whole test process, started on first use in a
/// temporary folder (nothing lands in the repository) and stopped and removed at exit.
/// Each test gets a database of its own, so suites running in parallel never collide.
public enum TestDatabase {
    /// Started once, lazily and thread-safely (a static let); a start failure is kept and
    /// reported by every test that needs the database.
    public static let cluster: Result<PrivateCluster, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("anju-pg-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        let cluster = PrivateCluster(
            folder: folder,
            port: 40_000 + Int(getpid() % 20_000),
            // Swift Testing runs suites in parallel, each test with its own database and the
            // server tests with pools: the default 100 connections ran out (FATAL: too many
            // clients) once the application suites came.
            settings: ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=400"]
        )
        try cluster.start()
        atexit { TestDatabase.stopAtExit() }
        return cluster
    }

    /// The repository's migrations.
    public static let sqlFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql")

    /// Creates an empty database named after `label` and connects to it.
    public static func fresh(_ label: String) throws -> PostgresConnection {
        let cluster = try cluster.get()
        let name = "t_" + label.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(30)
            + "_" + UUID().uuidString.prefix(8).lowercased()
        // CREATE DATABASE takes no parameters; the name is ours, built from [a-z0-9_] only.
        precondition(name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) })
        try cluster.connect().query("CREATE DATABASE \(name)")
        return try cluster.connect(database: name)
    }

    /// A fresh migrated database, with the `postgresql://` URL a child process (the real
    /// `anju` binary) can connect to it by.
    public static func migratedWithURL(_ label: String) throws -> (connection: PostgresConnection, url: String) {
        let cluster = try cluster.get()
        let connection = try migrated(label)
        let name = try connection.query("SELECT current_database()").first?[0] ?? ""
        return (connection, cluster.connectionURL(database: name))
    }

    /// A fresh database with every migration applied.
    public static func migrated(_ label: String) throws -> PostgresConnection {
        let connection = try fresh(label)
        try Migrator(folder: sqlFolder).migrate(connection)
        return connection
    }

    /// Another connection to the database `connection` is connected to, on the test
    /// cluster: for tests that need several sessions at once (locks, real concurrency).
    public static func connect(sameAs connection: PostgresConnection) throws -> PostgresConnection {
        let cluster = try cluster.get()
        guard let name = try connection.query("SELECT current_database()").first?[0] else {
            throw PostgresError(message: "current_database() returned no row", operation: "connect")
        }
        return try cluster.connect(database: name)
    }

    private static func stopAtExit() {
        guard case .success(let cluster) = cluster else { return }
        try? cluster.stop()
        try? FileManager.default.removeItem(at: cluster.folder)
    }
}
