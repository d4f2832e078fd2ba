import Hummingbird
import Logging
import Postgres
import Store

/// The applicant's status page: `GET /` (sign-in form), `POST /status` (their status),
/// `POST /status/accept` and `POST /status/decline` (answer the live offer), `GET /status.css`.
///
/// Server-rendered HTML without any script. The token travels only in form bodies (never a
/// URL, so never a log line or a Referer) and is echoed only in the hidden fields of the
/// answer forms. The forms call the same credential check and the same `Store` functions as
/// the JSON API; a cross-site form cannot answer for anyone, since it would need the token.
enum StatusPage {
    /// Sent with every page: no caching (the page holds a token), no script, no framing,
    /// forms only to this origin, no Referer.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// The headers of every status-page response.
    static func headers(contentType: String, language: Language? = nil) -> HTTPFields {
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: "no-store",
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .init("Referrer-Policy")!: "no-referrer",
        ]
        if let language {
            headers[.contentLanguage] = language.rawValue
            headers[.init("Vary")!] = "Accept-Language"
        }
        return headers
    }

    /// An HTML page response.
    static func page(_ html: String, status: HTTPResponse.Status = .ok, language: Language) -> Response {
        Response(
            status: status, headers: headers(contentType: "text/html; charset=utf-8", language: language),
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 to `/`: what a GET of a form's address answers.
    static func backToSignIn() -> Response {
        var headers = headers(contentType: "text/plain; charset=utf-8")
        headers[.location] = "/"
        return Response(status: .seeOther, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "See /\n")))
    }

    /// What an answer form asks for.
    enum Answer: Sendable { case accept, decline }

    /// What a signed-in request found: the applicant's status after any answer, and the notice
    /// and HTTP status the answer produced.
    struct Outcome: Sendable {
        var status: ApplicantStatus
        var notice: StatusPageNotice?
        var httpStatus: HTTPResponse.Status
    }
}

extension Routes {
    func addStatusPage(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in
            let language = Language.preferred(by: request.headers[.acceptLanguage])
            return StatusPage.page(StatusPageHTML.signIn(StatusPageText(language: language)), language: language)
        }
        router.get("/status.css") { _, _ in
            Response(
                status: .ok, headers: StatusPage.headers(contentType: "text/css; charset=utf-8"),
                body: .init(byteBuffer: ByteBuffer(string: StatusPageStyle.css)))
        }
        // A form's address opened directly (typed, bookmarked) leads back to the sign-in form.
        router.get("/status") { _, _ in StatusPage.backToSignIn() }
        router.get("/status/accept") { _, _ in StatusPage.backToSignIn() }
        router.get("/status/decline") { _, _ in StatusPage.backToSignIn() }
        router.post("/status") { request, _ in await statusPage(request, answer: nil) }
        router.post("/status/accept") { request, _ in await statusPage(request, answer: .accept) }
        router.post("/status/decline") { request, _ in await statusPage(request, answer: .decline) }
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
            let outcome = try await pool.withConnection { session in
                guard let answer else {
                    // Only reading: the token check and the reads are one statement.
                    return StatusPage.Outcome(
                        status: try PresentedCredentials.verifiedStatus(of: id, token: token, in: session), notice: nil,
                        httpStatus: .ok)
                }
                let caller = try PresentedCredentials.applicant(id: id, token: token).verify(in: session)
                let (notice, httpStatus) = try Self.perform(answer, offer: offerID, reason: reason, by: caller, in: session)
                return StatusPage.Outcome(status: try session.reader.applicantStatus(id), notice: notice, httpStatus: httpStatus)
            }
            let html = StatusPageHTML.status(
                ApplicantStatusBody(outcome.status, language: language), text,
                credentials: .init(applicantID: id, token: token), notice: outcome.notice)
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
    private func errorPage(_ error: any Error, _ text: StatusPageText, endpoint: String) -> Response {
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
                    "error": "\(type(of: error))", "sqlstate": "\((error as? PostgresError)?.sqlState?.rawValue ?? "-")",
                    "route": "\(endpoint)",
                ])
        }
        return StatusPage.page(StatusPageHTML.error(text, status: Int(status.code)), status: status, language: text.language)
    }
}
