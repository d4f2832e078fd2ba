import Hummingbird

/// The query of the bureau's list routes: `status` (one of the route's states, or `all`)
/// and `limit` (a whole number from 1 to 10,000, default 1,000). A bad value is 422
/// `invalid_argument`, naming the parameter and what it takes.
enum ListQuery {
    /// `status`, or `fallback` when the query has none; nil for `all`.
    static func status(_ request: Request, among statuses: [String], default fallback: String) throws -> String? {
        let text = request.uri.queryParameters.get("status") ?? fallback
        guard text == "all" || statuses.contains(text) else {
            throw Problem(
                .unprocessableContent, code: "invalid_argument", title: "Invalid request",
                detail: "status: one of all, \(statuses.joined(separator: ", "))")
        }
        return text == "all" ? nil : text
    }

    /// `limit`, 1,000 when the query has none.
    static func limit(_ request: Request) throws -> Int {
        let text = request.uri.queryParameters.get("limit") ?? "1000"
        guard let limit = Int(text), (1...10_000).contains(limit) else {
            throw Problem(
                .unprocessableContent, code: "invalid_argument", title: "Invalid request", detail: "limit: a whole number from 1 to 10000")
        }
        return limit
    }
}
