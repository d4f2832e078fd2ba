import Foundation

/// A PostgreSQL 15 cluster of our own in one folder, reachable only through a Unix socket
/// in that folder: no system service, no TCP port, nothing shared with other clusters.
/// Used by `anju db start` for development and by the tests.
///
/// Layout: `FOLDER/data` (the cluster), `FOLDER/socket`, `FOLDER/server.log`,
/// `FOLDER/pg_ctl.log` (initdb and pg_ctl output).
public struct PrivateCluster: Sendable {
    /// Whether the cluster exists and runs.
    public enum Status: String, Sendable {
        case notInitialized = "not initialised"
        case stopped
        case running
    }

    /// The cluster's folder.
    public let folder: URL
    /// The socket's port number (it names the socket file; there is no TCP listener).
    public let port: Int
    /// The superuser initdb creates; authentication is `trust` on the private socket.
    public let user = "anju"
    /// Extra `postgres -c` settings, e.g. fsync=off for tests.
    public let settings: [String]

    /// `folder` defaults to `.anju/pg` under the current directory.
    public init(folder: URL? = nil, port: Int = 5432, settings: [String] = []) {
        self.folder = (folder ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(".anju/pg")).standardizedFileURL
        self.port = port
        self.settings = settings
    }

    /// The data directory initdb fills.
    public var dataFolder: URL { folder.appendingPathComponent("data") }
    /// Where the server puts `.s.PGSQL.PORT`.
    public var socketFolder: URL { folder.appendingPathComponent("socket") }
    /// The server's own log: look here when starting fails.
    public var serverLog: URL { folder.appendingPathComponent("server.log") }
    /// Output of initdb and pg_ctl.
    public var commandLog: URL { folder.appendingPathComponent("pg_ctl.log") }

    /// libpq keywords for `database` on this cluster.
    public func connectionParameters(database: String = "postgres") -> [String: String] {
        ["host": socketFolder.path, "port": String(port), "user": user, "dbname": database]
    }

    /// A `postgresql://` URL for `database` (socket folder percent-encoded as the host).
    public func connectionURL(database: String = "postgres") -> String {
        let host = socketFolder.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketFolder.path
        return "postgresql://\(user)@/\(database)?host=\(host)&port=\(port)"
    }

    /// Opens a connection to `database` on this cluster.
    public func connect(database: String = "postgres") throws -> PostgresConnection {
        try PostgresConnection(parameters: connectionParameters(database: database))
    }

    /// Where the server binaries are: `ANJU_PG_BINDIR`, else Debian's PostgreSQL 15 folder,
    /// else `pg_config --bindir`. (`/usr/local/bin/initdb` may be a stray link: not used.)
    public static func binFolder() throws -> URL {
        var candidates: [String] = []
        if let bin = ProcessInfo.processInfo.environment["ANJU_PG_BINDIR"] { candidates.append(bin) }
        candidates.append("/usr/lib/postgresql/15/bin")
        if let output = try? run(URL(fileURLWithPath: "/usr/bin/env"), ["pg_config", "--bindir"]).output {
            candidates.append(output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let manager = FileManager.default
        guard let found = candidates.first(where: { manager.isExecutableFile(atPath: $0 + "/initdb") }) else {
            throw ClusterError("no PostgreSQL server binaries (initdb) in \(candidates.joined(separator: ", ")); install postgresql-15 or set ANJU_PG_BINDIR")
        }
        return URL(fileURLWithPath: found)
    }

    /// Whether the cluster exists and whether its server runs (`pg_ctl status`).
    public func status() throws -> Status {
        guard FileManager.default.fileExists(atPath: dataFolder.appendingPathComponent("PG_VERSION").path) else {
            return .notInitialized
        }
        return try pgCtl(["status", "-D", dataFolder.path], check: false).status == 0 ? .running : .stopped
    }

    /// Creates the cluster if needed and starts its server if it is not running; returns
    /// at once when it already runs.
    public func start() throws {
        var current = try status()
        if current == .running { return }
        let manager = FileManager.default
        try manager.createDirectory(at: socketFolder, withIntermediateDirectories: true)
        if Self.isRoot { try prepareForPostgresUser() }
        if current == .notInitialized {
            try pgCtl(["initdb", "-D", dataFolder.path, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "-U", user],
                      what: "initdb")
            current = .stopped
        }
        let options = ["-k", quoted(socketFolder.path), "-c", "listen_addresses=''", "-p", String(port)]
            + settings.flatMap { ["-c", quoted($0)] }
        try pgCtl(["start", "-w", "-D", dataFolder.path, "-l", serverLog.path, "-o", options.joined(separator: " ")],
                  what: "starting the server")
    }

    /// Stops the server (fast shutdown: sessions are disconnected); a no-op when stopped.
    public func stop() throws {
        guard try status() == .running else { return }
        try pgCtl(["stop", "-m", "fast", "-w", "-D", dataFolder.path], what: "stopping the server")
    }

    // MARK: - Running the server's tools

    static var isRoot: Bool { getuid() == 0 }

    /// initdb and pg_ctl refuse root: the folder goes to the `postgres` user, which must be
    /// able to walk down every parent folder.
    private func prepareForPostgresUser() throws {
        var parent = folder.deletingLastPathComponent()
        while parent.path != "/" {
            let attributes = try FileManager.default.attributesOfItem(atPath: parent.path)
            let permissions = (attributes[.posixPermissions] as? Int) ?? 0
            if permissions & 0o001 == 0 {
                throw ClusterError("the postgres user cannot enter \(parent.path) (mode \(String(permissions, radix: 8))); put the cluster under a folder others can traverse, e.g. /tmp or /var/tmp, with --dir")
            }
            parent = parent.deletingLastPathComponent()
        }
        try Self.run(URL(fileURLWithPath: "/bin/chown"), ["-R", "postgres:postgres", folder.path], check: true)
    }

    @discardableResult
    private func pgCtl(_ arguments: [String], what: String = "pg_ctl", check: Bool = true) throws -> (status: Int32, output: String) {
        let bin = try Self.binFolder()
        let tool = bin.appendingPathComponent(arguments[0] == "initdb" ? "initdb" : "pg_ctl").path
        let toolArguments = arguments[0] == "initdb" ? Array(arguments.dropFirst()) : arguments
        let (executable, fullArguments) = Self.isRoot
            ? (URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "postgres", "--", tool] + toolArguments)
            : (URL(fileURLWithPath: tool), toolArguments)
        let result = try Self.run(executable, fullArguments, log: commandLog)
        if check && result.status != 0 {
            throw ClusterError("\(what) failed (exit \(result.status)) for \(folder.path): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) — see \(serverLog.path) and \(commandLog.path)")
        }
        return result
    }

    /// Runs a tool to completion, its output captured in a file (not a pipe: the server that
    /// pg_ctl leaves running inherits descriptors). posix_spawn + waitpid rather than
    /// Foundation's `Process`: measured here, `waitUntilExit` never returned after
    /// `pg_ctl start` because the daemon kept a descriptor Process watches for exit.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], log: URL? = nil, check: Bool = false) throws -> (status: Int32, output: String) {
        let manager = FileManager.default
        let capture = manager.temporaryDirectory.appendingPathComponent("anju-pg-\(UUID().uuidString).out")
        defer { try? manager.removeItem(at: capture) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw ClusterError("could not run \(executable.path): \(String(cString: strerror(spawned)))")
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
        // Exit code when it exited normally (WIFEXITED/WEXITSTATUS), else 128 + signal.
        let terminationStatus = waitStatus & 0x7f == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
        let output = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        if let log {
            if !manager.fileExists(atPath: log.path) { _ = manager.createFile(atPath: log.path, contents: nil) }
            if let logHandle = try? FileHandle(forWritingTo: log) {
                _ = try? logHandle.seekToEnd()
                try? logHandle.write(contentsOf: Data("$ \(([executable.path] + arguments).joined(separator: " "))\n\(output)".utf8))
                try? logHandle.close()
            }
        }
        if check && terminationStatus != 0 {
            throw ClusterError("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed (exit \(terminationStatus)): \(output)")
        }
        return (terminationStatus, output)
    }

    private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// A private-cluster step that failed, with where to look.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    /// What failed and which log to read.
    public let description: String
    init(_ description: String) { self.description = description }
}
