import ServiceLifecycle

/// The pool as a service of the application: its lifetime is the service group's, so the
/// group's shutdown order (the server first, then the pool) replaces hand-written teardown.
extension ConnectionPool: Service {
    /// Waits for the group's graceful shutdown (or cancellation), then shuts the pool down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }
}

extension ConnectionPool where Resource == DatabaseSession {
    /// A pool of `configuration.poolSize` sessions on the configured database and city.
    public static func sessions(_ configuration: ServerConfiguration) -> ConnectionPool<DatabaseSession> {
        let url = configuration.databaseURL
        let city = configuration.city
        return ConnectionPool(size: configuration.poolSize, acquireTimeout: configuration.acquireTimeout) {
            try DatabaseSession(url: url, city: city)
        }
    }
}

extension ConnectionPool {
    /// `withConnection`, or nil on any failure (for best-effort figures).
    func withConnectionOrNil<T: Sendable>(_ body: @escaping @Sendable (Resource) throws -> T) async -> T? {
        try? await withConnection(body)
    }
}
