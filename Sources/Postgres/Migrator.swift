import Foundation

/// Applies `NNN_name.sql` files in number order, each in its own transaction, and records
/// them in `schema_migrations`, so running it again applies only what is new. A session
/// advisory lock makes a second migrator wait instead of racing.
///
/// The SQL stays in the repository's `sql/` folder (found with `locateSQLFolder`) rather than
/// embedded in the binary: reviewers and `psql -f` read the same files the tool applies, and
/// no build plugin is needed. Deployments ship the folder next to the executable.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        /// The leading number, e.g. 1 for `001_schema.sql`.
        public let version: Int
        /// The file name without extension, e.g. `001_schema`.
        public let name: String
        /// The file's location.
        public let file: URL
    }

    /// The folder the `NNN_name.sql` files live in.
    public let folder: URL

    /// Any constant shared by every migrator; "anju" in ASCII.
    static let lockKey = "1634626154"

    /// Migrates from the files in `folder`.
    public init(folder: URL) { self.folder = folder }

    /// The migration files, in version order; two files with one number are an error.
    public func migrations() throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        let found = try names.map { name -> Migration in
            let stem = String(name.dropLast(4))
            guard let version = Int(stem.prefix { $0.isNumber }), stem.contains("_") else {
                throw PostgresError(message: "\(folder.path)/\(name): migration files are named NNN_name.sql", operation: "migrate")
            }
            return Migration(version: version, name: stem, file: folder.appendingPathComponent(name))
        }.sorted { $0.version < $1.version }
        for (a, b) in zip(found, found.dropFirst()) where a.version == b.version {
            throw PostgresError(message: "\(a.name).sql and \(b.name).sql share version \(a.version) in \(folder.path)", operation: "migrate")
        }
        return found
    }

    /// Applies every migration not yet recorded; returns the names applied (empty when the
    /// database was up to date).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [String] {
        let all = try migrations()
        try connection.query("SELECT pg_advisory_lock($1::bigint)", [Self.lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [Self.lockKey]) }
        try connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let done = Set(try connection.query("SELECT version FROM schema_migrations").map { try $0.decode(Int.self, at: 0) })
        var applied: [String] = []
        for migration in all where !done.contains(migration.version) {
            let sql = try String(contentsOf: migration.file, encoding: .utf8)
            do {
                try connection.transaction { connection in
                    try connection.executeScript(sql)
                    try connection.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, md5($3))",
                        [String(migration.version), migration.name, sql])
                }
            } catch var error as PostgresError {
                error.message = "\(migration.file.path): \(error.message)"
                error.operation = "migrate"
                throw error
            }
            applied.append(migration.name)
        }
        return applied
    }

    /// Finds the `sql/` folder: `explicit` (a `--sql` option), else `ANJU_SQL_DIR`, else the
    /// first `sql/` holding `001_*.sql` in the current directory, beside the executable, or in
    /// one of their parents (so `swift run` and `.build/debug/anju` work from a checkout).
    public static func locateSQLFolder(explicit: String? = nil) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["ANJU_SQL_DIR"] {
            return URL(fileURLWithPath: fromEnvironment)
        }
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent(),
            // Started through PATH, arguments[0] is a bare name: the kernel knows the file.
            URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ".")
                .deletingLastPathComponent(),
        ]
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("sql")
                if let names = try? FileManager.default.contentsOfDirectory(atPath: candidate.path),
                   names.contains(where: { $0.hasPrefix("001_") && $0.hasSuffix(".sql") }) {
                    return candidate
                }
                if folder.path == "/" { break }
                folder = folder.deletingLastPathComponent()
            }
        }
        throw PostgresError(message: "no sql/ folder with 001_*.sql found from \(starts.map(\.path)); pass --sql DIR or set ANJU_SQL_DIR", operation: "migrate")
    }
}
