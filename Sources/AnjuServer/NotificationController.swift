import Foundation
import Hummingbird
import Store

/// A message as the bureau sees it: ids and states, never the address or the text.
struct NotificationBody: Codable, Equatable {
    var messageId: Int64
    var applicantId: String
    var channel: String
    var kind: String
    var roundId: String?
    var idempotencyKey: String
    var status: String
    var attempts: Int
    var createdAt: String
    var nextAttemptAt: String
    var sentAt: String?
    var lastError: String?

    init(_ m: OutboxMessage) {
        messageId = m.id
        applicantId = m.applicantID
        channel = m.channel
        kind = m.kind
        roundId = m.roundID
        idempotencyKey = m.idempotencyKey
        status = m.status
        attempts = m.attempts
        createdAt = m.createdAt
        nextAttemptAt = m.nextAttemptAt
        sentAt = m.sentAt
        lastError = m.lastError
    }
}

struct NotificationListBody: Codable, Equatable {
    var notifications: [NotificationBody]
    var counts: [String: Int]
}

/// `GET /v1/notifications?applicant=&round=&status=&limit=` (admin keys): the outbox.
struct NotificationController {
    let pool: ConnectionPool<DatabaseSession>

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/v1/notifications", use: list)
    }

    @Sendable func list(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let applicant = query["applicant"].map(String.init)
        let round = query["round"].map(String.init)
        let status = query["status"].map(String.init)
        if let status, !Store.messageStatuses.contains(status) {
            throw Problem(
                .unprocessableContent, code: "invalid_argument", title: "Invalid request",
                detail: "status: one of \(Store.messageStatuses.joined(separator: ", "))")
        }
        let limit = try ListQuery.limit(request)
        let body = try await pool.asAdmin(request) { session in
            let messages = try session.reader.messages(applicant: applicant, round: round, status: status, limit: limit)
            return NotificationListBody(notifications: messages.map(NotificationBody.init), counts: try session.reader.messageCounts())
        }
        return JSONBody.response(body)
    }
}
