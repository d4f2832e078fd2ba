import ArgumentParser
import Foundation
import Postgres

/// `anju db start|stop|status`: a private PostgreSQL cluster for development, in a folder
/// of its own and reachable only through a Unix socket there.
public struct DatabaseCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop or inspect a private PostgreSQL 15 cluster (default folder .anju/pg).",
        subcommands: [Start.self, Stop.self, Status.self]
    )
    /// Argument parser needs an empty initialiser.
    public init() {}

    /// Options every `db` subcommand shares.
    public struct ClusterOptions: ParsableArguments {
        /// The cluster's folder.
        @Option(name: .long, help: ArgumentHelp("Cluster folder (default: .anju/pg under the current directory).", valueName: "dir"))
        public var dir: String?

        /// The socket's port number.
        @Option(name: .long, help: ArgumentHelp("Port number of the Unix socket (no TCP is opened).", valueName: "port"))
        public var port: Int = 5432

        /// Argument parser needs an empty initialiser.
        public init() {}

        var cluster: PrivateCluster {
            PrivateCluster(folder: dir.map { URL(fileURLWithPath: $0) }, port: port)
        }
    }

    /// `anju db start`: creates the cluster if needed and starts it.
    public struct Start: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Create (if needed) and start the private cluster.")
        @OptionGroup var options: ClusterOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        /// Starts, then prints where the cluster is and how to connect.
        public func run() throws {
            let cluster = options.cluster
            try cluster.start()
            print("PostgreSQL running in \(cluster.folder.path)")
            print("DATABASE_URL=\(cluster.connectionURL())")
            print("log: \(cluster.serverLog.path)")
        }
    }

    /// `anju db stop`: fast shutdown.
    public struct Stop: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Stop the private cluster (sessions are disconnected).")
        @OptionGroup var options: ClusterOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        /// Stops the server if it runs.
        public func run() throws {
            let cluster = options.cluster
            try cluster.stop()
            print("PostgreSQL stopped in \(cluster.folder.path)")
        }
    }

    /// `anju db status`: whether the cluster exists and runs.
    public struct Status: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Say whether the private cluster exists and runs.")
        @OptionGroup var options: ClusterOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        /// Prints the state; exits 3 when not running, like `pg_ctl status`.
        public func run() throws {
            let cluster = options.cluster
            let status = try cluster.status()
            print("PostgreSQL \(status.rawValue) in \(cluster.folder.path)")
            if status == .running { print("DATABASE_URL=\(cluster.connectionURL())") }
            if status != .running { throw ExitCode(3) }
        }
    }
}
