import Hummingbird
import Logging
import Postgres
import Store

/// The applicant's status page (see `StatusPage`): the sign-in form, the status, the answer
/// forms and the stylesheet. Every failure is a page too, never a JSON problem.
struct StatusPageController {
    let pool: ConnectionPool<DatabaseSession>
    let logger: Logger
    let standings: StandingCache

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/", use: signIn)
        router.get("/status.css", use: stylesheet)
        // A form's address opened directly (typed, bookmarked) leads back to the sign-in form.
        router.get("/status", use: backToSignIn)
        router.get("/status/accept", use: backToSignIn)
        router.get("/status/decline", use: backToSignIn)
        router.post("/status", use: status)
        router.post("/status/accept", use: accept)
        router.post("/status/decline", use: decline)
    }

    /// `GET /`: the sign-in form.
    @Sendable func signIn(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        return StatusPage.page(StatusPageHTML.signIn(StatusPageText(language: language)), language: language)
    }

    /// `GET /status.css`.
    @Sendable func stylesheet(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: StatusPage.headers(contentType: "text/css; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: StatusPageStyle.css)))
    }

    /// `GET /status`, `/status/accept`, `/status/decline`: 303 to the sign-in form.
    @Sendable func backToSignIn(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        StatusPage.backToSignIn()
    }

    /// `POST /status`: the applicant's status.
    @Sendable func status(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await statusPage(request, answer: nil)
    }

    /// `POST /status/accept`: accepts the live offer, then the status.
    @Sendable func accept(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await statusPage(request, answer: .accept)
    }

    /// `POST /status/decline`: declines the live offer (a refusal), then the status.
    @Sendable func decline(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await statusPage(request, answer: .decline)
    }

    /// Signs the applicant in from the form, performs `answer` if any, and renders the page.
    /// Every failure is an HTML page too: 401 (the same for an unknown id and a wrong token),
    /// 400/413/415 for a form that cannot be read, 404/409/422 for an answer that cannot be
    /// made (shown above the status), 503 when the database cannot be reached.
    private func statusPage(_ request: Request, answer: StatusPage.Answer?) async -> Response {
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let text = StatusPageText(language: language)
        var request = request
        let form: StatusPageForm
        do {
            form = try await StatusPageForm.read(from: &request)
        } catch {
            return errorPage(error, text, endpoint: request.uri.path)
        }
        guard let id = form.value("applicant_id"), let token = form.value("token") else {
            let html = StatusPageHTML.signIn(text, applicantID: form.value("applicant_id") ?? "", error: text.missingCredentials)
            return StatusPage.page(html, status: .badRequest, language: language)
        }
        let offerID = form.value("offer_id")
        let reason = form.text("reason")
        do {
            let (outcome, record) = try await pool.withConnection { session in
                let outcome: StatusPage.Outcome
                if let answer {
                    let caller = try PresentedCredentials.applicant(id: id, token: token).verify(in: session)
                    let (notice, httpStatus) = try Self.perform(answer, offer: offerID, reason: reason, by: caller, in: session)
                    outcome = StatusPage.Outcome(status: try session.reader.applicantStatus(id), notice: notice, httpStatus: httpStatus)
                } else {
                    // Only reading: the token check and the reads are one statement.
                    outcome = StatusPage.Outcome(
                        status: try PresentedCredentials.verifiedStatus(of: id, token: token, in: session), notice: nil,
                        httpStatus: .ok)
                }
                return (outcome, try AppealRecord.read(for: outcome.status, in: session, openNotices: true))
            }
            let credentials = StatusPageHTML.Credentials(applicantID: id, token: token)
            var body = ApplicantStatusBody(outcome.status, language: language)
            body.add(record, language: language)
            body.standing = await StandingBody.load(for: outcome.status, language: language, cache: standings, pool: pool)
            let html = StatusPageHTML.status(
                body, text, credentials: credentials, notice: outcome.notice,
                application: ApplicationPageHTML.statusSection(
                    outcome.status, ApplicationPageText(language: language), credentials: credentials)
                    + AppealPageHTML.section(body, AppealText(language), credentials: credentials)
                    + ObjectionPageHTML.section(
                        body, openNotices: record?.openNotices ?? [], ObjectionText(language), credentials: credentials))
            return StatusPage.page(html, status: outcome.httpStatus, language: language)
        } catch {
            if Problem.from(error).status == .unauthorized || Self.isNotFound(error) {
                // A verified applicant whose row vanished since reads like a wrong token, too.
                let html = StatusPageHTML.signIn(text, applicantID: id, error: text.wrongCredentials)
                return StatusPage.page(html, status: .unauthorized, language: language)
            }
            return errorPage(error, text, endpoint: request.uri.path)
        }
    }

    /// Answers the caller's offer `offerText` through the store, as the JSON API does; a
    /// store refusal becomes a notice and a 4xx status, database failures propagate.
    private static func perform(
        _ answer: StatusPage.Answer, offer offerText: String?, reason: String?, by caller: Caller, in session: DatabaseSession
    ) throws -> (StatusPageNotice, HTTPResponse.Status) {
        guard case .applicant(let me) = caller, let offerText, let id = Int64(offerText), id > 0 else {
            return (.offerNotFound, .notFound)
        }
        do {
            let offer = try session.reader.offer(id)
            guard offer.applicantID == me else { return (.offerNotFound, .notFound) }
            let store = try session.store(actor: caller.actor)
            switch answer {
            case .accept:
                let result = try store.accept(offer: id, reason: nil)
                return (result.alreadyAnswered ? .alreadyAccepted : .accepted, .ok)
            case .decline:
                let result = try store.decline(offer: id, reason: reason)
                return (result.alreadyAnswered ? .alreadyDeclined : .declined, .ok)
            }
        } catch let error as StoreError {
            switch error.kind {
            case .notFound: return (.offerNotFound, .notFound)
            case .conflict: return (.cannotAnswer, .conflict)
            case .invalid: return (.reasonTooLong(Store.maxReasonLength), .unprocessableContent)
            }
        }
    }

    private static func isNotFound(_ error: any Error) -> Bool {
        (error as? StoreError)?.kind == .notFound
    }

    /// The HTML error page for a failure outside the applicant's own data; 5xx are logged by
    /// error type and route only, as `RequestObserver` does.
    func errorPage(_ error: any Error, _ text: StatusPageText, endpoint: String) -> Response {
        let status: HTTPResponse.Status
        switch error {
        case StatusPageForm.Failure.unsupportedMediaType: status = .unsupportedMediaType
        case is StatusPageForm.Failure: status = .badRequest
        default: status = Problem.from(error).status
        }
        if status.code >= 500 {
            logger.error(
                "status page failed",
                metadata: [
                    "error": "\(type(of: error))", "sqlstate": "\((error as? PostgresError)?.sqlState ?? "-")",
                    "route": "\(endpoint)",
                ])
        }
        return StatusPage.page(StatusPageHTML.error(text, status: Int(status.code)), status: status, language: text.language)
    }
}
