import Hummingbird
import Store

/// The status page's appeal form: `POST /status/appeal` files the appeal with the
/// applicant's id and token (checked as every status-page form checks them) and answers with
/// the status page, the outcome shown above the appeal part — 201 filed, 409 when not
/// suspended or an appeal is open, 422 for the text. Failures are pages, never JSON.
struct AppealPageController {
    let pool: ConnectionPool<DatabaseSession>
    let statusPage: StatusPageController

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/status/appeal", use: backToSignIn)
        router.post("/status/appeal", use: file)
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
        let appealText = AppealText(language)
        var request = request
        let form: StatusPageForm
        do {
            form = try await StatusPageForm.read(from: &request)
        } catch {
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
        guard let id = form.value("applicant_id"), let token = form.value("token") else {
            let html = StatusPageHTML.signIn(text, applicantID: form.value("applicant_id") ?? "", error: text.missingCredentials)
            return StatusPage.page(html, status: .badRequest, language: language)
        }
        let reason = form.text("reason")
        do {
            let filed = try await pool.withConnection { session -> Filed in
                let caller = try PresentedCredentials.applicant(id: id, token: token).verify(in: session)
                var notice = (text: appealText.filed, success: true)
                var httpStatus = HTTPResponse.Status.created
                do {
                    _ = try session.store(actor: caller.actor).fileAppeal(applicant: id, reason: reason)
                } catch let error as StoreError where error.code != .applicantNotFound {
                    switch error.code {
                    case .appealOpen: (notice, httpStatus) = ((appealText.appealOpen, false), .conflict)
                    case .applicantNotSuspended: (notice, httpStatus) = ((appealText.notSuspended, false), .conflict)
                    default: (notice, httpStatus) = ((appealText.invalidReason(limit: Store.maxAppealLength), false), .unprocessableContent)
                    }
                }
                let status = try session.reader.applicantStatus(id)
                return Filed(
                    status: status, record: try AppealRecord.read(for: status, in: session), notice: notice, httpStatus: httpStatus)
            }
            let credentials = StatusPageHTML.Credentials(applicantID: id, token: token)
            var body = ApplicantStatusBody(filed.status, language: language)
            body.add(filed.record, language: language)
            let html = StatusPageHTML.status(
                body, text, credentials: credentials, notice: nil,
                application: AppealPageHTML.section(body, appealText, credentials: credentials, notice: filed.notice))
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
