/// The status page's "where you stand" section: the standing's sentences as plain
/// paragraphs and lists (no script, no table wider than a phone), in the page's language.
extension StatusPageHTML {
    static func standingSection(_ standing: StandingBody?, _ text: StandingText) -> String {
        guard let standing else { return "" }
        var html = "<section class=\"standing\">\n<h3>\(escape(text.heading))</h3>\n<p>\(escape(standing.summary))</p>\n"
        if let nearest = standing.nearest, !nearest.isEmpty {
            html += "<ul class=\"history\">\n"
            for line in nearest { html += "<li>\(escape(line.text))</li>\n" }
            html += "</ul>\n"
        }
        let whatIfs = (standing.longerCommute ?? []) + (standing.higherRent ?? [])
        if !whatIfs.isEmpty {
            html += "<ul class=\"history\">\n"
            for w in whatIfs { html += "<li>\(escape(w.text))</li>\n" }
            html += "</ul>\n"
        }
        if let caveat = standing.caveat { html += "<p class=\"small\">\(escape(caveat))</p>\n" }
        return html + "</section>\n"
    }
}
