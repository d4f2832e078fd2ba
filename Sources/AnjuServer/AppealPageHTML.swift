/// The status page's appeal part: the applicant's refusals (which count, which were
/// excused, forgiven or lapsed), their appeals with the bureau's answer, and — while they
/// are suspended with no appeal open — the form to appeal. Script-free, like the page.
enum AppealPageHTML {
    private static func escape(_ text: String) -> String { StatusPageHTML.escape(text) }
    private static func attribute(_ text: String) -> String { StatusPageHTML.attribute(text) }

    /// The section for `status` (with its appeals and refusals added), with `notice` (what
    /// a filing just did) above it; empty for an applicant with nothing to show.
    static func section(
        _ status: ApplicantStatusBody, _ text: AppealText, credentials: StatusPageHTML.Credentials,
        notice: (text: String, success: Bool)? = nil
    ) -> String {
        var html = ""
        if let notice {
            html += #"<p class="notice \#(notice.success ? "ok" : "error")" role="status">\#(escape(notice.text))</p>"# + "\n"
        }
        let page = StatusPageText(language: text.language)
        func time(_ value: String) -> String { StatusPageHTML.timestamp(value, status, page) }
        if let appeals = status.appeals, !appeals.isEmpty {
            html += "<section>\n<h3>\(escape(text.appealsHeading))</h3>\n"
            for appeal in appeals {
                html += #"<h4 class="appeal \#(attribute(appeal.status))">\#(escape(appeal.statusLabel))</h4>"# + "\n<dl>\n"
                html += "<dt>\(escape(text.filedLabel))</dt><dd>\(escape(time(appeal.filedAt)))</dd>\n"
                html += "<dt>\(escape(text.yourReasonLabel))</dt><dd>\(escape(appeal.reason))</dd>\n"
                if let at = appeal.answeredAt { html += "<dt>\(escape(text.answeredLabel))</dt><dd>\(escape(time(at)))</dd>\n" }
                if let label = appeal.decisionReasonLabel {
                    html += "<dt>\(escape(text.decisionLabel))</dt><dd>\(escape(label))</dd>\n"
                }
                if let note = appeal.note { html += "<dt>\(escape(text.bureauNoteLabel))</dt><dd>\(escape(note))</dd>\n" }
                html += "</dl>\n"
                if let after = appeal.refusalsAfter { html += "<p>\(escape(text.refusalsAfter(after)))</p>\n" }
            }
            html += "</section>\n"
        }
        if status.state == "suspended", !(status.appeals ?? []).contains(where: { $0.status == "open" }) {
            html += """
                <section>
                <h3>\(escape(text.appealsHeading))</h3>
                <p>\(escape(text.appealIntro))</p>
                <form method="post" action="/status/appeal">
                <input type="hidden" name="applicant_id" value="\(attribute(credentials.applicantID))">
                <input type="hidden" name="token" value="\(attribute(credentials.token))">
                <label for="appeal_reason">\(escape(text.appealReasonLabel))</label>
                <textarea id="appeal_reason" name="reason" required maxlength="2000" rows="5"></textarea>
                <button type="submit">\(escape(text.appealButton))</button>
                </form>
                </section>

                """
        }
        if let refusals = status.refusalHistory, !refusals.isEmpty {
            html += "<section>\n<h3>\(escape(text.refusalsHeading))</h3>\n"
            html += "<p>\(escape(text.countingLabel)): \(status.refusals)</p>\n<ul>\n"
            for refusal in refusals {
                var line = "\(time(refusal.refusedAt)) · \(refusal.kindLabel) · \(refusal.standingLabel)"
                if refusal.standing == "counts", let lapses = refusal.lapsesAt { line += " · \(text.lapsesLabel) \(time(lapses))" }
                html += "<li>\(escape(line))"
                if let note = refusal.excuseNote { html += "<br><span class=\"small\">\(escape(note))</span>" }
                html += "</li>\n"
            }
            html += "</ul>\n</section>\n"
        }
        return html
    }
}
