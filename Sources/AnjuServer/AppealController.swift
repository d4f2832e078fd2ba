import Foundation
import Hummingbird
import Store

/// An appeal as the bureau reads it.
struct AppealBody: Codable, Equatable {
    var appealId: Int64
    var applicantId: String
    var status: String
    var reason: String
    var refusalsAtFiling: Int
    var filedAt: String
    var answeredAt: String?
    var answeredBy: String?
    var upholdReason: String?
    var note: String?
    var refusalsAfter: Int?
    var applicantStatus: String

    init(_ a: Appeal) {
        appealId = a.id
        applicantId = a.applicantID
        status = a.status.rawValue
        reason = a.reason
        refusalsAtFiling = a.refusalsAtFiling
        filedAt = a.filedAt
        answeredAt = a.answeredAt
        answeredBy = a.answeredBy
        upholdReason = a.upholdReason?.rawValue
        note = a.note
        refusalsAfter = a.refusalsAfter
        applicantStatus = a.applicantStatus
    }
}

struct AppealListBody: Codable, Equatable {
    var appeals: [AppealBody]
}

/// `POST /v1/applicants/{id}/appeals`, `/v1/appeals/{id}/reinstate|uphold` and
/// `/v1/offers/{id}/excuse` bodies (each route allows only its own members).
struct AppealRequest: Codable {
    var reason: String?
    var note: String?
}

/// What excusing a refusal did.
struct RefusalExcuseBody: Codable, Equatable {
    var offerId: Int64
    var applicantId: String
    var refusalsBefore: Int
    var refusals: Int
    var applicantStatus: String
    var reinstated: Bool
    var answeredAppeal: Int64?

    init(_ e: RefusalExcuse) {
        offerId = e.offerID
        applicantId = e.applicantID
        refusalsBefore = e.refusalsBefore
        refusals = e.refusals
        applicantStatus = e.applicantStanding.rawValue
        reinstated = e.reinstated
        answeredAppeal = e.answeredAppeal
    }
}

/// Appeals against suspension: the applicant files one (their token), the bureau lists and
/// answers them and excuses single refusals (admin keys).
struct AppealController {
    let pool: ConnectionPool<DatabaseSession>

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.post("/v1/applicants/:id/appeals", use: file)
        router.get("/v1/appeals", use: list)
        router.post("/v1/appeals/:id/reinstate", use: reinstate)
        router.post("/v1/appeals/:id/uphold", use: uphold)
        router.post("/v1/offers/:id/excuse", use: excuse)
    }

    /// `POST /v1/applicants/{id}/appeals` with `reason`: 201 with the appeal; another
    /// applicant's id answers like an unknown one.
    @Sendable func file(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        var request = request
        let body = try await JSONBody.decode(AppealRequest.self, from: &request, allowedKeys: ["reason"])
        let appeal = try await pool.authenticated(request) { caller, session in
            guard case .applicant(let me) = caller else {
                throw Problem.forbidden("only the applicant can appeal their suspension; use an applicant token")
            }
            guard me == id else {
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(session.reader.city)")
            }
            return try session.store(actor: caller.actor).fileAppeal(applicant: me, reason: body.reason)
        }
        return JSONBody.response(AppealBody(appeal), status: .created)
    }

    /// `GET /v1/appeals?status=open|reinstated|upheld|all&limit=1000`, oldest first.
    @Sendable func list(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let status = try ListQuery.status(request, among: Appeal.Status.allCases.map(\.rawValue), default: "open")
            .flatMap(Appeal.Status.init(rawValue:))
        let limit = try ListQuery.limit(request)
        let rows = try await pool.asAdminStore(request) { store in try store.appeals(status: status, limit: limit) }
        return JSONBody.response(AppealListBody(appeals: rows.map(AppealBody.init)))
    }

    /// `POST /v1/appeals/{id}/reinstate` with an optional `note`.
    @Sendable func reinstate(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = try Self.appealID(context)
        var request = request
        let body = try await JSONBody.decode(AppealRequest.self, from: &request, allowedKeys: ["note"])
        let appeal = try await pool.asAdminStore(request) { store in try store.reinstate(appeal: id, note: body.note) }
        return JSONBody.response(AppealBody(appeal))
    }

    /// `POST /v1/appeals/{id}/uphold` with `reason` (a code) and an optional `note`.
    @Sendable func uphold(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = try Self.appealID(context)
        var request = request
        let body = try await JSONBody.decode(AppealRequest.self, from: &request, allowedKeys: ["reason", "note"])
        let appeal = try await pool.asAdminStore(request) { store in try store.uphold(appeal: id, reason: body.reason, note: body.note) }
        return JSONBody.response(AppealBody(appeal))
    }

    /// `POST /v1/offers/{id}/excuse` with `reason`: the refusal no longer counts.
    @Sendable func excuse(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = try ApplicantController.offerID(context)
        var request = request
        let body = try await JSONBody.decode(AppealRequest.self, from: &request, allowedKeys: ["reason"])
        let excuse = try await pool.asAdminStore(request) { store in try store.excuse(offer: id, reason: body.reason) }
        return JSONBody.response(RefusalExcuseBody(excuse))
    }

    /// A path parameter that is an appeal id; anything else is answered like an unknown appeal.
    static func appealID(_ context: some RequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw Problem.notFound("appeal_not_found", "no such appeal")
        }
        return id
    }

}
