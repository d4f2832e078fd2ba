import Hummingbird
import Postgres

/// What load balancers, service managers and Prometheus ask: `/healthz` (the process
/// answers; never touches the database), `/readyz` (the database answers too) and `/metrics`.
struct MonitoringController {
    let pool: ConnectionPool<DatabaseSession>
    let metrics: ServerMetrics

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/healthz", use: health)
        router.get("/readyz", use: readiness)
        router.get("/metrics", use: exposition)
    }

    /// `GET /healthz`.
    @Sendable func health(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        JSONBody.response(["status": "ok"])
    }

    /// `GET /readyz`: 503 while the database cannot be reached.
    @Sendable func readiness(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        do {
            try await pool.withConnection { session in try session.reader.checkReachable() }
            return JSONBody.response(["status": "ready"])
        } catch {
            throw Problem.unavailable("not_ready", "the database cannot be reached")
        }
    }

    /// `GET /metrics`: the Prometheus text format; the rounds by status only when the
    /// database answered (`anju_database_up` says which).
    @Sendable func exposition(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let counts = await pool.withConnectionOrNil { session in
            (try session.reader.roundCountsByStatus(), try session.reader.messageCounts())
        }
        let text = metrics.render(pool: pool.statistics, roundsByStatus: counts?.0, messagesByStatus: counts?.1)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
