import RoundReport
import Store

/// The status page's HTML: plain server-rendered documents, no script, one stylesheet
/// (`/status.css`). Every value that is not a literal of this file goes through `escape`.
enum StatusPageHTML {
    /// The applicant's credentials, re-sent as hidden fields by the answer forms (POST only).
    struct Credentials: Sendable {
        var applicantID: String
        var token: String
    }

    /// Escapes text for element content (the report's escaper: one for all of Anju's HTML).
    static func escape(_ text: String) -> String { htmlEscaped(text) }

    /// Escapes text for a double-quoted attribute value.
    static func attribute(_ text: String) -> String { htmlEscaped(text, attribute: true) }

    /// The sign-in form, optionally with an error and the id typed before (never the token).
    static func signIn(_ text: StatusPageText, applicantID: String = "", error: String? = nil) -> String {
        var body = "<p>\(escape(text.intro))</p>\n"
        if let error { body += #"<p class="notice error" role="alert">\#(escape(error))</p>"# + "\n" }
        body += """
            <form method="post" action="/status" autocomplete="on">
            <label for="applicant_id">\(escape(text.applicantIDLabel))</label>
            <input id="applicant_id" name="applicant_id" value="\(attribute(applicantID))" required maxlength="64" \
            autocomplete="username" autocapitalize="off" spellcheck="false">
            <label for="token">\(escape(text.tokenLabel))</label>
            <input id="token" name="token" type="password" required maxlength="256" autocomplete="current-password">
            <button type="submit">\(escape(text.checkButton))</button>
            </form>
            <p class="small">\(escape(text.privacyNote))</p>
            <p><a href="/apply">\(escape(ApplicationPageText(language: text.language).applyLink))</a></p>

            """
        return document(text, body: body)
    }

    /// An applicant's status, their offer's answer forms, and their round history;
    /// `application` is the application's part (`ApplicationPageHTML.statusSection`).
    static func status(
        _ status: ApplicantStatusBody, _ text: StatusPageText, credentials: Credentials, notice: StatusPageNotice?,
        application: String = ""
    ) -> String {
        var body = ""
        if let notice {
            let kind = notice.isSuccess ? "ok" : "error"
            body += #"<p class="notice \#(kind)" role="status">\#(escape(text.notice(notice)))</p>"# + "\n"
        }
        body += """
            <p class="small">\(escape(text.applicantHeading)): <strong>\(escape(status.applicantId))</strong> · \
            <a href="/">\(escape(text.checkAnother))</a></p>
            <h2 class="state \(attribute(status.state))">\(escape(status.stateLabel))</h2>

            """
        if !status.nextStep.isEmpty { body += "<p>\(escape(status.nextStep))</p>\n" }
        body += application
        if let offer = status.offer {
            body += "<section>\n<h3>\(escape(text.offerHeading))</h3>\n"
            body += placeList(offer.place, text, extra: [
                (text.deadlineLabel, timestamp(offer.deadline, status, text)), (text.roundLabel, offer.roundId),
            ])
            body += answerForms(offerID: offer.offerId, refusals: status.refusals, text, credentials)
            body += "</section>\n"
        }
        if let tenancy = status.tenancy {
            body += "<section>\n<h3>\(escape(text.homeHeading))</h3>\n"
            body += placeList(tenancy.place, text, extra: [(text.sinceLabel, timestamp(tenancy.startedAt, status, text))])
            body += "</section>\n"
        }
        if let reason = status.reason {
            body += "<section>\n<h3>\(escape(status.reasonLabel ?? ""))</h3>\n"
            body += reasonHTML(reason, in: status.reasonLanguage, text, element: "blockquote") + "\n</section>\n"
        }
        body += standingSection(status.standing, StandingText(language: text.language))
        if status.refusals > 0 { body += "<p>\(escape(text.refusalsLabel)): \(status.refusals)</p>\n" }
        body += history(status, text)
        return document(text, body: body)
    }

    /// An error page: the message for `status` and a link back to the sign-in form.
    static func error(_ text: StatusPageText, status: Int) -> String {
        let body = """
            <p class="notice error" role="alert">\(escape(text.errorMessage(status: status)))</p>
            <p><a href="/">\(escape(text.backToStart))</a></p>

            """
        return document(text, body: body)
    }

    // MARK: Parts

    /// A whole page around `body` (the application pages use it too, with their own title).
    static func document(_ text: StatusPageText, title: String? = nil, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(text.language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(escape(title ?? text.pageTitle))</title>
        <link rel="stylesheet" href="/status.css">
        </head>
        <body>
        <main>
        <h1>\(escape(text.brand))</h1>
        \(body)</main>
        </body>
        </html>

        """
    }

    private static func placeList(
        _ place: ApplicantStatusBody.Place, _ text: StatusPageText, extra: [(String, String)]
    ) -> String {
        var rows: [(String, String)] = [
            (text.projectLabel, place.projectName), (text.districtLabel, place.district), (text.rentLabel, text.rent(place.rent)),
        ]
        if let commute = place.commuteMin { rows.append((text.commuteLabel, text.minutes(commute))) }
        rows += extra
        return "<dl>\n" + rows.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>\n" }.joined() + "</dl>\n"
    }

    private static func hiddenFields(offerID: Int64, _ credentials: Credentials) -> String {
        """
        <input type="hidden" name="applicant_id" value="\(attribute(credentials.applicantID))">
        <input type="hidden" name="token" value="\(attribute(credentials.token))">
        <input type="hidden" name="offer_id" value="\(offerID)">

        """
    }

    private static func answerForms(offerID: Int64, refusals: Int, _ text: StatusPageText, _ credentials: Credentials) -> String {
        """
        <form method="post" action="/status/accept">
        \(hiddenFields(offerID: offerID, credentials))<button type="submit">\(escape(text.acceptButton))</button>
        </form>
        <details>
        <summary>\(escape(text.declineSummary))</summary>
        <form method="post" action="/status/decline">
        \(hiddenFields(offerID: offerID, credentials))<p class="small">\(escape(text.declineWarning(refusals: refusals)))</p>
        <label for="reason">\(escape(text.reasonFieldLabel))</label>
        <textarea id="reason" name="reason" maxlength="\(Store.maxReasonLength)" rows="3"></textarea>
        <button type="submit" class="secondary">\(escape(text.declineButton))</button>
        </form>
        </details>

        """
    }

    /// A reason in its own language (`lang`), with a note when it is a stored English text
    /// shown to a reader of another language.
    private static func reasonHTML(_ reason: String, in language: String?, _ text: StatusPageText, element: String) -> String {
        let lang = language ?? Language.en.rawValue
        var html = "<\(element) lang=\"\(attribute(lang))\">\(escape(reason))</\(element)>"
        if lang != text.language.rawValue, let note = text.language.storedEnglishNote {
            html += " <span class=\"small\">\(escape(note))</span>"
        }
        return html
    }

    private static func history(_ status: ApplicantStatusBody, _ text: StatusPageText) -> String {
        let rounds = status.history
        var html = "<section>\n<h3>\(escape(text.historyHeading))</h3>\n"
        guard !rounds.isEmpty else { return html + "<p>\(escape(text.noHistory))</p>\n</section>\n" }
        html += "<ol class=\"history\">\n"
        for round in rounds {
            var lines = ["<strong>\(escape(round.outcomeLabel))</strong> · \(escape(text.roundLabel)) \(escape(round.roundId))"]
            if let runAt = round.runAt { lines[0] += " · \(escape(timestamp(runAt, status, text)))" }
            var place: [String] = []
            // The place by its project's name and district, as on the offer; ids only
            // when the city no longer lists the project.
            if let name = round.projectName {
                place.append(name)
                if let district = round.district { place.append(district) }
            } else if let project = round.projectId {
                place.append(project)
            }
            if let rent = round.rent { place.append(text.rent(rent)) }
            if let commute = round.commuteMin { place.append(text.minutes(commute)) }
            if !place.isEmpty { lines.append("\(escape(text.placeLabel)): \(escape(place.joined(separator: ", ")))") }
            if let status = round.offerStatus { lines.append("\(escape(text.offerLabel)): \(escape(text.offerStatus(status)))") }
            if let reason = round.reason { lines.append(reasonHTML(reason, in: round.reasonLanguage, text, element: "span")) }
            html += "<li>" + lines.joined(separator: "<br>") + "</li>\n"
        }
        return html + "</ol>\n</section>\n"
    }

    /// A time of the status (RFC 3339 with the city's offset) as the reader reads it:
    /// `2026-12-08 18:00 (Asia/Shanghai, UTC+8)`, `2026年12月8日 18:00（北京时间，UTC+8）`;
    /// anything else unchanged.
    static func timestamp(_ rfc3339: String, _ status: ApplicantStatusBody, _ text: StatusPageText) -> String {
        CityTime(local: rfc3339, zone: status.timeZone)?.text(in: text.language) ?? rfc3339
    }
}
