import Allocation

/// Outcomes of the chosen mechanism by programme category and by work district.
extension ReportWriter {
    /// Districts shown one by one; the rest share one "other districts" row, so a CSV with
    /// thousands of spellings cannot blow up the report.
    static let districtRowLimit = 50

    mutating func writeCategories() {
        html.raw("<section id=\"categories\">\n")
        heading("Outcomes by category", "按类别的结果")
        SVGBars.outcomeLegend(into: &html)
        html.raw("<p class=\"note\">Each bar is the category's applicants (100%), split by outcome.</p>\n")
        outcomeTableHead(first: ("Category", "类别"))
        for (c, category) in Applicant.Category.allCases.enumerated() {
            let label = ReportLabels.category(category)
            let tally = chosen.byCategory[c]
            html.raw("<tr id=\"category-\(category.rawValue)\"")
            tallyAttributes(tally)
            html.raw("><td>\(label.english) <span class=\"zh\" lang=\"zh-CN\">\(label.chinese)</span><br /><code class=\"id\">\(category.rawValue)</code></td>")
            tallyCells(tally, scale: tally.applicants)
        }
        let total = chosen.byCategory.reduce(OutcomeTally(), +)
        html.raw("<tr class=\"total\" id=\"category-total\"")
        tallyAttributes(total)
        html.raw("><td>All categories <span class=\"zh\" lang=\"zh-CN\">合计</span></td>")
        tallyCells(total, scale: total.applicants)
        html.raw("</tbody></table></div>\n</section>\n")
    }

    mutating func writeDistricts() {
        html.raw("<section id=\"districts\">\n")
        heading("Outcomes by work district", "按工作地区的结果")
        // Applicants of the snapshot per district, most first; ties by name, byte-wise.
        let order = snapshot.districts.indices.sorted { a, b in
            let (na, nb) = (snapshot.districtApplicants[a], snapshot.districtApplicants[b])
            return na != nb ? na > nb : snapshot.districts[a].utf8Less(snapshot.districts[b])
        }
        guard !order.isEmpty else {
            html.raw("<p class=\"note\">No applicants in the snapshot.</p>\n</section>\n")
            return
        }
        let shown = order.prefix(Self.districtRowLimit)
        let scale = shown.map { chosen.byDistrict[$0].applicants }.max() ?? 0
        SVGBars.outcomeLegend(into: &html)
        html.raw("<p class=\"note\">By the applicant's <code>work_district</code>, most applicants first; ")
        html.raw("bar length is the district's applicants (longest = \(NumberText.grouped(scale))).")
        if order.count > shown.count {
            html.raw(" The \(NumberText.grouped(shown.count)) largest of \(NumberText.grouped(order.count)) districts are shown; the rest are summed in the last row.")
        }
        html.raw("</p>\n")
        outcomeTableHead(first: ("Work district", "工作地区"))
        for (rank, d) in shown.enumerated() {
            let tally = chosen.byDistrict[d]
            html.raw("<tr id=\"district-\(rank + 1)\"")
            html.attribute("data-district", snapshot.districts[d])
            tallyAttributes(tally)
            html.raw("><td>")
            html.text(snapshot.districts[d])
            html.raw("</td>")
            tallyCells(tally, scale: scale)
        }
        if order.count > shown.count {
            let rest = order.dropFirst(shown.count)
            let tally = rest.reduce(OutcomeTally()) { $0 + chosen.byDistrict[$1] }
            html.raw("<tr id=\"district-other\"")
            html.attribute("data-districts", rest.count)
            tallyAttributes(tally)
            html.raw("><td>Other \(NumberText.grouped(rest.count)) districts <span class=\"zh\" lang=\"zh-CN\">其他地区</span></td>")
            tallyCells(tally, scale: max(scale, tally.applicants))
        }
        html.raw("</tbody></table></div>\n</section>\n")
    }

    private mutating func outcomeTableHead(first: (english: String, chinese: String)) {
        html.raw("<div class=\"scroll\"><table><thead><tr>\(Self.th(first.english, first.chinese))")
        html.raw(Self.th("Applicants", "申请人", numeric: true) + Self.th("Offered", "获配", numeric: true))
        html.raw(Self.th("Unmatched", "未配到", numeric: true) + Self.th("Ineligible", "不符合条件", numeric: true))
        html.raw(Self.th("Offered", "获配率", numeric: true, unit: "%") + "<th></th></tr></thead><tbody>\n")
    }

    private mutating func tallyAttributes(_ tally: OutcomeTally) {
        html.attribute("data-applicants", tally.applicants)
        html.attribute("data-offered", tally.offered)
        html.attribute("data-unmatched", tally.unmatched)
        html.attribute("data-ineligible", tally.ineligible)
    }

    private mutating func tallyCells(_ tally: OutcomeTally, scale: Int) {
        html.raw("<td class=\"n\">\(NumberText.grouped(tally.applicants))</td>")
        html.raw("<td class=\"n\">\(NumberText.grouped(tally.offered))</td>")
        html.raw("<td class=\"n\">\(NumberText.grouped(tally.unmatched))</td>")
        html.raw("<td class=\"n\">\(NumberText.grouped(tally.ineligible))</td>")
        html.raw("<td class=\"n\">\(NumberText.percent(tally.offered, of: tally.applicants))</td><td class=\"barcell\">")
        SVGBars.outcomeBar(tally, scale: scale, into: &html)
        html.raw("</td></tr>\n")
    }
}
