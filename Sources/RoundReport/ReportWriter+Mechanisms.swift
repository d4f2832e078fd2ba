import Allocation

/// Every mechanism's result on the same snapshot side by side, and how to check the round.
extension ReportWriter {
    mutating func writeMechanisms() {
        html.raw("<section id=\"mechanisms\">\n")
        heading("Mechanisms compared on the same snapshot", "同一快照下的分配机制比较")
        guard !compared.isEmpty else {
            html.raw("<p class=\"note\">No results to compare.</p>\n</section>\n")
            return
        }
        let categories = Applicant.Category.allCases
        html.raw("<div class=\"scroll\"><table id=\"mechanism-table\"><thead><tr>\(Self.th("Mechanism", "机制"))")
        html.raw(Self.th("Offered", "获配", numeric: true))
        for category in categories {
            html.raw("<th class=\"n\">\(ReportLabels.category(category).chinese)<br /><code class=\"id\">\(category.rawValue)</code></th>")
        }
        html.raw(Self.th("Total commute, min", "总通勤分钟", numeric: true) + Self.th("Median commute", "通勤中位数", numeric: true))
        html.raw(Self.th("Unmatched", "未配到", numeric: true) + Self.th("Ineligible", "不符合条件", numeric: true))
        html.raw("</tr></thead><tbody>\n")
        for figures in compared {
            let isChosen = figures.mechanism == report.chosen
            let label = ReportLabels.mechanism(figures.mechanism)
            html.raw("<tr id=\"mechanism-\(figures.mechanism.rawValue)\"\(isChosen ? " class=\"chosen\"" : "")")
            html.attribute("data-chosen", isChosen ? "true" : "false")
            html.attribute("data-offered", figures.total.offered)
            for (c, category) in categories.enumerated() {
                html.attribute("data-offered-\(category.rawValue)", figures.byCategory[c].offered)
            }
            html.attribute("data-total-commute", figures.totalCommuteMin)
            html.attribute("data-median-commute", figures.medianCommute.map(String.init) ?? "")
            html.attribute("data-unmatched", figures.total.unmatched)
            html.attribute("data-ineligible", figures.total.ineligible)
            html.raw("><td>\(label.english) <span class=\"zh\" lang=\"zh-CN\">\(label.chinese)</span>")
            html.raw("<br /><code class=\"id\">\(figures.mechanism.rawValue)</code>")
            if isChosen { html.raw("<br /><strong>✓ chosen 采用</strong>") }
            html.raw("</td>")
            html.raw("<td class=\"n\">\(NumberText.grouped(figures.total.offered))</td>")
            for c in categories.indices { html.raw("<td class=\"n\">\(NumberText.grouped(figures.byCategory[c].offered))</td>") }
            html.raw("<td class=\"n\">\(NumberText.grouped(figures.totalCommuteMin))</td>")
            html.raw("<td class=\"n\">\(figures.medianCommute.map { "\($0) min" } ?? NumberText.dash)</td>")
            html.raw("<td class=\"n\">\(NumberText.grouped(figures.total.unmatched))</td>")
            html.raw("<td class=\"n\">\(NumberText.grouped(figures.total.ineligible))</td></tr>\n")
        }
        html.raw("</tbody></table></div>\n<ul class=\"note\">")
        for figures in compared {
            html.raw("<li><code>\(figures.mechanism.rawValue)</code>: \(ReportLabels.promise(figures.mechanism)).</li>")
        }
        html.raw("</ul>\n")
        writeMechanismChart()
        html.raw("</section>\n")
    }

    /// Offers per category (and in all), one bar per mechanism.
    private mutating func writeMechanismChart() {
        let categories = Applicant.Category.allCases
        var groups: [(english: String, chinese: String, values: [Int])] = [("All", "合计", compared.map(\.total.offered))]
        for (c, category) in categories.enumerated() {
            let label = ReportLabels.category(category)
            groups.append((label.english, label.chinese, compared.map { $0.byCategory[c].offered }))
        }
        let (left, top, plotHeight, bottom, barWidth, gap, groupGap) = (56, 16, 150, 40, 40, 4, 28)
        let groupWidth = compared.count * barWidth + (compared.count - 1) * gap
        let (width, base) = (left + groups.count * (groupWidth + groupGap) + 4, top + plotHeight)
        let largest = groups.flatMap(\.values).max() ?? 0
        let step = SVGBars.axisStep(for: largest, ticks: 4)
        let yMax = max(step, (largest + step - 1) / step * step)
        html.raw("<p class=\"legend\">")
        for figures in compared {
            let label = ReportLabels.mechanism(figures.mechanism)
            let chosenMark = figures.mechanism == report.chosen ? " <strong>(chosen 采用)</strong>" : ""
            html.raw("<span>\(SVGBars.swatch("fill=\"\(Self.mechanismColour(figures.mechanism))\"")) \(label.english) <span class=\"zh\" lang=\"zh-CN\">\(label.chinese)</span>\(chosenMark)</span>")
        }
        html.raw("</p>\n<figure><svg id=\"mechanism-chart\" width=\"\(width)\" height=\"\(base + bottom)\" viewBox=\"0 0 \(width) \(base + bottom)\" \(SVGBars.chartFont)")
        html.raw(" role=\"img\" aria-label=\"Offers by category for each mechanism\">\n")
        var tick = 0
        while tick <= yMax {
            let y = base - SVGBars.scaled(tick, of: yMax, length: plotHeight)
            html.raw("<line \(SVGBars.gridPaint) x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 4)\" y2=\"\(y)\" />")
            html.raw("<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(NumberText.grouped(tick))</text>\n")
            tick += step
        }
        for (g, group) in groups.enumerated() {
            let groupX = left + groupGap / 2 + g * (groupWidth + groupGap)
            for (m, value) in group.values.enumerated() {
                let height = SVGBars.scaled(value, of: yMax, length: plotHeight)
                let x = groupX + m * (barWidth + gap)
                let mechanism = compared[m].mechanism
                html.raw("<rect fill=\"\(Self.mechanismColour(mechanism))\" x=\"\(x)\" y=\"\(base - height)\" width=\"\(barWidth)\" height=\"\(height)\">")
                html.raw("<title>\(mechanism.rawValue), \(group.english): \(NumberText.grouped(value)) offered</title></rect>")
                html.raw("<text font-size=\"9\" x=\"\(x + barWidth / 2)\" y=\"\(base - height - 3)\" text-anchor=\"middle\">\(NumberText.grouped(value))</text>\n")
            }
            let center = groupX + groupWidth / 2
            html.raw("<text x=\"\(center)\" y=\"\(base + 15)\" text-anchor=\"middle\">\(group.english)</text>")
            html.raw("<text x=\"\(center)\" y=\"\(base + 30)\" text-anchor=\"middle\">\(group.chinese)</text>\n")
        }
        html.raw("<line \(SVGBars.axisPaint) x1=\"\(left)\" y1=\"\(base)\" x2=\"\(width - 4)\" y2=\"\(base)\" />\n</svg></figure>\n")
    }

    static func mechanismColour(_ mechanism: Mechanism) -> String {
        SVGBars.mechanismColours[Mechanism.allCases.firstIndex(of: mechanism) ?? 0]
    }

    mutating func writeReproduction() {
        html.raw("<section id=\"reproduce\">\n")
        heading("How to reproduce", "如何复核")
        html.raw("<p>The offers were computed from the round's snapshot — the contract's four files ")
        html.raw("(<code>projects.csv</code>, <code>slots.csv</code>, <code>applicants.csv</code>, <code>policy.json</code>) ")
        html.raw("as stored when the round ran — whose SHA-256 is</p>\n<pre id=\"reproduce-digest\">")
        html.text(report.inputDigest)
        html.raw("</pre>\n<p>with mechanism <code>\(report.chosen.rawValue)</code> and lottery seed <code>")
        html.text(seed)
        html.raw("</code>. The computation is deterministic: the same snapshot and seed give the same offers, byte for byte, ")
        html.raw("on any machine. To recompute the round from its stored snapshot and compare with the stored offers:</p>\n")
        html.raw("<pre id=\"reproduce-command\">")
        html.text("anju round verify \(ReportLabels.shellWord(report.roundID)) --city \(ReportLabels.shellWord(report.city))")
        html.raw("</pre>\n<p>Anyone can also apply the published rules to the snapshot's files, with Anju or any other tool:</p>\n<pre>")
        html.text("anju solve --input SNAPSHOT_DIR --out OUT_DIR --mechanism \(report.chosen.rawValue) --seed \(ReportLabels.shellWord(seed))")
        html.raw("</pre>\n<p class=\"note\">Lottery numbers are the first 8 bytes of SHA-256(seed + \":\" + applicant_id); ")
        html.raw("the file contract fixes eligibility, commutes, priorities and every tie-break.</p>\n</section>\n")
    }
}
