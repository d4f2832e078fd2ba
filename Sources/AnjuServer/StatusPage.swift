import Hummingbird
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
