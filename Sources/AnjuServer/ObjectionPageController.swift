import Hummingbird
import Store

/// The status page's objection form: `POST /status/objection` files the objection with the
/// applicant's id and token (checked as every status-page form checks them) and answers with
/// the status page, the outcome shown in the objection part — 201 filed, 409 or 422 when it
/// cannot be. Failures are pages, never JSON.
struct ObjectionPageController {
    let pool: ConnectionPool<DatabaseSession>
    let statusPage: StatusPageController

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/status/objection", use: backToSignIn)
        router.post("/status/objection", use: file)
    }

    @Sendable func backToSignIn(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        StatusPage.backToSignIn()
    }

    private struct Filed: Sendable {
        var status: ApplicantStatus
        var record: AppealRecord?
        var notice: (text: String, success: Bool)
        var httpStatus: HTTPResponse.Status
    }

    @Sendable func file(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let text = StatusPageText(language: language)
        let words = ObjectionText(language)
        var request = request
        let form: StatusPageForm
        do {
            form = try await StatusPageForm.read(from: &request, fieldNames: ["applicant_id", "token", "notice_id", "kind", "text"])
        } catch {
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
        guard let id = form.value("applicant_id"), let token = form.value("token") else {
            let html = StatusPageHTML.signIn(text, applicantID: form.value("applicant_id") ?? "", error: text.missingCredentials)
            return StatusPage.page(html, status: .badRequest, language: language)
        }
        let noticeID = form.value("notice_id").flatMap { Int64($0) }
        let kind = form.value("kind").flatMap(Objection.Kind.init(rawValue:))
        let body = form.text("text")
        do {
            let filed = try await pool.withConnection { session -> Filed in
                let caller = try PresentedCredentials.applicant(id: id, token: token).verify(in: session)
                var notice = (text: words.filed, success: true)
                var httpStatus = HTTPResponse.Status.created
                do {
                    guard let noticeID, let kind else {
                        throw StoreError(.noticeNotFound, "the form names no notice")
                    }
                    _ = try session.store(actor: caller.actor).fileObjection(applicant: id, notice: noticeID, round: nil, kind: kind, text: body)
                } catch let error as StoreError where error.code != .applicantNotFound {
                    switch error.code {
                    case .objectionOpen: (notice, httpStatus) = ((words.alreadyOpen, false), .conflict)
                    case .objectionWindowClosed: (notice, httpStatus) = ((words.closed, false), .conflict)
                    case .noticeSuperseded: (notice, httpStatus) = ((words.superseded, false), .conflict)
                    case .notInNotice, .objectionKindMismatch, .noticeNotFound:
                        (notice, httpStatus) = ((words.notInNotice, false), .unprocessableContent)
                    default: (notice, httpStatus) = ((words.invalidText(limit: Store.maxObjectionLength), false), .unprocessableContent)
                    }
                }
                let status = try session.reader.applicantStatus(id)
                return Filed(
                    status: status, record: try AppealRecord.read(for: status, in: session, openNotices: true), notice: notice,
                    httpStatus: httpStatus)
            }
            let credentials = StatusPageHTML.Credentials(applicantID: id, token: token)
            var status = ApplicantStatusBody(filed.status, language: language)
            status.add(filed.record, language: language)
            let html = StatusPageHTML.status(
                status, text, credentials: credentials, notice: nil,
                application: ObjectionPageHTML.section(
                    status, openNotices: filed.record?.openNotices ?? [], words, credentials: credentials, notice: filed.notice))
            return StatusPage.page(html, status: filed.httpStatus, language: language)
        } catch {
            if Problem.from(error).status == .unauthorized || (error as? StoreError)?.kind == .notFound {
                let html = StatusPageHTML.signIn(text, applicantID: id, error: text.wrongCredentials)
                return StatusPage.page(html, status: .unauthorized, language: language)
            }
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
    }
}
