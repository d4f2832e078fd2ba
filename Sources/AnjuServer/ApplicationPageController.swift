import Foundation
import Hummingbird
import Store

/// The applicant's side of applications, as pages in the status page's frame:
///
/// - `GET /apply`, `POST /apply`: anyone applies; the answer shows the application number
///   and the token once, or the form again with every problem at its field (422);
/// - `POST /status/details` (the form, prefilled), `POST /status/update` (save it, naming the
///   version read) and `POST /status/withdraw` (a confirmation, then with `confirm=yes` the
///   withdrawal): a signed-in applicant who is waiting or pending review. Each POST checks the
///   id and token again, exactly as the answer forms do; a GET of their addresses leads back
///   to the sign-in form.
///
/// The same `Store` functions as the JSON API (`ApplicationController`) do the work.
struct ApplicationPageController {
    let pool: ConnectionPool<DatabaseSession>
    let identityKey: IdentityKey?
    /// For its error pages, so every failure looks and is logged as on the status page.
    let statusPage: StatusPageController

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/apply", use: applyForm)
        router.post("/apply", use: apply)
        router.get("/status/details", use: backToSignIn)
        router.get("/status/update", use: backToSignIn)
        router.get("/status/withdraw", use: backToSignIn)
        router.post("/status/details", use: details)
        router.post("/status/update", use: update)
        router.post("/status/withdraw", use: withdraw)
    }

    /// `GET /status/details`, `/status/update`, `/status/withdraw`: 303 to the sign-in form.
    @Sendable func backToSignIn(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        StatusPage.backToSignIn()
    }

    // MARK: Apply

    /// `GET /apply`: the empty form (503 while no identity key is configured).
    @Sendable func applyForm(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let t = ApplicationPageText(language: language)
        guard identityKey != nil else { return closed(t) }
        do {
            let sites = try await pool.withConnection { session in try session.reader.workplaceSites() }
            return StatusPage.page(ApplicationPageHTML.applyForm(t, sites: sites), language: language)
        } catch {
            return statusPage.errorPage(error, StatusPageText(language: language), endpoint: request.uri.path)
        }
    }

    private enum Applied: Sendable {
        case submitted(SubmittedApplication)
        case invalid([StoreProblem], sites: [WorkplaceSite])
    }

    /// `POST /apply`: 201 with the number and the token (shown once, never stored in clear),
    /// or 422 with the form as sent — except the identity number — and every problem.
    @Sendable func apply(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let t = ApplicationPageText(language: language)
        var request = request
        let form: StatusPageForm
        do {
            form = try await StatusPageForm.read(from: &request, fieldNames: Set(ApplicationPageForm.applyFields))
        } catch {
            return statusPage.errorPage(error, StatusPageText(language: language), endpoint: request.uri.path)
        }
        guard let identityKey else { return closed(t) }
        let application = ApplicationPageForm.application(form, pageLanguage: language)
        do {
            let applied = try await pool.withConnection { session -> Applied in
                do {
                    return .submitted(try session.store(actor: "applicant:new").submitApplication(application, key: identityKey))
                } catch let error as StoreError where error.code == .invalidApplication {
                    return .invalid(error.problems, sites: try session.reader.workplaceSites())
                }
            }
            switch applied {
            case .submitted(let submitted):
                return StatusPage.page(ApplicationPageHTML.submitted(t, submitted), status: .created, language: language)
            case .invalid(let problems, let sites):
                var typed = ApplicationPageForm(form, names: ApplicationPageForm.applyFields)
                typed.report(problems, language: language, fields: ApplicationPageForm.applyFields)
                return StatusPage.page(
                    ApplicationPageHTML.applyForm(t, sites: sites, form: typed), status: .unprocessableContent, language: language)
            }
        } catch {
            return statusPage.errorPage(error, StatusPageText(language: language), endpoint: request.uri.path)
        }
    }

    private func closed(_ t: ApplicationPageText) -> Response {
        StatusPage.page(ApplicationPageHTML.message(t, t.applicationsClosed, success: false), status: .serviceUnavailable, language: t.language)
    }

    // MARK: Signing in

    /// A page and its status, as built on a pool thread.
    struct Page: Sendable {
        var html: String
        var status: HTTPResponse.Status
        init(_ html: String, _ status: HTTPResponse.Status) {
            self.html = html
            self.status = status
        }
    }

    /// Whether the store lets an applicant in `status` change their details or withdraw.
    static func changeable(_ status: String) -> Bool { status == "waiting" || status == "pending_review" }

    /// The applicant the credentials are for, checked against the stored token hash exactly
    /// as the answer forms check them (401 for an unknown id and a wrong token alike).
    static func verify(_ credentials: StatusPageHTML.Credentials, _ session: DatabaseSession) throws -> String {
        let caller = try PresentedCredentials.applicant(id: credentials.applicantID, token: credentials.token).verify(in: session)
        guard case .applicant(let me) = caller else { throw Problem.unauthorized("the applicant id and token do not match") }
        return me
    }

    /// Reads the form and the credentials it re-sends, runs `body` on a pool connection, and
    /// turns every failure into a page as the status page does: 400 without credentials, 401
    /// (the sign-in form) when they do not match or the applicant vanished, 400/413/415 for
    /// an unreadable form, 503 without a database.
    func signedIn(
        _ request: Request,
        _ body: @escaping @Sendable (StatusPageForm, StatusPageHTML.Credentials, ApplicationPageText, DatabaseSession) throws -> Page
    ) async -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let text = StatusPageText(language: language)
        let t = ApplicationPageText(language: language)
        var request = request
        let form: StatusPageForm
        do {
            form = try await StatusPageForm.read(
                from: &request, fieldNames: Set(ApplicationPageForm.credentialFields + ApplicationPageForm.detailsFields))
        } catch {
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
        guard let id = form.value("applicant_id"), let token = form.value("token") else {
            let html = StatusPageHTML.signIn(text, applicantID: form.value("applicant_id") ?? "", error: text.missingCredentials)
            return StatusPage.page(html, status: .badRequest, language: language)
        }
        let credentials = StatusPageHTML.Credentials(applicantID: id, token: token)
        do {
            let page = try await pool.withConnection { session in try body(form, credentials, t, session) }
            return StatusPage.page(page.html, status: page.status, language: language)
        } catch {
            if Problem.from(error).status == .unauthorized || (error as? StoreError)?.code == .applicantNotFound {
                let html = StatusPageHTML.signIn(text, applicantID: id, error: text.wrongCredentials)
                return StatusPage.page(html, status: .unauthorized, language: language)
            }
            return statusPage.errorPage(error, text, endpoint: request.uri.path)
        }
    }
}
