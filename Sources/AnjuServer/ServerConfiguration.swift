import Foundation
import Notifications
import Store

/// How `anju serve` is set up.
public struct ServerConfiguration: Sendable {
    /// Largest request body accepted; larger is 413. Fixed, not an option: nginx's
    /// `client_max_body_size` (deploy/nginx) must equal it, and Tests/deploy checks that.
    public static let maxBodyBytes = 64 * 1024

    /// A `postgresql://` URL or conninfo ("" uses the `PG*` environment).
    public var databaseURL: String
    public var city: String
    public var host: String
    public var port: Int
    /// Connections (and database threads) at most.
    public var poolSize: Int
    /// How long a request waits for a free connection before a 503.
    public var acquireTimeout: Duration
    /// The key of identity hashes (outside the database); without one, the server takes
    /// no applications (`POST /v1/applications` is 503 `applications_closed`).
    public var identityKey: IdentityKey?
    /// Submissions per client address (`RateLimit.off` for none).
    public var rateLimit: RateLimit
    /// Where the notification service delivers the outbox; nil (or no channel): no sender
    /// runs in this server (a timer may run `anju notify send --once` instead).
    public var notifier: NotifierConfiguration? = nil
    /// How often the notification service and the offer-expiry service run a pass; nil
    /// turns the expiry service off (tests, or a server beside a timer that runs it).
    public var notifyInterval: Duration = .seconds(5)
    public var expiryInterval: Duration? = nil
    /// How often `anju serve` looks for a newly run round and builds its standing book
    /// before anyone asks (nil: only on demand; `anju serve` looks every 30 s).
    public var standingWarmInterval: Duration? = nil

    /// Twice the processor count (at least 2): enough connections to keep the database busy
    /// while others wait on the network, few enough that threads do not crowd the cores —
    /// on this project's 2-core machines, 8 connections gave up to 8% more lookups per
    /// second than 4 but 1.4-4× their p99 latency (BENCHMARKS.md).
    public static var defaultPoolSize: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    public init(
        databaseURL: String, city: String = "default", host: String = "127.0.0.1", port: Int = 8080,
        poolSize: Int = ServerConfiguration.defaultPoolSize,
        acquireTimeout: Duration = .seconds(5), identityKey: IdentityKey? = nil, rateLimit: RateLimit = RateLimit()
    ) {
        self.rateLimit = rateLimit
        self.identityKey = identityKey
        self.databaseURL = databaseURL
        self.city = city
        self.host = host
        self.port = port
        self.poolSize = poolSize
        self.acquireTimeout = acquireTimeout
    }
}
