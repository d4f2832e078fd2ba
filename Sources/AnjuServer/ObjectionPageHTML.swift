import Store

/// The status page's objection part: the applicant's objections with the bureau's answers,
/// and a form for each current notice they appear in whose window is open (and to which no
/// objection of theirs awaits an answer). Script-free, like the page.
enum ObjectionPageHTML {
    private static func escape(_ text: String) -> String { StatusPageHTML.escape(text) }
    private static func attribute(_ text: String) -> String { StatusPageHTML.attribute(text) }

    static func section(
        _ status: ApplicantStatusBody, openNotices: [ObjectableNotice], _ text: ObjectionText,
        credentials: StatusPageHTML.Credentials, notice: (text: String, success: Bool)? = nil
    ) -> String {
        let objections = status.objections ?? []
        guard notice != nil || !objections.isEmpty || !openNotices.isEmpty else { return "" }
        let page = StatusPageText(language: text.language)
        func time(_ value: String) -> String { StatusPageHTML.timestamp(value, status, page) }
        var html = "<section>\n<h3>\(escape(text.heading))</h3>\n"
        if let notice {
            html += #"<p class="notice \#(notice.success ? "ok" : "error")" role="status">\#(escape(notice.text))</p>"# + "\n"
        }
        for o in objections {
            html += #"<h4 class="objection \#(attribute(o.status))">\#(escape(o.statusLabel))</h4>"# + "\n<dl>\n"
            html += "<dt>\(escape(o.kindLabel))</dt><dd>\(escape(o.roundId)) · \(o.noticeId)</dd>\n"
            html += "<dt>\(escape(text.filedLabel))</dt><dd>\(escape(time(o.filedAt)))</dd>\n"
            html += "<dt>\(escape(text.youWroteLabel))</dt><dd>\(escape(o.text))</dd>\n"
            if o.status == "open" { html += "<dt>\(escape(text.windowLabel))</dt><dd>\(escape(time(o.windowClosesAt)))</dd>\n" }
            if let at = o.answeredAt { html += "<dt>\(escape(text.answeredLabel))</dt><dd>\(escape(time(at)))</dd>\n" }
            if let reply = o.reply { html += "<dt>\(escape(text.replyLabel))</dt><dd>\(escape(reply))</dd>\n" }
            html += "</dl>\n"
            if let next = o.nextStep { html += "<p>\(escape(next))</p>\n" }
        }
        for n in openNotices {
            let closes = CityTime(utc: n.closesAt, zone: status.timeZone)?.rfc3339 ?? n.closesAt
            let field = "objection_text_\(n.noticeID)"
            html += """
                <p>\(escape(text.invitation(round: n.roundID, notice: n.noticeID, kind: n.kind, closes: time(closes))))</p>
                <form method="post" action="/status/objection">
                <input type="hidden" name="applicant_id" value="\(attribute(credentials.applicantID))">
                <input type="hidden" name="token" value="\(attribute(credentials.token))">
                <input type="hidden" name="notice_id" value="\(n.noticeID)">
                <input type="hidden" name="kind" value="\(n.kind == .preDraw ? "pool" : "outcome")">
                <label for="\(field)">\(escape(text.textLabel))</label>
                <textarea id="\(field)" name="text" required maxlength="\(Store.maxObjectionLength)" rows="4"></textarea>
                <button type="submit">\(escape(text.button))</button>
                </form>

                """
        }
        return html + "</section>\n"
    }
}
