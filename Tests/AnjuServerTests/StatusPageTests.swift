import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Status page: sign-in, status, escaping, headers")
struct StatusPageTests {
    @Test("GET / is a script-free sign-in form that posts the token in the body, in the browser's language")
    func signInForm() async throws {
        let f = try ServerFixture.make("page_signin")
        try await f.test { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                r.expectPageHeaders()
                #expect(r.headers[.contentLanguage] == "en")
                #expect(r.text.contains(#"<html lang="en">"#))
                #expect(r.text.contains(#"<form method="post" action="/status""#))
                #expect(r.text.contains(#"name="applicant_id""#))
                #expect(r.text.contains(#"name="token" type="password""#))
                #expect(r.text.contains(#"name="viewport""#))
                #expect(!r.text.lowercased().contains("<script"))
                #expect(!r.text.contains("style="), "no inline style: the CSP allows only /status.css")
            }
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "zh-CN,zh;q=0.9"]) { r in
                #expect(r.headers[.contentLanguage] == "zh-CN")
                #expect(r.text.contains(#"<html lang="zh-CN">"#))
                #expect(r.text.contains("申请编号"))
            }
            try await client.execute(uri: "/status.css", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/css; charset=utf-8")
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.text.contains("max-width"))
            }
        }
    }

    @Test("an offered applicant sees project, district, rent, commute, deadline, history and the answer forms")
    func offeredStatus() async throws {
        let f = try ServerFixture.make("page_offer")
        let a = f.offered[0]
        let token = f.tokens[a]!
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": a, "token": token])) { r in
                #expect(r.status == .ok)
                r.expectPageHeaders()
                let html = r.text
                #expect(html.contains("You have an offer"))
                let slot = try f.connection.query("SELECT slot_id FROM offers WHERE offer_id = $1", [String(f.offers[a]!)]).first?[0]
                if slot == "S1" {
                    #expect(html.contains("人民广场公寓") && html.contains("Huangpu") && html.contains("¥2000 a month"))
                } else {
                    #expect(html.contains("Putuo Court") && html.contains("Putuo") && html.contains("¥1800 a month"))
                }
                #expect(html.range(of: #"<dd>\d+ min</dd>"#, options: .regularExpression) != nil, "commute")
                #expect(
                    html.range(of: #"<dd>\d{4}-\d\d-\d\d \d\d:\d\d \(Asia/Shanghai, UTC\+8\)</dd>"#, options: .regularExpression) != nil,
                    "deadline in the city's zone")
                #expect(html.contains(#"action="/status/accept""#) && html.contains(#"action="/status/decline""#))
                #expect(html.contains(#"name="offer_id" value="\#(f.offers[a]!)""#))
                #expect(html.contains("Round history") && html.contains("awaiting your answer"))
                r.expectTokenOnlyInHiddenFields(token, forms: 2)
                #expect(!html.lowercased().contains("<script"))
            }
        }
    }

    @Test("unmatched and ineligible applicants read the engine's reason; zh-CN labels; no offer, no token in the page")
    func reasonsAndLanguage() async throws {
        let f = try ServerFixture.make("page_reason")
        let u = f.unmatched
        try await f.test { client in
            try await client.execute(
                uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": "A4", "token": f.tokens["A4"]!])
            ) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentLanguage] == "zh-CN")
                #expect(r.text.contains("上一轮没有符合条件的房源"))
                #expect(r.text.contains("原因"))
                #expect(r.text.contains("无符合条件的房源"))
                // No answer forms; the two of a waiting applicant's application (change, withdraw).
                r.expectTokenOnlyInHiddenFields(f.tokens["A4"]!, forms: 2)
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": u, "token": f.tokens[u]!])) { r in
                #expect(r.text.contains("Not matched in the latest round"))
                let reason = try f.connection.query("SELECT reason FROM round_results WHERE applicant_id = $1", [u]).first?[0] ?? ""
                #expect(!reason.isEmpty)
                #expect(r.text.contains(StatusPageHTMLEscape.escape(reason)))
                #expect(!r.text.contains("action=\"/status/accept\""))
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": "A5", "token": f.tokens["A5"]!])) { r in
                #expect(r.text.contains("Waiting for the next allocation round"))
                #expect(r.text.contains("No allocation round has considered you yet."))
            }
        }
    }

    @Test("every stored value is escaped: a project name and a reason with markup render as text")
    func escaping() async throws {
        let f = try ServerFixture.make("page_escape")
        let hostile = #"<script>alert("x")</script> & 'quote' <img src=x onerror=1>"#
        try f.connection.query("UPDATE projects SET name = $1, district = $1 WHERE city = 'c1'", [hostile])
        // The stored text (shown for rounds without reason data) and a name inside the data.
        try f.connection.query("UPDATE round_results SET reason = $1 WHERE outcome = 'ineligible'", [hostile])
        try f.connection.query("UPDATE round_results SET reason_data = NULL WHERE outcome = 'ineligible'")
        try f.connection.query(
            """
            UPDATE round_results SET reason_data = json_build_array('commute', 60, $1::text, 61)
            WHERE outcome = 'unmatched'
            """, [hostile])
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote&#39; &lt;img src=x onerror=1&gt;"
        try await f.test { client in
            for id in [f.offered[0], f.unmatched, "A4"] {
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": id, "token": f.tokens[id]!])) { r in
                    #expect(r.status == .ok)
                    #expect(r.text.contains(escaped), "\(id)")
                    #expect(!r.text.contains("<script"), "\(id)")
                    #expect(!r.text.contains("<img"), "\(id)")
                }
            }
        }
    }

    @Test("unknown id, wrong token, another's token and a malformed id all give the same 401 page, echoing no token")
    func wrongCredentials() async throws {
        let f = try ServerFixture.make("page_auth")
        let (a, b) = (f.offered[0], f.offered[1])
        let attempts: [(id: String, token: String)] = [
            ("NOBODY", f.tokens[a]!), (a, "wrong-token"), (a, f.tokens[b]!), ("bad id!<", f.tokens[a]!), (a, String(repeating: "z", count: 5000)),
        ]
        try await f.test { client in
            var messages: Set<String> = []
            for attempt in attempts {
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": attempt.id, "token": attempt.token])) { r in
                    #expect(r.status == .unauthorized, "\(attempt.id)")
                    r.expectPageHeaders()
                    #expect(!r.text.contains(attempt.token), "the submitted token is never echoed")
                    #expect(!r.text.contains(f.tokens[a]!) && !r.text.contains(f.tokens[b]!))
                    #expect(r.text.contains(#"action="/status""#), "the form is offered again")
                    #expect(!r.text.contains("<script") && !r.text.contains("bad id!<"), "the id is escaped")
                    let alert = r.text.components(separatedBy: #"role="alert">"#).dropFirst().first?.components(separatedBy: "<").first
                    messages.insert(alert ?? "")
                }
            }
            #expect(messages == ["The applicant id and token do not match. Check both against your notice and try again."])
            // Missing fields are a 400 with the form again; a bare GET of /status is no route.
            for fields in [["applicant_id": a], ["token": f.tokens[a]!], ["applicant_id": " ", "token": " "], [:]] {
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(fields)) { r in
                    #expect(r.status == .badRequest)
                    #expect(r.text.contains("Enter both your applicant id and your token."))
                    #expect(!r.text.contains(f.tokens[a]!))
                }
            }
        }
    }

    @Test("a form that cannot be read is an HTML 400/413/415 with the page headers")
    func unreadableForms() async throws {
        let f = try ServerFixture.make("page_badform")
        try await f.test { client in
            let bad: [(HTTPFields, String, HTTPResponse.Status)] = [
                (formHeaders(), "applicant_id=%zz&token=x", .badRequest),
                (formHeaders(), "applicant_id=A1&applicant_id=A2&token=x", .badRequest),
                ([.contentType: "application/json"], #"{"applicant_id": "A1", "token": "x"}"#, .unsupportedMediaType),
                (formHeaders(), "token=" + String(repeating: "x", count: ServerConfiguration.maxBodyBytes + 1), .contentTooLarge),
            ]
            for (headers, body, status) in bad {
                try await client.execute(uri: "/status", method: .post, headers: headers, body: ByteBuffer(string: body)) { r in
                    #expect(r.status == status)
                    r.expectPageHeaders()
                    #expect(r.text.contains(#"<a href="/">"#))
                }
            }
        }
    }

    @Test("a form's address opened with GET leads back to / (303); a known path's other methods are 405 with Allow")
    func methods() async throws {
        let f = try ServerFixture.make("page_methods")
        try await f.test { client in
            for path in ["/status", "/status/accept", "/status/decline"] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .seeOther, "\(path)")
                    #expect(r.headers[.location] == "/")
                    #expect(r.headers[.cacheControl] == "no-store")
                }
            }
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/", .post, "GET"), ("/status", .put, "GET, POST"), ("/status/accept", .delete, "GET, POST"),
                ("/v1/rounds", .delete, "GET"), ("/v1/rounds/R1", .trace, "GET"), ("/v1/offers/1/accept", .get, "POST"),
                ("/v1/operator/slots/S1/status", .post, "PUT"), ("/healthz", .init("QUERY")!, "GET"),
            ]
            for (path, method, allow) in cases {
                try await client.execute(uri: path, method: method) { r in
                    r.expectProblem(.methodNotAllowed, code: "method_not_allowed")
                    #expect(r.headers[.allow] == allow, "\(method) \(path)")
                }
            }
            try await client.execute(uri: "/no/such/route", method: .delete) { r in
                r.expectProblem(.notFound, code: "route_not_found")
            }
        }
    }

    @Test("fields the page does not read are ignored, even repeated; its own fields may appear once")
    func extraFields() async throws {
        let f = try ServerFixture.make("page_fields")
        let body = "extra=1&extra=2&%E5%AD%97=x&applicant_id=A5&token=\(f.tokens["A5"]!)&submit"
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: ByteBuffer(string: body)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("Waiting for the next allocation round"))
            }
            try await client.execute(
                uri: "/status", method: .post, headers: formHeaders(), body: ByteBuffer(string: body + "&token=\(f.tokens["A5"]!)")
            ) { r in
                #expect(r.status == .badRequest)
            }
        }
    }
}

// MARK: - Helpers

/// The page's escaping rule, restated independently of the server's code.
enum StatusPageHTMLEscape {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// Headers of a browser's form POST.
func formHeaders(language: String? = nil) -> HTTPFields {
    var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    if let language { headers[.acceptLanguage] = language }
    return headers
}

/// `fields` form-encoded as a browser does (UTF-8, percent escapes, `+` for space).
func form(_ fields: [String: String]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._*")
    let pairs = fields.sorted { $0.key < $1.key }.map { key, value in
        let encoded = value.unicodeScalars.map { scalar -> String in
            if scalar == " " { return "+" }
            if scalar.isASCII, allowed.contains(scalar) { return String(scalar) }
            return String(scalar).utf8.map { String(format: "%%%02X", $0) }.joined()
        }.joined()
        return "\(key)=\(encoded)"
    }
    return ByteBuffer(string: pairs.joined(separator: "&"))
}

extension TestResponse {
    /// The headers every status-page response carries.
    func expectPageHeaders(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(headers[.contentType] == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        #expect(headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
        #expect(headers[.init("Referrer-Policy")!] == "no-referrer", sourceLocation: sourceLocation)
        let csp = headers[.contentSecurityPolicy] ?? ""
        for directive in ["default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"] {
            #expect(csp.contains(directive), "CSP \(csp)", sourceLocation: sourceLocation)
        }
        #expect(!csp.contains("script-src"), sourceLocation: sourceLocation)
    }

    /// The token appears only as the value of hidden `token` inputs, once per answer form.
    func expectTokenOnlyInHiddenFields(_ token: String, forms: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let html = text
        let occurrences = html.components(separatedBy: token).count - 1
        let hidden = html.components(separatedBy: #"<input type="hidden" name="token" value="\#(token)">"#).count - 1
        #expect(occurrences == forms, "token occurrences", sourceLocation: sourceLocation)
        #expect(hidden == forms, "hidden token fields", sourceLocation: sourceLocation)
    }
}
