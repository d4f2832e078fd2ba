import Foundation
import Hummingbird
import Logging
import Postgres

/// The outermost middleware: turns every thrown error into a problem response (so a
/// client mistake is always a 4xx with `application/problem+json`), then counts and logs
/// the request by route pattern — method, pattern, status, duration; never the path's ids,
/// query, headers or body, so no token, key or personal data reaches the log.
struct RequestObserver<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                // The type and SQLSTATE only: messages can quote row values.
                logger.error(
                    "request failed",
                    metadata: [
                        "error": "\(type(of: error))",
                        "sqlstate": "\((error as? PostgresError)?.sqlState?.rawValue ?? "-")",
                        "route": "\(context.endpointPath ?? "unmatched")",
                    ])
            }
            response = problem.response(instance: request.uri.path)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        metrics.record(method: request.method.rawValue, route: route, status: Int(response.status.code), seconds: seconds)
        logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
                "duration_ms": "\(String(format: "%.2f", seconds * 1000))",
            ])
        return response
    }
}

