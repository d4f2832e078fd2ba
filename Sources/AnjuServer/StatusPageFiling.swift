import Hummingbird
import Store

/// What every status-page form that files something (an appeal, an objection) shares: read
/// the form, check the applicant's id and token as every status-page form checks them, file
/// inside one pooled session, and answer with the status page — the outcome shown in the
/// form's own part, with the HTTP status the filing chose. Failures are pages, never JSON:
/// 400 without credentials, 401 with wrong ones, the error page for anything else.
struct StatusPageFiling {
    let pool: ConnectionPool<DatabaseSession>
    let statusPage: StatusPageController

    /// What a filing decided: the line shown above its part, and the HTTP status.
    struct Outcome: Sendable {
        var notice: (text: String, success: Bool)
        var httpStatus: HTTPResponse.Status
    }

    private struct Filed: Sendable {
        var status: ApplicantStatus
        var record: AppealRecord?
        var outcome: Outcome
    }

    /// Answers `request`: `file` runs with the verified caller and maps its refusals to an
    /// `Outcome`; `section` renders the form's part of the page from the applicant's status
    /// and record (read after filing, with the open notices when `openNotices`).
    func answer(
        _ request: Request, fieldNames: Set<String> = StatusPageForm.fieldNames, openNotices: Bool = false,
        file: @escaping @Sendable (DatabaseSession, Caller, StatusPageForm, _ applicantID: String, Language) throws -> Outcome,
        section: (ApplicantStatusBody, AppealRecord?, StatusPageHTML.Credentials, Outcome, Language) -> String
    ) async -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let text = StatusPageText(language: language)
        var request = request
        let form: StatusPageForm
        do {
            form = try await StatusPageForm.read(from: &request, fieldNames: fieldNames)
        } catch {
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
        guard let id = form.value("applicant_id"), let token = form.value("token") else {
            let html = StatusPageHTML.signIn(text, applicantID: form.value("applicant_id") ?? "", error: text.missingCredentials)
            return StatusPage.page(html, status: .badRequest, language: language)
        }
        do {
            let filed = try await pool.withConnection { session -> Filed in
                let caller = try PresentedCredentials.applicant(id: id, token: token).verify(in: session)
                let outcome = try file(session, caller, form, id, language)
                let status = try session.reader.applicantStatus(id)
                return Filed(
                    status: status, record: try AppealRecord.read(for: status, in: session, openNotices: openNotices),
                    outcome: outcome)
            }
            let credentials = StatusPageHTML.Credentials(applicantID: id, token: token)
            var body = ApplicantStatusBody(filed.status, language: language)
            body.add(filed.record, language: language)
            let html = StatusPageHTML.status(
                body, text, credentials: credentials, notice: nil,
                application: section(body, filed.record, credentials, filed.outcome, language))
            return StatusPage.page(html, status: filed.outcome.httpStatus, language: language)
        } catch {
            if Problem.from(error).status == .unauthorized || (error as? StoreError)?.kind == .notFound {
                let html = StatusPageHTML.signIn(text, applicantID: id, error: text.wrongCredentials)
                return StatusPage.page(html, status: .unauthorized, language: language)
            }
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
    }
}
