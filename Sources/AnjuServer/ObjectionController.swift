import Foundation
import Hummingbird
import Store

/// An objection as the bureau reads it.
struct ObjectionBody: Codable, Equatable {
    var objectionId: Int64
    var applicantId: String
    var roundId: String
    var noticeId: Int64
    var kind: String
    var text: String
    var status: String
    var filedAt: String
    var answeredAt: String?
    var answeredBy: String?
    var reply: String?
    var noticeSupersededBy: Int64?
    var windowClosesAt: String

    init(_ o: Objection) {
        objectionId = o.id
        applicantId = o.applicantID
        roundId = o.roundID
        noticeId = o.noticeID
        kind = o.kind.rawValue
        text = o.text
        status = o.status.rawValue
        filedAt = o.filedAt
        answeredAt = o.answeredAt
        answeredBy = o.answeredBy
        reply = o.reply
        noticeSupersededBy = o.noticeSupersededBy
        windowClosesAt = o.windowClosesAt
    }
}

struct ObjectionListBody: Codable, Equatable {
    var objections: [ObjectionBody]
}

/// `POST /v1/applicants/{id}/objections` and `/v1/objections/{id}/answer` bodies (each
/// route allows only its own members).
struct ObjectionRequest: Codable {
    var noticeId: Int64?
    var round: String?
    var kind: String?
    var text: String?
    var decision: String?
    var reply: String?
}

/// Objections to public notices: the applicant files one (their token), the bureau lists
/// and answers them (admin keys).
struct ObjectionController {
    let pool: ConnectionPool<DatabaseSession>

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.post("/v1/applicants/:id/objections", use: file)
        router.get("/v1/objections", use: list)
        router.post("/v1/objections/:id/answer", use: answer)
    }

    /// `POST /v1/applicants/{id}/objections` with `kind`, `text` and `notice_id` or `round`:
    /// 201 with the objection; another applicant's id answers like an unknown one.
    @Sendable func file(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        var request = request
        let body = try await JSONBody.decode(ObjectionRequest.self, from: &request, allowedKeys: ["notice_id", "round", "kind", "text"])
        let objection = try await pool.authenticated(request) { caller, session in
            guard case .applicant(let me) = caller else {
                throw Problem.forbidden("only the applicant can object to their place in a notice; use an applicant token")
            }
            guard me == id else {
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(session.reader.city)")
            }
            // Checked after the credentials, so that a request without them is a 401 whatever its body.
            guard let kind = body.kind.flatMap(Objection.Kind.init(rawValue:)) else {
                throw Problem(.unprocessableContent, code: "invalid_argument", title: "Invalid request", detail: "kind: pool or outcome")
            }
            guard (body.noticeId == nil) != (body.round == nil) else {
                throw Problem(
                    .unprocessableContent, code: "invalid_argument", title: "Invalid request",
                    detail: "notice_id: give notice_id or round, not both")
            }
            return try session.store(actor: caller.actor).fileObjection(
                applicant: me, notice: body.noticeId, round: body.round, kind: kind, text: body.text)
        }
        return JSONBody.response(ObjectionBody(objection), status: .created)
    }

    /// `GET /v1/objections?status=open|upheld|rejected|all&limit=1000`, oldest first.
    @Sendable func list(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let status = try ListQuery.status(request, among: Objection.Status.allCases.map(\.rawValue), default: "open")
            .flatMap(Objection.Status.init(rawValue:))
        let limit = try ListQuery.limit(request)
        let rows = try await pool.asAdminStore(request) { store in try store.objections(status: status, limit: limit) }
        return JSONBody.response(ObjectionListBody(objections: rows.map(ObjectionBody.init)))
    }

    /// `POST /v1/objections/{id}/answer` with `decision` (upheld or rejected) and `reply`.
    @Sendable func answer(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw Problem.notFound("objection_not_found", "no such objection")
        }
        var request = request
        let body = try await JSONBody.decode(ObjectionRequest.self, from: &request, allowedKeys: ["decision", "reply"])
        let objection = try await pool.asAdminStore(request) { store in
            guard let decision = body.decision.flatMap(Objection.Status.init(rawValue:)), decision != .open else {
                throw Problem(.unprocessableContent, code: "invalid_argument", title: "Invalid request", detail: "decision: upheld or rejected")
            }
            return try store.answerObjection(id, decision: decision, reply: body.reply)
        }
        return JSONBody.response(ObjectionBody(objection))
    }
}
