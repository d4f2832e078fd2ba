import Foundation
import Hummingbird
import Store

/// An application as the bureau reviews it.
struct ApplicationSummaryBody: Codable, Equatable {
    var applicantId: String
    var status: String
    var source: String
    var category: String
    var householdSize: Int
    var birthDate: String
    var workDistrict: String
    var appliedAt: String?
    var name: String?
    var duplicateSet: Int64?
    var reviewReason: String?
    var reviewNote: String?
    var version: Int64

    init(_ s: ApplicationSummary) {
        applicantId = s.applicantID
        status = s.status
        source = s.source
        category = s.category
        householdSize = s.householdSize
        birthDate = s.birthDate
        workDistrict = s.workDistrict
        appliedAt = s.appliedAt
        name = s.name
        duplicateSet = s.duplicateSet
        reviewReason = s.reviewReason
        reviewNote = s.reviewNote
        version = s.version
    }
}

struct ApplicationListBody: Codable, Equatable {
    var applications: [ApplicationSummaryBody]
}

struct DecisionRequest: Codable {
    var applicantId: String?
    var decision: String?
    var reason: String?
    var note: String?
}

struct ReviewRequest: Codable {
    var decisions: [DecisionRequest]
}

struct DuplicateSetBody: Codable, Equatable {
    struct Member: Codable, Equatable {
        var applicantId: String
        var status: String
        var source: String
        var name: String?
        var birthDate: String
        var matchedOn: [String]
    }
    var setId: Int64
    var status: String
    var createdAt: String
    var kept: String?
    var members: [Member]

    init(_ s: DuplicateSet) {
        setId = s.id
        status = s.status
        createdAt = s.createdAt
        kept = s.kept
        members = s.members.map {
            Member(applicantId: $0.applicantID, status: $0.status, source: $0.source, name: $0.name, birthDate: $0.birthDate, matchedOn: $0.matchedOn)
        }
    }
}

struct DuplicateSetListBody: Codable, Equatable {
    var duplicateSets: [DuplicateSetBody]
}

struct ResolveRequest: Codable {
    var keep: String
    var note: String?
}

/// The bureau's review of applications and of duplicate sets (admin keys only).
struct ReviewController {
    let pool: ConnectionPool<DatabaseSession>

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/v1/applications", use: list)
        router.get("/v1/applications/:id", use: one)
        router.post("/v1/applications/:id/approve", use: approve)
        router.post("/v1/applications/:id/reject", use: reject)
        router.post("/v1/applications/review", use: review)
        router.get("/v1/duplicate-sets", use: duplicateSets)
        router.post("/v1/duplicate-sets/:id/resolve", use: resolve)
    }

    static let statuses = ["pending_review", "rejected", "waiting", "offered", "housed", "withdrawn", "suspended"]

    /// `GET /v1/applications?status=pending_review&limit=100`: applications by status
    /// (`all`: every application made over the API), oldest first.
    @Sendable func list(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let status = try ListQuery.status(request, among: Self.statuses, default: "pending_review")
        let limit = try ListQuery.limit(request)
        let rows = try await pool.asAdminStore(request) { store in try store.applications(status: status, limit: limit) }
        return JSONBody.response(ApplicationListBody(applications: rows.map(ApplicationSummaryBody.init)))
    }

    /// `GET /v1/applications/{id}`.
    @Sendable func one(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let row = try await pool.asAdminStore(request) { store in try store.application(id) }
        return JSONBody.response(ApplicationSummaryBody(row))
    }

    /// `POST /v1/applications/{id}/approve`: pending review → waiting.
    @Sendable func approve(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        var request = request
        let body = try await JSONBody.decode(DecisionRequest.self, from: &request, allowedKeys: ["note"])
        let rows = try await pool.asAdminStore(request) { store in
            try store.review([ReviewDecision(applicantID: id, decision: .approve, note: body.note)])
        }
        return JSONBody.response(ApplicationSummaryBody(rows[0]))
    }

    /// `POST /v1/applications/{id}/reject` with `reason` (and an optional `note`).
    @Sendable func reject(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        var request = request
        let body = try await JSONBody.decode(DecisionRequest.self, from: &request, allowedKeys: ["reason", "note"])
        let rows = try await pool.asAdminStore(request) { store in
            try store.review([ReviewDecision(applicantID: id, decision: .reject, reason: body.reason, note: body.note)])
        }
        return JSONBody.response(ApplicationSummaryBody(rows[0]))
    }

    /// `POST /v1/applications/review`: many decisions, all applied or none.
    @Sendable func review(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        var request = request
        let body = try await JSONBody.decode(ReviewRequest.self, from: &request, allowedKeys: ["decisions"])
        var problems: [StoreProblem] = []
        var decisions: [ReviewDecision] = []
        for (i, d) in body.decisions.enumerated() {
            guard let decision = ReviewDecision.Decision(rawValue: d.decision ?? "") else {
                problems.append(StoreProblem("decision is approve or reject", at: .field("decisions[\(i)].decision")))
                continue
            }
            decisions.append(ReviewDecision(applicantID: d.applicantId ?? "", decision: decision, reason: d.reason, note: d.note))
        }
        if !problems.isEmpty { throw Problem(StoreError(.invalidArgument, problems: problems)) }
        let all = decisions
        let rows = try await pool.asAdminStore(request) { store in try store.review(all) }
        return JSONBody.response(ApplicationListBody(applications: rows.map(ApplicationSummaryBody.init)))
    }

    /// `GET /v1/duplicate-sets?status=open|all`.
    @Sendable func duplicateSets(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let status = request.uri.queryParameters.get("status") ?? "open"
        guard status == "open" || status == "all" else {
            throw Problem(.unprocessableContent, code: "invalid_argument", title: "Invalid request", detail: "status: open or all")
        }
        let sets = try await pool.asAdminStore(request) { store in try store.duplicateSets(openOnly: status == "open") }
        return JSONBody.response(DuplicateSetListBody(duplicateSets: sets.map(DuplicateSetBody.init)))
    }

    /// `POST /v1/duplicate-sets/{id}/resolve` with `keep`: the others are rejected as duplicates.
    @Sendable func resolve(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw Problem.notFound("duplicate_set_not_found", "no such duplicate set")
        }
        var request = request
        let body = try await JSONBody.decode(ResolveRequest.self, from: &request, allowedKeys: ["keep", "note"])
        let set = try await pool.asAdminStore(request) { store in try store.resolveDuplicateSet(id, keep: body.keep, note: body.note) }
        return JSONBody.response(DuplicateSetBody(set))
    }

}
