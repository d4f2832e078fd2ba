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

    func addRoutes(to router: Router<BasicRequestContext>) {
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
    @Sendable func backToSignIn(_ request: Request, context: BasicRequestContext) async throws -> Response {
        StatusPage.backToSignIn()
    }

    // MARK: Apply

    /// `GET /apply`: the empty form (503 while no identity key is configured).
    @Sendable func applyForm(_ request: Request, context: BasicRequestContext) async throws -> Response {
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
    @Sendable func apply(_ request: Request, context: BasicRequestContext) async throws -> Response {
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

    // MARK: Change my details

    /// `POST /status/details`: the form prefilled with the stored details and their version.
    @Sendable func details(_ request: Request, context: BasicRequestContext) async throws -> Response {
        await signedIn(request) { form, credentials, t, session in
            let me = try Self.verify(credentials, session)
            let details = try session.reader.applicantDetails(me)
            guard Self.changeable(details.status) else {
                return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
            }
            let html = ApplicationPageHTML.detailsForm(
                t, sites: try session.reader.workplaceSites(), form: ApplicationPageForm(details), version: details.version,
                credentials: credentials, notice: nil)
            return .init(html, .ok)
        }
    }

    /// `POST /status/update`: saves the form from the version it was read at: 200 with what
    /// changed; 409 with the details as they are now when they changed since (or a refusal
    /// during a live offer or a tenancy); 422 with the form as sent and every problem.
    @Sendable func update(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let key = identityKey
        return await signedIn(request) { form, credentials, t, session in
            let me = try Self.verify(credentials, session)
            let before = try session.reader.applicantDetails(me)
            let sites = try session.reader.workplaceSites()
            // No readable version reads as a stale one: the page then shows the details as they are.
            let version = form.value("version").flatMap { Int64($0) } ?? -1
            let changes = ApplicationPageForm.changes(form, hadContact: before.contact != nil)
            do {
                let after = try session.store(actor: Caller.applicant(me).actor)
                    .updateApplicant(me, expectedVersion: version, changes: changes, key: key)
                let changed = Self.changedFields(before, after)
                let html = ApplicationPageHTML.detailsForm(
                    t, sites: sites, form: ApplicationPageForm(after), version: after.version, credentials: credentials,
                    notice: (changed.isEmpty ? t.nothingChanged : t.saved(changed), true))
                return .init(html, .ok)
            } catch let error as StoreError {
                switch error.code {
                case .invalidApplication:
                    var typed = ApplicationPageForm(form, names: ApplicationPageForm.detailsFields)
                    typed.report(error.problems, language: t.language, fields: ApplicationPageForm.detailsFields)
                    let html = ApplicationPageHTML.detailsForm(
                        t, sites: sites, form: typed, version: version, credentials: credentials, notice: nil)
                    return .init(html, .unprocessableContent)
                case .staleVersion:
                    let now = try session.reader.applicantDetails(me)
                    let html = ApplicationPageHTML.detailsForm(
                        t, sites: sites, form: ApplicationPageForm(now), version: now.version, credentials: credentials,
                        notice: (t.staleDetails, false))
                    return .init(html, .conflict)
                case .applicantNotChangeable:
                    return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
                default:
                    throw error
                }
            }
        }
    }

    /// The changeable fields whose stored value differs, in page order; a new site's point
    /// is not listed apart from the site.
    static func changedFields(_ before: ApplicantDetails, _ after: ApplicantDetails) -> [String] {
        func values(_ d: ApplicantDetails) -> [String: String] {
            var v = d.fields
            v["workplace_site"] = d.workplaceSite
            v["name"] = d.contact?.name
            v["phone"] = d.contact?.phone
            v["email"] = d.contact?.email
            v["language"] = d.contact?.language
            return v
        }
        let (a, b) = (values(before), values(after))
        let siteChanged = a["workplace_site"] != b["workplace_site"]
        return ApplicationPageForm.detailsFields.filter { field in
            if siteChanged && ApplicationPageForm.pointFields.contains(field) { return false }
            // Coordinates compare by value, as the store's audit does (31.23 = 31.2300).
            if field == "work_lat" || field == "work_lon", let x = a[field].flatMap({ Decimal(string: $0) }),
                let y = b[field].flatMap({ Decimal(string: $0) })
            {
                return x != y
            }
            return a[field] != b[field]
        }
    }

    // MARK: Withdraw

    /// `POST /status/withdraw`: without `confirm=yes`, the confirmation page (carrying the
    /// version read); with it, the withdrawal from that version (409 when it changed since).
    @Sendable func withdraw(_ request: Request, context: BasicRequestContext) async throws -> Response {
        await signedIn(request) { form, credentials, t, session in
            let me = try Self.verify(credentials, session)
            let details = try session.reader.applicantDetails(me)
            guard Self.changeable(details.status) else {
                return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
            }
            guard form.value("confirm") == "yes" else {
                return .init(ApplicationPageHTML.withdrawConfirmation(t, version: details.version, credentials: credentials), .ok)
            }
            let version = form.value("version").flatMap { Int64($0) } ?? -1
            do {
                _ = try session.store(actor: Caller.applicant(me).actor).withdrawApplicant(me, expectedVersion: version)
                return .init(ApplicationPageHTML.notice(t, t.withdrawn, success: true, credentials: credentials), .ok)
            } catch let error as StoreError where error.code == .staleVersion {
                let now = try session.reader.applicantDetails(me)
                let html = ApplicationPageHTML.withdrawConfirmation(
                    t, version: now.version, credentials: credentials, notice: t.staleWithdraw)
                return .init(html, .conflict)
            } catch let error as StoreError where error.code == .applicantNotChangeable {
                return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
            }
        }
    }

    // MARK: Signing in

    /// A page and its status, as built on a pool thread.
    private struct Page: Sendable {
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
    private static func verify(_ credentials: StatusPageHTML.Credentials, _ session: DatabaseSession) throws -> String {
        let caller = try PresentedCredentials.applicant(id: credentials.applicantID, token: credentials.token).verify(in: session)
        guard case .applicant(let me) = caller else { throw Problem.unauthorized("the applicant id and token do not match") }
        return me
    }

    /// Reads the form and the credentials it re-sends, runs `body` on a pool connection, and
    /// turns every failure into a page as the status page does: 400 without credentials, 401
    /// (the sign-in form) when they do not match or the applicant vanished, 400/413/415 for
    /// an unreadable form, 503 without a database.
    private func signedIn(
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
