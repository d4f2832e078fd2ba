import Store

/// The pieces the application pages are built of: labelled inputs tied to their hints and
/// problems, the workplace choice, the limits, the summary of problems, hidden fields.
extension ApplicationPageHTML {
    /// Hidden inputs, credentials first, each written exactly as the status page writes them.
    static func hidden(_ fields: [String: String]) -> String {
        let order = ["applicant_id", "token", "version", "confirm"]
        return fields.sorted { (order.firstIndex(of: $0.key) ?? 9, $0.key) < (order.firstIndex(of: $1.key) ?? 9, $1.key) }
            .map { #"<input type="hidden" name="\#($0.key)" value="\#(attribute($0.value))">"# + "\n" }.joined()
    }

    static func noticeParagraph(_ notice: (text: String, success: Bool)) -> String {
        let (kind, role) = notice.success ? ("ok", "status") : ("error", "alert")
        return #"<p class="notice \#(kind)" role="\#(role)">\#(escape(notice.text))</p>"# + "\n"
    }

    static func backToStatus(_ t: ApplicationPageText, _ credentials: StatusPageHTML.Credentials) -> String {
        """
        <form method="post" action="/status">
        \(hidden(["applicant_id": credentials.applicantID, "token": credentials.token]))<button type="submit" class="secondary">\(escape(t.backToStatusButton))</button>
        </form>

        """
    }

    /// The list of every problem above the form, each linking to its field.
    static func problemSummary(_ t: ApplicationPageText, _ form: ApplicationPageForm, sites: [WorkplaceSite]) -> String {
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
    static func label(_ name: String, _ t: ApplicationPageText, _ form: ApplicationPageForm, optional: Bool, hint: String?) -> String {
        var html = "<label for=\"\(name)\">\(escape(t.fields.label(name)))"
        if optional { html += "<span class=\"optional\">\(escape(t.optional))</span>" }
        html += "</label>\n"
        if let hint { html += "<p class=\"hint\" id=\"\(name)-hint\">\(escape(hint))</p>\n" }
        html += errors(name, form)
        return html
    }

    static func errors(_ name: String, _ form: ApplicationPageForm) -> String {
        guard let messages = form.problems[name], !messages.isEmpty else { return "" }
        return "<p class=\"field-error\" id=\"\(name)-error\">" + messages.map(escape).joined(separator: "<br>") + "</p>\n"
    }

    /// The attributes tying an input to its hint and its problems.
    static func described(_ name: String, _ form: ApplicationPageForm, hint: Bool) -> String {
        var ids: [String] = []
        if hint { ids.append("\(name)-hint") }
        let invalid = form.problems[name]?.isEmpty == false
        if invalid { ids.append("\(name)-error") }
        var html = ids.isEmpty ? "" : #" aria-describedby="\#(ids.joined(separator: " "))""#
        if invalid { html += #" aria-invalid="true""# }
        return html
    }

    static func input(
        _ name: String, _ t: ApplicationPageText, _ form: ApplicationPageForm, type: String = "text", optional: Bool = false,
        hint: String? = nil, extra: String = ""
    ) -> String {
        label(name, t, form, optional: optional, hint: hint)
            + #"<input id="\#(name)" name="\#(name)" type="\#(type)" value="\#(attribute(form.value(name)))"\#(described(name, form, hint: hint != nil)) \#(extra)>"#
            + "\n"
    }

    static func select(
        _ name: String, _ t: ApplicationPageText, _ form: ApplicationPageForm, options: [(String, String)], required: Bool
    ) -> String {
        var html = label(name, t, form, optional: false, hint: nil)
        html += #"<select id="\#(name)" name="\#(name)"\#(described(name, form, hint: false))\#(required ? " required" : "")>"# + "\n"
        html += "<option value=\"\">\(escape(t.choose))</option>\n"
        html += options.map { option(value: $0.0, label: $0.1, selected: form.value(name)) }.joined()
        return html + "</select>\n"
    }

    static func option(value: String, label: String, selected: String) -> String {
        "<option value=\"\(attribute(value))\"\(value == selected ? " selected" : "")>\(escape(label))</option>\n"
    }

    /// The workplace: the registered sites grouped by kind, or (folded away unless used) the
    /// point of a workplace that is not listed.
    static func workplace(_ t: ApplicationPageText, _ form: ApplicationPageForm, sites: [WorkplaceSite]) -> String {
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

    static func limits(_ t: ApplicationPageText, _ form: ApplicationPageForm) -> String {
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

    static func languageChoice(_ t: ApplicationPageText, _ form: ApplicationPageForm) -> String {
        let chosen = form.value("language").isEmpty ? t.language.rawValue : form.value("language")
        var html = label("language", t, form, optional: false, hint: nil)
        html += #"<select id="language" name="language"\#(described("language", form, hint: false))>"# + "\n"
        html += Language.allCases.map { option(value: $0.rawValue, label: t.fields.choice($0.rawValue), selected: chosen) }.joined()
        return html + "</select>\n"
    }
}
