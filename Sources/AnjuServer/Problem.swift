import Foundation
import Hummingbird
import Postgres
import Store

/// An RFC 9457 problem: every error the API answers, as `application/problem+json` with a
/// stable machine-readable `code` beside the human `title` and `detail`.
public struct Problem: HTTPResponseError, Sendable, Equatable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable identifier clients branch on, e.g. `offer_not_found`, `stale_version`.
    public var code: String
    /// Short summary of the kind of problem (the same for every instance of `code`).
    public var title: String
    /// What went wrong this time, and what to do.
    public var detail: String?
    /// Extra headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields = [:]
    /// Every finding, for a request wrong in many places at once (an RFC 9457 extension
    /// member, `errors`); nil leaves the member out.
    public var errors: [String]?
    /// For an application or an applicant's update: each problem at its field, worded in
    /// the applicant's language (extension member `fields`).
    var fields: [FieldProblem]?

    /// A problem as described.
    public init(_ status: HTTPResponse.Status, code: String, title: String, detail: String? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
    }

    /// The JSON body: `type`, `title`, `status`, `code`, `detail`, `instance`, and `errors`
    /// when the problem lists its findings.
    struct Body: Codable, Equatable {
        var type: String
        var title: String
        var status: Int
        var code: String
        var detail: String?
        var instance: String
        var errors: [String]?
        var fields: [FieldProblem]?
    }

    func body(instance: String) -> Body {
        Body(
            type: "https://anju.example/problems/\(code)", title: title, status: Int(status.code), code: code,
            detail: detail, instance: instance, errors: errors, fields: fields)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(instance: request.uri.path)
    }

    /// The response for this problem (the path as `instance`).
    func response(instance: String) -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return JSONBody.response(body(instance: instance), status: status, headers: headers)
    }
}

extension Problem {
    static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, code: "unauthorized", title: "Missing or invalid credentials", detail: detail)
        problem.headers[.wwwAuthenticate] = #"Bearer realm="anju""#
        return problem
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, code: "forbidden", title: "These credentials may not do this", detail: detail)
    }

    static func notFound(_ code: String = "not_found", _ detail: String) -> Problem {
        Problem(.notFound, code: code, title: "Not found", detail: detail)
    }

    static func badRequest(_ code: String, _ detail: String) -> Problem {
        Problem(.badRequest, code: code, title: "Bad request", detail: detail)
    }

    static func unavailable(_ code: String, _ detail: String) -> Problem {
        var problem = Problem(.serviceUnavailable, code: code, title: "Service unavailable", detail: detail)
        problem.headers[.retryAfter] = "2"
        return problem
    }

    static let internalError = Problem(
        .internalServerError, code: "internal_error", title: "Internal error",
        detail: "the server failed; the error is logged")

    /// The problem for any error a handler throws: store errors are the caller's (4xx), the
    /// pool's and lost connections are 503, Hummingbird's own errors keep their status.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as StoreError:
            return Problem(error)
        case let error as PoolError:
            switch error {
            case .timedOut: return .unavailable("pool_timeout", "every database connection stayed busy; try again")
            case .closed: return .unavailable("shutting_down", "the server is shutting down")
            }
        case let error as PostgresError where isConnectionFailure(error):
            return .unavailable("database_unavailable", "the database cannot be reached; try again shortly")
        case let error as any HTTPResponseError:
            // Hummingbird's own errors (HTTPError, NIO's too-many-bytes, …): keep the status.
            let detail = (error as? HTTPError)?.body
            switch error.status {
            case .contentTooLarge:
                return Problem(
                    .contentTooLarge, code: "body_too_large", title: "Request body too large",
                    detail: "a request body may be at most \(ServerConfiguration.maxBodyBytes) bytes")
            case .notFound:
                return .notFound("route_not_found", "no such endpoint")
            case .methodNotAllowed:
                return Problem(.methodNotAllowed, code: "method_not_allowed", title: "Method not allowed", detail: detail)
            case let status where (400..<500).contains(Int(status.code)):
                return Problem(status, code: "bad_request", title: status.reasonPhrase, detail: detail)
            default:
                return .internalError
            }
        default:
            return .internalError
        }
    }
}

extension Problem {
    /// The one mapping from a store error to what the API answers: the kind decides the
    /// status (invalid 422, not found 404, conflict 409), the error's stable code is the
    /// problem's `code`, its problems are the `detail` (joined by "; ") and, when any has a
    /// place (a field, a file line) or there are several, the `errors` list, one each.
    init(_ error: StoreError) {
        let lines = error.problems.map(\.description)
        switch error.kind {
        case .invalid: self.init(.unprocessableContent, code: error.code.rawValue, title: "Invalid request")
        case .notFound: self.init(.notFound, code: error.code.rawValue, title: "Not found")
        case .conflict: self.init(.conflict, code: error.code.rawValue, title: "Conflict with the current state")
        }
        detail = lines.joined(separator: "; ")
        if lines.count > 1 || error.problems.contains(where: { $0.location != nil }) { errors = lines }
    }
}
