import Allocation
import Store

/// The application pages' HTML, in the status page's frame and habits: no script, one
/// stylesheet, every value not a literal of this file escaped, the token only in the hidden
/// fields of POST forms (and, once, on the page that issues it).
enum ApplicationPageHTML {
    private static func escape(_ text: String) -> String { StatusPageHTML.escape(text) }
    private static func attribute(_ text: String) -> String { StatusPageHTML.attribute(text) }

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

    // MARK: Parts

    /// Hidden inputs, credentials first, each written exactly as the status page writes them.
    private static func hidden(_ fields: [String: String]) -> String {
        let order = ["applicant_id", "token", "version", "confirm"]
        return fields.sorted { (order.firstIndex(of: $0.key) ?? 9, $0.key) < (order.firstIndex(of: $1.key) ?? 9, $1.key) }
            .map { #"<input type="hidden" name="\#($0.key)" value="\#(attribute($0.value))">"# + "\n" }.joined()
    }

    private static func noticeParagraph(_ notice: (text: String, success: Bool)) -> String {
        let (kind, role) = notice.success ? ("ok", "status") : ("error", "alert")
        return #"<p class="notice \#(kind)" role="\#(role)">\#(escape(notice.text))</p>"# + "\n"
    }

    private static func backToStatus(_ t: ApplicationPageText, _ credentials: StatusPageHTML.Credentials) -> String {
        """
        <form method="post" action="/status">
        \(hidden(["applicant_id": credentials.applicantID, "token": credentials.token]))<button type="submit" class="secondary">\(escape(t.backToStatusButton))</button>
        </form>

        """
    }

    /// The list of every problem above the form, each linking to its field.
    private static func problemSummary(_ t: ApplicationPageText, _ form: ApplicationPageForm, sites: [WorkplaceSite]) -> String {
        guard !form.summary.isEmpty else { return "" }
        var html = #"<div class="notice error" role="alert">"# + "\n<p><strong>\(escape(t.problemSummary(form.summary.count)))</strong></p>\n<ul>\n"
        for (field, message) in form.summary {
            guard let field else {
                html += "<li>\(escape(message))</li>\n"
                continue
            }
            // Without a list of sites the workplace is the point's fields.
            let anchor = field == "workplace_site" && sites.isEmpty ? "work_lat" : field
            html += "<li><a href=\"#\(attribute(anchor))\">\(escape(t.fields.label(field))): \(escape(message))</a></li>\n"
        }
        return html + "</ul>\n</div>\n"
    }

    /// A field's label (with "optional" when it is), its hint and its problems.
    private static func label(_ name: String, _ t: ApplicationPageText, _ form: ApplicationPageForm, optional: Bool, hint: String?) -> String {
        var html = "<label for=\"\(name)\">\(escape(t.fields.label(name)))"
        if optional { html += "<span class=\"optional\">\(escape(t.optional))</span>" }
        html += "</label>\n"
        if let hint { html += "<p class=\"hint\" id=\"\(name)-hint\">\(escape(hint))</p>\n" }
        html += errors(name, form)
        return html
    }

    private static func errors(_ name: String, _ form: ApplicationPageForm) -> String {
        guard let messages = form.problems[name], !messages.isEmpty else { return "" }
        return "<p class=\"field-error\" id=\"\(name)-error\">" + messages.map(escape).joined(separator: "<br>") + "</p>\n"
    }

    /// The attributes tying an input to its hint and its problems.
    private static func described(_ name: String, _ form: ApplicationPageForm, hint: Bool) -> String {
        var ids: [String] = []
        if hint { ids.append("\(name)-hint") }
        let invalid = form.problems[name]?.isEmpty == false
        if invalid { ids.append("\(name)-error") }
        var html = ids.isEmpty ? "" : #" aria-describedby="\#(ids.joined(separator: " "))""#
        if invalid { html += #" aria-invalid="true""# }
        return html
    }

    private static func input(
        _ name: String, _ t: ApplicationPageText, _ form: ApplicationPageForm, type: String = "text", optional: Bool = false,
        hint: String? = nil, extra: String = ""
    ) -> String {
        label(name, t, form, optional: optional, hint: hint)
            + #"<input id="\#(name)" name="\#(name)" type="\#(type)" value="\#(attribute(form.value(name)))"\#(described(name, form, hint: hint != nil)) \#(extra)>"#
            + "\n"
    }

    private static func select(
        _ name: String, _ t: ApplicationPageText, _ form: ApplicationPageForm, options: [(String, String)], required: Bool
    ) -> String {
        var html = label(name, t, form, optional: false, hint: nil)
        html += #"<select id="\#(name)" name="\#(name)"\#(described(name, form, hint: false))\#(required ? " required" : "")>"# + "\n"
        html += "<option value=\"\">\(escape(t.choose))</option>\n"
        html += options.map { option(value: $0.0, label: $0.1, selected: form.value(name)) }.joined()
        return html + "</select>\n"
    }

    private static func option(value: String, label: String, selected: String) -> String {
        "<option value=\"\(attribute(value))\"\(value == selected ? " selected" : "")>\(escape(label))</option>\n"
    }

    /// The workplace: the registered sites grouped by kind, or (folded away unless used) the
    /// point of a workplace that is not listed.
    private static func workplace(_ t: ApplicationPageText, _ form: ApplicationPageForm, sites: [WorkplaceSite]) -> String {
        var html = "<h3>\(escape(t.workplaceHeading))</h3>\n"
        if !sites.isEmpty {
            html += label("workplace_site", t, form, optional: false, hint: nil)
            html += #"<select id="workplace_site" name="workplace_site"\#(described("workplace_site", form, hint: false))>"# + "\n"
            html += "<option value=\"\">\(escape(t.choose))</option>\n"
            for kind in WorkplaceSite.Kind.allCases {
                let group = sites.filter { $0.kind == kind }
                guard !group.isEmpty else { continue }
                html += "<optgroup label=\"\(attribute(t.fields.choice(kind.rawValue)))\">\n"
                html += group.map { option(value: $0.id, label: "\($0.name) · \($0.district)", selected: form.value("workplace_site")) }.joined()
                html += "</optgroup>\n"
            }
            html += "</select>\n"
        } else {
            html += errors("workplace_site", form)
        }
        let used = sites.isEmpty || ApplicationPageForm.pointFields.contains { !form.value($0).isEmpty || form.problems[$0] != nil }
        html += "<details\(used ? " open" : "")>\n<summary>\(escape(t.pointSummary))</summary>\n"
        html += "<p class=\"small\">\(escape(t.pointExplanation))</p>\n"
        html += input("work_lat", t, form, extra: #"inputmode="decimal" placeholder="31.2304""#)
        html += input("work_lon", t, form, extra: #"inputmode="decimal" placeholder="121.4737""#)
        html += input("work_district", t, form, extra: #"maxlength="64""#)
        return html + "</details>\n"
    }

    private static func limits(_ t: ApplicationPageText, _ form: ApplicationPageForm) -> String {
        var html = "<h3>\(escape(t.limitsHeading))</h3>\n<p class=\"small\">\(escape(t.limitsHint))</p>\n"
        html += input("max_commute_min", t, form, optional: true, extra: #"inputmode="numeric""#)
        html += input("max_rent", t, form, optional: true, extra: #"inputmode="numeric""#)
        let checked = form.value("needs_accessible") == "true" ? " checked" : ""
        html += errors("needs_accessible", form)
        html += """
            <div class="check"><input id="needs_accessible" name="needs_accessible" type="checkbox" value="true"\(checked)\
            \(described("needs_accessible", form, hint: false))>\
            <label for="needs_accessible">\(escape(t.fields.label("needs_accessible")))</label></div>

            """
        html += input("employer_id", t, form, optional: true, hint: t.employerHint, extra: #"maxlength="64" autocapitalize="off" spellcheck="false""#)
        return html
    }

    private static func languageChoice(_ t: ApplicationPageText, _ form: ApplicationPageForm) -> String {
        let chosen = form.value("language").isEmpty ? t.language.rawValue : form.value("language")
        var html = label("language", t, form, optional: false, hint: nil)
        html += #"<select id="language" name="language"\#(described("language", form, hint: false))>"# + "\n"
        html += Language.allCases.map { option(value: $0.rawValue, label: t.fields.choice($0.rawValue), selected: chosen) }.joined()
        return html + "</select>\n"
    }
}
