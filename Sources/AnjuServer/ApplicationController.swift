import AllocationFiles
import Foundation
import Hummingbird
import Store

/// A JSON value given for a form field, with its JSON type, and as the text a CSV cell
/// would hold: strings as they are, numbers and booleans written out, null as absent.
struct FieldValue: Decodable, Sendable {
    enum Kind: Sendable { case null, bool, integer, number, string }
    var kind: Kind
    var text: String?

    /// A JSON number as the contract's decimal text (never an exponent): to 9 decimal places,
    /// about 0.1 mm of latitude; send coordinates as strings to keep every digit.
    static func decimal(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        var text = String(format: "%.9f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { (kind, text) = (.null, nil) }
        else if let v = try? c.decode(Bool.self) { (kind, text) = (.bool, v ? "true" : "false") }
        else if let v = try? c.decode(Int64.self) { (kind, text) = (.integer, String(v)) }
        else if let v = try? c.decode(Double.self) { (kind, text) = (.number, Self.decimal(v)) }
        else if let v = try? c.decode(String.self) { (kind, text) = (.string, v) }
        else {
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string, number or boolean"))
        }
    }
}

/// An application's or an update's body: every member a field, read as text once its JSON
/// type is the one the OpenAPI document gives it.
struct FormBody: Decodable, Sendable {
    var values: [String: FieldValue]

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: FieldValue].self)
    }

    /// Each field's JSON types (null, meaning absent, is always accepted) and the rule a
    /// value of another type breaks.
    static let types: [String: (kinds: Set<FieldValue.Kind>, expected: FieldRule.Expectation)] = [
        "category": ([.string], .oneOf(["youth_talent", "frontline_worker", "general"])),
        "household_size": ([.integer], .wholeNumber(atLeast: ContractRules.Minimum.householdSize)),
        "gender": ([.string], .oneOf(["female", "male"])),
        "birth_date": ([.string], .date),
        "monthly_income": ([.integer], .wholeNumber(atLeast: ContractRules.Minimum.monthlyIncome)),
        "workplace_site": ([.string], .identifier),
        "work_lat": ([.integer, .number, .string], .latitude),
        "work_lon": ([.integer, .number, .string], .longitude),
        "work_district": ([.string], .text),
        "max_commute_min": ([.integer], .wholeNumber(atLeast: ContractRules.Minimum.maxCommuteMin)),
        "max_rent": ([.integer], .wholeNumber(atLeast: ContractRules.Minimum.rent)),
        "needs_accessible": ([.bool], .boolean),
        "employer_id": ([.string], .identifier),
        "name": ([.string], .text),
        "phone": ([.string], .text),
        "email": ([.string], .text),
        "identity_number": ([.string], .text),
        "language": ([.string], .oneOf(["zh-CN", "en"])),
        "version": ([.integer], .wholeNumber(atLeast: 1)),
    ]

    /// The form, and the members no form has or of the wrong JSON type (reported as
    /// problems at their fields, not ignored).
    func form(allowed: Set<String>) -> (ApplicationForm, [StoreProblem]) {
        var form = ApplicationForm()
        var problems: [StoreProblem] = []
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            let known = ["workplace_site", "name", "phone", "email", "identity_number", "language", "version"].contains(key)
                || allowed.contains(key)
            guard known, let type = Self.types[key] else {
                problems.append(
                    StoreProblem("\(key.prefix(64)) is not a field of this form", at: .field(String(key.prefix(64))), rule: .notChangeable))
                continue
            }
            guard let text = value.text else { continue }
            guard type.kinds.contains(value.kind) else {
                problems.append(
                    StoreProblem(
                        "\(key) has the wrong JSON type", at: .field(key), rule: .contract(FieldRule(.malformed, expected: type.expected))))
                continue
            }
            switch key {
            case "workplace_site": form.workplaceSite = text
            case "name": form.name = text
            case "phone": form.phone = text
            case "email": form.email = text
            case "identity_number": form.identityNumber = text
            case "language": form.language = text
            case "version": continue
            default: form.fields[key] = text
            }
        }
        return (form, problems)
    }

    var version: Int64? {
        guard let v = values["version"], v.kind == .integer else { return nil }
        return v.text.flatMap { Int64($0) }
    }
}

/// `POST /v1/applicants/{id}/withdraw`: an optional version.
struct WithdrawRequest: Decodable {
    var version: Int64?
}

/// `201` of `POST /v1/applications`.
struct SubmittedBody: Codable, Equatable {
    var applicantId: String
    var token: String
    var status: String
    var statusLabel: String
    var version: Int64
    var message: String
}

struct WorkplaceSitesBody: Codable, Equatable {
    struct Site: Codable, Equatable {
        var siteId: String
        var kind: String
        var kindLabel: String
        var name: String
        var district: String
    }
    var sites: [Site]
}

/// An applicant's own details (`GET /v1/applicants/{id}/details`, and the answer of a change).
struct ApplicantDetailsBody: Codable, Equatable {
    var applicantId: String
    var status: String
    var statusLabel: String
    var version: Int64
    var fields: [String: String]
    var workplaceSite: String?
    var name: String?
    var phone: String?
    var email: String?
    var language: String?

    init(_ d: ApplicantDetails, language: Language) {
        applicantId = d.applicantID
        status = d.status
        statusLabel = ApplicationText(language).applicationStatus(d.status)
        version = d.version
        fields = d.fields
        workplaceSite = d.workplaceSite
        name = d.contact?.name
        phone = d.contact?.phone
        email = d.contact?.email
        self.language = d.contact?.language
    }
}

extension Problem {
    /// One field's problem, worded in the applicant's language.
    struct FieldProblem: Codable, Equatable, Sendable {
        var field: String
        var message: String
    }

    /// The 422 of an application or an update, every problem at its field, in `language`.
    static func application(_ error: StoreError, language: Language) -> Problem {
        var problem = Problem(error)
        let text = ApplicationText(language)
        problem.fields = error.problems.map {
            FieldProblem(field: ApplicationText.field(of: $0) ?? "body", message: text.message($0))
        }
        if language == .zhCN {
            problem.title = "申请内容有误"
            problem.detail = problem.fields?.map { "\(text.label($0.field))：\($0.message)" }.joined(separator: "；")
            problem.errors = nil
        }
        return problem
    }
}

/// Applications: anyone may apply; an applicant reads and changes their own details and
/// withdraws; the workplace list is public.
struct ApplicationController {
    let pool: ConnectionPool<DatabaseSession>
    let identityKey: IdentityKey?

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.post("/v1/applications", use: submit)
        router.get("/v1/workplace-sites", use: sites)
        router.get("/v1/applicants/:id/details", use: details)
        router.patch("/v1/applicants/:id", use: update)
        router.post("/v1/applicants/:id/withdraw", use: withdraw)
    }

    /// The contract fields an application may set.
    static let applicationFields = Set(ApplicationForm.contractFields)

    /// `POST /v1/applications`: 201 with the applicant id and token (shown once), or 422
    /// with every problem at its field, in the language of `Accept-Language`.
    @Sendable func submit(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        guard let identityKey else {
            throw Problem.unavailable(
                "applications_closed", "this server takes no applications: no identity key is configured (ANJU_IDENTITY_KEY_FILE)")
        }
        var request = request
        let body = try await JSONBody.decode(FormBody.self, from: &request)
        var (form, unknown) = body.form(allowed: Self.applicationFields)
        if form.language == nil { form.language = language.rawValue }
        let submitted: SubmittedApplication
        do {
            guard unknown.isEmpty else { throw StoreError(.invalidApplication, problems: unknown) }
            let checkedForm = form
            submitted = try await pool.withConnection { session in
                try session.store(actor: "applicant:new").submitApplication(checkedForm, key: identityKey)
            }
        } catch let error as StoreError where error.code == .invalidApplication {
            throw Problem.application(error, language: language)
        }
        let text = ApplicationText(language)
        return JSONBody.response(
            SubmittedBody(
                applicantId: submitted.applicantID, token: submitted.token, status: submitted.status,
                statusLabel: text.applicationStatus(submitted.status), version: submitted.version,
                message: language == .en
                    ? "Keep your application number and token: the token is shown only now. You need both to see your status."
                    : "请妥善保存申请编号和查询口令：口令只显示这一次，查询状态时需要同时提供两者。"),
            status: .created, headers: [.contentLanguage: language.rawValue, .cacheControl: "no-store"])
    }

    /// `GET /v1/workplace-sites`: the registered workplaces an applicant may choose.
    @Sendable func sites(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let sites = try await pool.withConnection { session in try session.reader.workplaceSites() }
        let text = ApplicationText(language)
        return JSONBody.response(
            WorkplaceSitesBody(
                sites: sites.map {
                    .init(siteId: $0.id, kind: $0.kind.rawValue, kindLabel: text.choice($0.kind.rawValue), name: $0.name, district: $0.district)
                }),
            headers: [.contentLanguage: language.rawValue])
    }

    /// `GET /v1/applicants/{id}/details`: the applicant's own details, with the version an
    /// update must name.
    @Sendable func details(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let details = try await pool.authenticated(request) { caller, session in
            if case .admin = caller { return try session.reader.applicantDetails(id) }
            try Self.ownApplicant(caller, id, session)
            return try session.reader.applicantDetails(id)
        }
        return JSONBody.response(ApplicantDetailsBody(details, language: language), headers: [.contentLanguage: language.rawValue])
    }

    /// `PATCH /v1/applicants/{id}`: the applicant changes their details; the body names the
    /// `version` it read (409 `stale_version` when it changed since).
    @Sendable func update(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        var request = request
        let body = try await JSONBody.decode(FormBody.self, from: &request)
        guard let version = body.version else {
            throw Problem.application(
                StoreError(
                    .invalidApplication,
                    problems: [
                        StoreProblem(
                            "give the version you read (GET /v1/applicants/{id}/details)", at: .field("version"), rule: .versionNeeded)
                    ]), language: language)
        }
        let (form, unknown) = body.form(allowed: ApplicationForm.changeableFields)
        let key = identityKey
        do {
            guard unknown.isEmpty else { throw StoreError(.invalidApplication, problems: unknown) }
            let details = try await pool.authenticated(request) { caller, session in
                try Self.ownApplicant(caller, id, session)
                return try session.store(actor: caller.actor).updateApplicant(id, expectedVersion: version, changes: form, key: key)
            }
            return JSONBody.response(ApplicantDetailsBody(details, language: language), headers: [.contentLanguage: language.rawValue])
        } catch let error as StoreError where error.code == .invalidApplication {
            throw Problem.application(error, language: language)
        }
    }

    /// `POST /v1/applicants/{id}/withdraw`: leaves the scheme (refused during a live offer
    /// or a tenancy). An optional `version` guards against a change since it was read.
    @Sendable func withdraw(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        var request = request
        let body = try await JSONBody.decode(WithdrawRequest.self, from: &request, allowedKeys: ["version"])
        let details = try await pool.authenticated(request) { caller, session in
            try Self.ownApplicant(caller, id, session)
            return try session.store(actor: caller.actor).withdrawApplicant(id, expectedVersion: body.version)
        }
        return JSONBody.response(ApplicantDetailsBody(details, language: language), headers: [.contentLanguage: language.rawValue])
    }

    /// Only the applicant themselves: anyone else's id answers like an unknown one.
    static func ownApplicant(_ caller: Caller, _ id: String, _ session: DatabaseSession) throws {
        guard case .applicant(let me) = caller, me == id else {
            if case .operator = caller { throw Problem.forbidden("operator keys cannot read applicants") }
            if case .admin = caller { throw Problem.forbidden("only the applicant changes their own details") }
            throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(session.reader.city)")
        }
    }
}
