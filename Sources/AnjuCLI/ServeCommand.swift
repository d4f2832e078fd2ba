import AnjuServer
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Postgres
import Store

/// `anju serve`: the HTTP API for applicants, operators and the bureau.
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (applicants, operators, the bureau) until SIGTERM or SIGINT.",
        discussion: """
            The database is DATABASE_URL when set, else the private cluster (started and \
            migrated). Every database call runs on a pool of --pool-size connections with a \
            thread each, never on the event loop. Logs go to stderr (LOG_LEVEL sets the level). \
            Exit status: 0 after a graceful shutdown; 64 bad usage; 69 the database unreachable at start.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Address to listen on (default: ANJU_HOST, else 127.0.0.1).", valueName: "host"))
    var host: String?
    @Option(name: .long, help: ArgumentHelp("Port to listen on (default: ANJU_PORT, else 8080).", valueName: "port"))
    var port: Int?
    @Option(name: .long, help: ArgumentHelp("Database connections at most (default: ANJU_POOL_SIZE, else twice the processor count).", valueName: "n"))
    var poolSize: Int?
    @Option(name: .long, help: ArgumentHelp("City served (default: ANJU_CITY, else \"default\").", valueName: "id"))
    var city: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Submissions (applications, status-page sign-ins and answers) per minute per client address; 0 for no limit (default: ANJU_RATE_LIMIT, else 10).",
            valueName: "n"))
    var rateLimit: Double?
    @Option(
        name: .long,
        help: ArgumentHelp("Submissions a client address may send at once (default: ANJU_RATE_BURST, else 10).", valueName: "n"))
    var rateBurst: Int?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A proxy whose X-Real-IP names the client, ADDRESS[/PREFIX]; repeat for more, \"none\" for none (default: ANJU_TRUSTED_PROXIES, comma-separated, else loopback).",
            valueName: "cidr"))
    var trustedProxy: [String] = []

    /// Argument parser needs an empty initialiser.
    public init() {}

    public func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port \(port): expected 0-65535") }
        if let poolSize, !(1...256).contains(poolSize) { throw ValidationError("--pool-size \(poolSize): expected 1-256") }
        _ = try rateLimitSettings(environment: ProcessInfo.processInfo.environment)
    }

    /// The rate limit from the options, else the environment, else `RateLimit`'s defaults.
    func rateLimitSettings(environment given: [String: String]) throws -> RateLimit {
        // An empty variable (compose's `${X:-}`) is an unset one.
        let environment = given.filter { !$0.value.isEmpty }
        var limit = RateLimit()
        let perMinute = try rateLimit ?? environment["ANJU_RATE_LIMIT"].map { text in
            guard let value = Double(text) else { throw ValidationError("ANJU_RATE_LIMIT \(text): expected a number (0 for no limit)") }
            return value
        }
        if let perMinute {
            guard perMinute >= 0, perMinute.isFinite else { throw ValidationError("--rate-limit \(perMinute): expected 0 or more") }
            limit.perMinute = perMinute
        }
        let burst = try rateBurst ?? environment["ANJU_RATE_BURST"].map { text in
            guard let value = Int(text) else { throw ValidationError("ANJU_RATE_BURST \(text): expected a whole number") }
            return value
        }
        if let burst {
            guard (1...100_000).contains(burst) else { throw ValidationError("--rate-burst \(burst): expected 1-100000") }
            limit.burst = burst
        }
        let proxies = trustedProxy.isEmpty
            ? environment["ANJU_TRUSTED_PROXIES"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            : trustedProxy
        if let proxies {
            limit.trustedProxies = try proxies.filter { !$0.isEmpty && $0 != "none" }.map { text in
                guard let range = AddressRange(text) else {
                    throw ValidationError("--trusted-proxy \(text): expected an address or ADDRESS/PREFIX, e.g. 10.0.0.0/8")
                }
                return range
            }
        }
        return limit
    }

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = {
            var logger = Logger(label: "anju.serve")
            logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return logger
        }()
        let database = StoreDatabase.choose(cluster: PrivateCluster())
        let configuration = try notificationSettings(ServerConfiguration(
            databaseURL: try databaseURL(database),
            city: city ?? environment["ANJU_CITY"].flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            host: host ?? environment["ANJU_HOST"] ?? "127.0.0.1",
            port: port ?? environment["ANJU_PORT"].flatMap { Int($0) } ?? 8080,
            poolSize: poolSize ?? environment["ANJU_POOL_SIZE"].flatMap { Int($0) } ?? ServerConfiguration.defaultPoolSize,
            identityKey: try CommandFailure.reporting { try database.identityKey(environment: environment) },
            rateLimit: try rateLimitSettings(environment: environment)), environment: environment)
        if configuration.identityKey == nil {
            logger.warning("no identity key (set ANJU_IDENTITY_KEY_FILE): applications are refused with 503 applications_closed")
        }
        let app = buildApplication(configuration, logger: logger) { pool in
            // Fail fast on a wrong URL or a database without the schema (opening a session
            // checks it: `SchemaMismatch`); later outages are 503s.
            do {
                try await pool.withConnection { _ in }
            } catch {
                throw DatabaseUnusableAtStart(error: error)
            }
            logger.info(
                "serving",
                metadata: [
                    "address": "\(configuration.host):\(configuration.port)", "pool_size": "\(configuration.poolSize)",
                    "rate_limit": "\(configuration.rateLimit.isOn ? "\(configuration.rateLimit.perMinute)/min, burst \(configuration.rateLimit.burst)" : "off")",
                    "notify": "\(configuration.notifier.map { $0.channels.isEmpty ? "off" : $0.description } ?? "off")",
                ])
        }
        do {
            // The service group stops the server, then the pool, on SIGTERM or SIGINT.
            try await app.runService()
        } catch let failure as DatabaseUnusableAtStart {
            Diagnostics.print(failure.error is SchemaMismatch ? "\(failure.error)" : "database: \(failure.error)")
            throw ExitCode(69)
        }
        logger.info("stopped")
    }

    /// The database check before serving failed (exit status 69).
    private struct DatabaseUnusableAtStart: Error {
        var error: any Error
    }

    /// The database's URL (`StoreDatabase.choose`: DATABASE_URL, else the private cluster in
    /// `anju db start`'s default folder and socket port, started and migrated first).
    private func databaseURL(_ database: StoreDatabase) throws -> String {
        let url = try CommandFailure.reporting { try database.prepare() }
        if let cluster = database.privateCluster {
            Diagnostics.print("using the private PostgreSQL cluster in \(cluster.folder.path)")
        }
        return url
    }
}
