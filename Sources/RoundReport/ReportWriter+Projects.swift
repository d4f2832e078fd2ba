/// Slots available in the snapshot against the chosen mechanism's offers, per project,
/// least filled first, so a bureau finds the projects nobody could or would take.
extension ReportWriter {
    /// The chart shows this many of the least-filled projects; the table shows all.
    static let projectChartRows = 40

    mutating func writeProjectFill() {
        html.raw("<section id=\"projects\">\n")
        heading("Fill by project", "各项目配租情况")
        let projects = report.input.projects
        guard !projects.isEmpty else {
            html.raw("<p class=\"note\">No projects in the snapshot.</p>\n</section>\n")
            return
        }
        let available = snapshot.availableByProject
        let offered = chosen.offeredByProject
        // Projects with available slots first, by fill ascending (compared as fractions,
        // exactly), then most unfilled slots, then project id byte-wise.
        let order = projects.indices.sorted { a, b in
            if (available[a] > 0) != (available[b] > 0) { return available[a] > 0 }
            let (fa, fb) = (offered[a] * available[b], offered[b] * available[a])
            if fa != fb { return fa < fb }
            let (ua, ub) = (available[a] - offered[a], available[b] - offered[b])
            if ua != ub { return ua > ub }
            return projects[a].id.utf8Less(projects[b].id)
        }
        let withSlots = order.prefix { available[$0] > 0 }
        let underFilled = withSlots.filter { offered[$0] < available[$0] }
        let unfilledSlots = underFilled.reduce(0) { $0 + available[$1] - offered[$1] }
        let empty = withSlots.filter { offered[$0] == 0 }.count
        html.raw("<p class=\"note\" id=\"project-summary\" data-under-filled=\"\(underFilled.count)\" data-no-offer=\"\(empty)\">")
        html.raw("\(NumberText.counted(projects.count, "project")), \(NumberText.grouped(withSlots.count)) with slots available; ")
        html.raw("\(NumberText.grouped(underFilled.count)) not filled (\(NumberText.counted(unfilledSlots, "slot")) left), ")
        html.raw("\(NumberText.grouped(empty)) with no offer at all.")
        let without = projects.count - withSlots.count
        if without > 0 {
            html.raw(" \(NumberText.counted(without, "project")) had no slot available: listed last.")
        }
        html.raw("</p>\n")
        if !withSlots.isEmpty { writeProjectChart(Array(withSlots.prefix(Self.projectChartRows)), of: withSlots.count) }
        writeProjectTable(order)
        html.raw("</section>\n")
    }

    private mutating func writeProjectChart(_ shown: [Int], of total: Int) {
        let projects = report.input.projects
        let available = snapshot.availableByProject
        let offered = chosen.offeredByProject
        html.raw("<p class=\"legend\"><span>\(SVGBars.swatch(SVGBars.capacityPaint)) slots available <span class=\"zh\" lang=\"zh-CN\">可分配</span></span>")
        html.raw("<span>\(SVGBars.swatch("fill=\"\(SVGBars.offeredColour)\"")) offered <span class=\"zh\" lang=\"zh-CN\">获配</span></span></p>\n")
        html.raw("<p class=\"note\">")
        html.raw(shown.count < total
            ? "The \(shown.count) least-filled of \(NumberText.grouped(total)) projects with slots available; every project is in the table below."
            : "Every project with slots available, least filled first.")
        html.raw("</p>\n")
        let scale = shown.map { max(available[$0], offered[$0]) }.max() ?? 0
        let (labelWidth, barLength, rowHeight) = (206, 300, 20)
        let (width, height) = (labelWidth + 6 + barLength + 148, shown.count * rowHeight + 8)
        html.raw("<figure><svg id=\"project-fill-chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" \(SVGBars.chartFont)")
        html.raw(" role=\"img\" aria-label=\"Slots available and offered, least-filled projects\">\n")
        for (row, p) in shown.enumerated() {
            let project = projects[p]
            let y = 4 + row * rowHeight
            let x = labelWidth + 6
            html.raw("<g")
            html.attribute("data-project", project.id)
            html.raw("><title>")
            html.text("\(project.name) (\(project.id)), \(project.district): \(offered[p]) offered of \(available[p]) available")
            html.raw("</title><text x=\"\(labelWidth)\" y=\"\(y + 13)\" text-anchor=\"end\">")
            html.text(ReportLabels.truncated(project.name, budget: labelWidth))
            html.raw("</text><rect \(SVGBars.capacityPaint) x=\"\(x)\" y=\"\(y + 3)\" width=\"\(SVGBars.scaled(available[p], of: scale, length: barLength))\" height=\"12\" />")
            html.raw("<rect fill=\"\(SVGBars.offeredColour)\" x=\"\(x)\" y=\"\(y + 5)\" width=\"\(SVGBars.scaled(offered[p], of: scale, length: barLength))\" height=\"8\" />")
            html.raw("<text x=\"\(x + barLength + 6)\" y=\"\(y + 13)\">\(NumberText.grouped(offered[p])) / \(NumberText.grouped(available[p])) · ")
            html.raw("\(NumberText.percent(offered[p], of: available[p]))</text></g>\n")
        }
        html.raw("</svg></figure>\n")
    }

    private mutating func writeProjectTable(_ order: [Int]) {
        let projects = report.input.projects
        let available = snapshot.availableByProject
        let offered = chosen.offeredByProject
        html.raw("<div class=\"scroll\"><table id=\"project-fill\"><thead><tr>")
        html.raw(Self.th("Project", "项目") + Self.th("District", "地区") + Self.th("Programme", "计划"))
        html.raw(Self.th("Available", "可分配", numeric: true) + Self.th("Offered", "获配", numeric: true))
        html.raw(Self.th("Unfilled", "空余", numeric: true) + Self.th("Fill", "配出率", numeric: true))
        html.raw("</tr></thead><tbody>\n")
        for p in order {
            let project = projects[p]
            html.raw("<tr")
            html.attribute("data-project", project.id)
            html.attribute("data-available", available[p])
            html.attribute("data-offered", offered[p])
            html.raw("><td>")
            html.text(project.name)
            html.raw(" <code class=\"id\">")
            html.text(project.id)
            html.raw("</code></td><td>")
            html.text(project.district)
            html.raw("</td><td>")
            html.text(project.programme)
            html.raw("</td><td class=\"n\">\(NumberText.grouped(available[p]))</td><td class=\"n\">\(NumberText.grouped(offered[p]))</td>")
            html.raw("<td class=\"n\">\(NumberText.grouped(max(0, available[p] - offered[p])))</td>")
            html.raw("<td class=\"n\">\(NumberText.percent(offered[p], of: available[p]))</td></tr>\n")
        }
        html.raw("</tbody></table></div>\n")
    }
}
