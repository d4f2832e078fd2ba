import Allocation
import Store

/// The application pages' HTML, in the status page's frame and habits: no script, one
/// stylesheet, every value not a literal of this file escaped, the token only in the hidden
/// fields of POST forms (and, once, on the page that issues it).
enum ApplicationPageHTML {
    static func escape(_ text: String) -> String { StatusPageHTML.escape(text) }
    static func attribute(_ text: String) -> String { StatusPageHTML.attribute(text) }

    // MARK: Apply

    /// The apply form: empty, or as it was sent with each problem at its field and a summary
    /// linking to them.
    static func applyForm(_ t: ApplicationPageText, sites: [WorkplaceSite], form: ApplicationPageForm = .init()) -> String {
        let f = t.fields
        var body = "<h2>\(escape(t.applyHeading))</h2>\n"
        body += problemSummary(t, form, sites: sites)
        body += "<p>\(escape(t.applyIntro))</p>\n"
        body += #"<form method="post" action="/apply" autocomplete="on">"# + "\n"
        body += "<h3>\(escape(t.householdHeading))</h3>\n"
        body += select("category", t, form, options: Applicant.Category.allCases.map { ($0.rawValue, f.choice($0.rawValue)) }, required: true)
        body += input("household_size", t, form, extra: #"inputmode="numeric" required"#)
        body += select("gender", t, form, options: Applicant.Gender.allCases.map { ($0.rawValue, f.choice($0.rawValue)) }, required: true)
        body += input("birth_date", t, form, type: "date", extra: #"placeholder="YYYY-MM-DD" autocomplete="bday" required"#)
        body += input("monthly_income", t, form, extra: #"inputmode="numeric" required"#)
        body += workplace(t, form, sites: sites)
        body += limits(t, form)
        body += "<h3>\(escape(t.contactHeading))</h3>\n"
        body += input("name", t, form, extra: #"autocomplete="name" maxlength="100" required"#)
        body += "<p class=\"small\">\(escape(t.contactHint))</p>\n"
        body += input("phone", t, form, type: "tel", optional: true, extra: #"autocomplete="tel" maxlength="32""#)
        body += input("email", t, form, type: "email", optional: true, extra: #"autocomplete="email" maxlength="254""#)
        let retype = form.summary.isEmpty ? t.identityHint : t.identityRetype + " " + t.identityHint
        body += input("identity_number", t, form, hint: retype, extra: #"autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" required"#)
        body += languageChoice(t, form)
        body += "<button type=\"submit\">\(escape(t.submitButton))</button>\n</form>\n"
        return StatusPageHTML.document(StatusPageText(language: t.language), title: t.applyTitle, body: body)
    }

    /// The page after a successful application: the number and the token, shown this once.
    static func submitted(_ t: ApplicationPageText, _ submitted: SubmittedApplication) -> String {
        let s = StatusPageText(language: t.language)
        let body = """
            <h2>\(escape(t.submittedHeading))</h2>
            <p class="state \(attribute(submitted.status))">\(escape(t.fields.applicationStatus(submitted.status)))</p>
            <dl class="secret">
            <dt>\(escape(t.fields.label("applicant_id")))</dt><dd><code>\(escape(submitted.applicantID))</code></dd>
            <dt>\(escape(s.tokenLabel))</dt><dd><code>\(escape(submitted.token))</code></dd>
            </dl>
            <p class="notice ok" role="status"><strong>\(escape(t.keepThese))</strong></p>
            <form method="post" action="/status">
            \(hidden(["applicant_id": submitted.applicantID, "token": submitted.token]))<button type="submit">\(escape(t.seeStatusButton))</button>
            </form>

            """
        return StatusPageHTML.document(s, title: t.applyTitle, body: body)
    }

    /// A page that only says something (applications closed, withdrawn), with a way back.
    static func message(_ t: ApplicationPageText, _ message: String, success: Bool) -> String {
        let s = StatusPageText(language: t.language)
        let body = """
            <p class="notice \(success ? "ok" : "error")" role="\(success ? "status" : "alert")">\(escape(message))</p>
            <p><a href="/">\(escape(s.backToStart))</a></p>

            """
        return StatusPageHTML.document(s, title: t.applyTitle, body: body)
    }

    // MARK: On the status page

    /// The application's part of the status page: a rejection's reason and the bureau's
    /// note; for an applicant who may still change (waiting or pending review), the buttons
    /// to change their details or withdraw, each a POST form re-sending the credentials.
    static func statusSection(_ status: ApplicantStatus, _ t: ApplicationPageText, credentials: StatusPageHTML.Credentials) -> String {
        var html = ""
        if let review = status.review {
            html += "<section>\n<h3>\(escape(t.rejectionHeading))</h3>\n<p>\(escape(t.fields.rejection(review.reason)))</p>\n"
            if let note = review.note, !note.isEmpty {
                html += "<p class=\"small\">\(escape(t.bureauNoteLabel)):</p>\n<blockquote>\(escape(note))</blockquote>\n"
            }
            html += "</section>\n"
        }
        guard status.standing == .waiting || status.standing == .pendingReview else { return html }
        let fields = hidden(["applicant_id": credentials.applicantID, "token": credentials.token])
        html += """
            <section>
            <h3>\(escape(t.applicationHeading))</h3>
            <form method="post" action="/status/details">
            \(fields)<button type="submit" class="secondary">\(escape(t.changeDetailsButton))</button>
            </form>
            <form method="post" action="/status/withdraw">
            \(fields)<button type="submit" class="danger">\(escape(t.withdrawButton))</button>
            </form>
            </section>

            """
        return html
    }

    // MARK: Change my details

    /// The change-my-details form, prefilled (or as sent), with a notice above it.
    static func detailsForm(
        _ t: ApplicationPageText, sites: [WorkplaceSite], form: ApplicationPageForm, version: Int64,
        credentials: StatusPageHTML.Credentials, notice: (text: String, success: Bool)?
    ) -> String {
        var body = "<h2>\(escape(t.detailsHeading))</h2>\n"
        if let notice { body += noticeParagraph(notice) }
        body += problemSummary(t, form, sites: sites)
        body += "<p>\(escape(t.detailsIntro))</p>\n"
        body += #"<form method="post" action="/status/update">"# + "\n"
        body += hidden(["applicant_id": credentials.applicantID, "token": credentials.token, "version": String(version)])
        body += "<h3>\(escape(t.householdHeading))</h3>\n"
        body += input("household_size", t, form, extra: #"inputmode="numeric" required"#)
        body += input("monthly_income", t, form, extra: #"inputmode="numeric" required"#)
        body += workplace(t, form, sites: sites)
        body += limits(t, form)
        body += "<h3>\(escape(t.contactHeading))</h3>\n"
        body += input("name", t, form, extra: #"autocomplete="name" maxlength="100""#)
        body += "<p class=\"small\">\(escape(t.contactHint))</p>\n"
        body += input("phone", t, form, type: "tel", optional: true, extra: #"autocomplete="tel" maxlength="32""#)
        body += input("email", t, form, type: "email", optional: true, extra: #"autocomplete="email" maxlength="254""#)
        body += languageChoice(t, form)
        body += "<button type=\"submit\">\(escape(t.saveButton))</button>\n</form>\n"
        body += backToStatus(t, credentials)
        return StatusPageHTML.document(StatusPageText(language: t.language), title: t.detailsHeading, body: body)
    }

    /// A notice (a refusal, a withdrawal done) with only the way back to the status page.
    static func notice(
        _ t: ApplicationPageText, _ message: String, success: Bool, credentials: StatusPageHTML.Credentials
    ) -> String {
        let body = noticeParagraph((message, success)) + backToStatus(t, credentials)
        return StatusPageHTML.document(StatusPageText(language: t.language), title: t.detailsHeading, body: body)
    }

    // MARK: Withdraw

    /// The confirmation step: withdrawing takes a second POST with `confirm=yes` and the
    /// version the person saw.
    static func withdrawConfirmation(
        _ t: ApplicationPageText, version: Int64, credentials: StatusPageHTML.Credentials, notice: String? = nil
    ) -> String {
        var body = "<h2>\(escape(t.withdrawHeading))</h2>\n"
        if let notice { body += noticeParagraph((notice, false)) }
        body += """
            <p>\(escape(t.withdrawWarning))</p>
            <form method="post" action="/status/withdraw">
            \(hidden(["applicant_id": credentials.applicantID, "token": credentials.token, "version": String(version), "confirm": "yes"]))\
            <button type="submit" class="danger">\(escape(t.confirmWithdrawButton))</button>
            </form>
            <form method="post" action="/status">
            \(hidden(["applicant_id": credentials.applicantID, "token": credentials.token]))\
            <button type="submit" class="secondary">\(escape(t.keepApplicationButton))</button>
            </form>

            """
        return StatusPageHTML.document(StatusPageText(language: t.language), title: t.withdrawHeading, body: body)
    }
}
