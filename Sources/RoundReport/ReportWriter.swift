import Allocation

/// Builds the document section by section (one extension per section).
struct ReportWriter {
    let report: RoundReport
    let snapshot: SnapshotIndex
    /// Every mechanism that has a result, in the contract's order.
    let compared: [MechanismFigures]
    /// The figures of the mechanism whose offers were made (empty if its result is missing).
    let chosen: MechanismFigures
    let chosenResult: RoundResult?
    var html: HTMLBuffer

    init(_ report: RoundReport) {
        self.report = report
        let snapshot = SnapshotIndex(report.input)
        self.snapshot = snapshot
        let compared = Mechanism.allCases.compactMap { mechanism in
            report.results[mechanism].map { MechanismFigures($0, as: mechanism, snapshot: snapshot) }
        }
        self.compared = compared
        chosenResult = report.results[report.chosen]
        chosen = compared.first { $0.mechanism == report.chosen }
            ?? MechanismFigures(
                RoundResult(mechanism: report.chosen, seed: report.input.policy.seed, rows: [], slotsAvailable: 0),
                as: report.chosen, snapshot: snapshot)
        html = HTMLBuffer(capacity: 48_000 + 420 * report.input.projects.count + 320 * min(snapshot.districts.count, 60))
    }

    mutating func writeDocument() {
        html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
        html.raw("<meta name=\"generator\" content=\"Anju\" />\n<title>")
        html.text("Round \(report.roundID) · \(report.city) · 配租轮次报告")
        html.raw("</title>\n<style>\n\(ReportStyle.css)\n</style>\n</head>\n<body>\n<main>\n")
        writeHeader()
        writeWarnings()
        writeKeyFigures()
        writeCategories()
        writeDistricts()
        writeCommuteHistogram()
        writeProjectFill()
        writeMechanisms()
        writeReproduction()
        html.raw("<footer><p>Anju 安居 · allocation round report, computed from the round's stored result; ")
        html.raw("self-contained (no scripts, no external resources).</p></footer>\n")
        html.raw("</main>\n</body>\n</html>\n")
    }

    /// `<h2>` with its Chinese title beside the English one.
    mutating func heading(_ english: String, _ chinese: String) {
        html.raw("<h2>\(english) <span class=\"zh\" lang=\"zh-CN\">\(chinese)</span></h2>\n")
    }

    /// A table header cell: English over Chinese, right-aligned when the column is numeric.
    static func th(_ english: String, _ chinese: String, numeric: Bool = false, unit: String = "") -> String {
        "<th\(numeric ? " class=\"n\"" : "")>\(english)\(unit.isEmpty ? "" : " " + unit)<br /><span class=\"zh\" lang=\"zh-CN\">\(chinese)</span></th>"
    }

    /// The seed the chosen result was computed with (the policy's, unless overridden).
    var seed: String { chosenResult?.seed ?? report.input.policy.seed }

    private mutating func writeHeader() {
        let policy = report.input.policy
        let mechanism = ReportLabels.mechanism(report.chosen)
        html.raw("<header id=\"report-header\">\n<h1>Allocation round report <span class=\"zh\" lang=\"zh-CN\">配租轮次报告</span></h1>\n")
        html.raw("<p class=\"sub\">")
        html.text("\(report.city) · round \(report.roundID)")
        html.raw("</p>\n<dl class=\"meta\">\n")
        func row(_ english: String, _ chinese: String, _ id: String, text: String, style: String? = nil, markup: String = "") {
            html.raw("<dt>\(english) <span class=\"zh\" lang=\"zh-CN\">\(chinese)</span></dt><dd id=\"\(id)\">")
            if let style { html.raw("<\(style)>") }
            html.text(text)
            if let style { html.raw("</\(style.split(separator: " ")[0])>") }
            html.raw(markup)
            html.raw("</dd>\n")
        }
        let commute = policy.commute
        row("City", "城市", "meta-city", text: report.city)
        row("Round", "轮次", "meta-round", text: report.roundID, style: "span class=\"mono\"")
        row("Run at", "运行时间", "meta-run-at", text: report.runAt)
        row("Round date", "轮次日期", "meta-round-date", text: policy.roundDate.description)
        row(
            "Mechanism", "分配机制", "meta-mechanism", text: mechanism.english,
            markup: " <span class=\"zh\" lang=\"zh-CN\">\(mechanism.chinese)</span> (<code>\(report.chosen.rawValue)</code>)")
        row("Lottery seed", "摇号种子", "meta-seed", text: seed, style: "code")
        row("Snapshot SHA-256", "快照摘要", "meta-digest", text: report.inputDigest, style: "code")
        row(
            "Local priority", "本地优先", "meta-local-priority",
            text: policy.localPriority ? "on: people working in a project's district come first there" : "off")
        row(
            "Commute model", "通勤模型", "meta-commute",
            text: "\(Self.decimal(commute.overheadMin)) min + distance × \(Self.decimal(commute.detourFactor)) "
                + "at \(Self.decimal(commute.speedKmh)) km/h; default limit \(policy.defaultMaxCommuteMin) min")
        html.raw("</dl>\n</header>\n")
    }

    /// Anything that makes the figures below less than the whole story, said up front.
    private mutating func writeWarnings() {
        var warnings: [(id: String, text: String)] = []
        if chosenResult == nil {
            warnings.append(("warning-no-result", "This report has no result for the chosen mechanism (\(report.chosen.rawValue)); its figures show zero."))
        }
        for figures in compared where figures.rowsOutsideSnapshot > 0 {
            warnings.append((
                "warning-rows-\(figures.mechanism.rawValue)",
                "\(NumberText.grouped(figures.rowsOutsideSnapshot)) result rows of \(figures.mechanism.rawValue) name applicants that are not in the snapshot; they are counted in the totals only."))
        }
        for figures in compared where figures.offersOutsideSnapshot > 0 {
            warnings.append((
                "warning-projects-\(figures.mechanism.rawValue)",
                "\(NumberText.grouped(figures.offersOutsideSnapshot)) offers of \(figures.mechanism.rawValue) name no project of the snapshot; they are missing from the fill by project."))
        }
        if chosenResult != nil, chosen.total.applicants != report.input.applicants.count {
            warnings.append((
                "warning-row-count",
                "The chosen result has \(NumberText.grouped(chosen.total.applicants)) rows for \(NumberText.grouped(report.input.applicants.count)) applicants in the snapshot."))
        }
        for warning in warnings {
            html.raw("<p class=\"warning\" id=\"\(warning.id)\">")
            html.text(warning.text)
            html.raw("</p>\n")
        }
    }

    private mutating func writeKeyFigures() {
        let applicants = report.input.applicants.count
        let available = snapshot.slotsAvailable
        let total = chosen.total
        html.raw("<section id=\"key-figures\">\n")
        heading("Key figures", "主要数据")
        html.raw("<dl class=\"figures\">\n")
        func figure(_ id: String, _ english: String, _ chinese: String, value: String, shown: String, of: String = "") {
            html.raw("<div class=\"figure\" id=\"figure-\(id)\"")
            html.attribute("data-value", value)
            html.raw("><dt>\(english) <span class=\"zh\" lang=\"zh-CN\">\(chinese)</span></dt><dd>")
            html.text(shown)
            if !of.isEmpty { html.raw("<span class=\"of\">"); html.text(of); html.raw("</span>") }
            html.raw("</dd></div>\n")
        }
        func count(_ id: String, _ english: String, _ chinese: String, _ value: Int, of: String = "") {
            figure(id, english, chinese, value: String(value), shown: NumberText.grouped(value), of: of)
        }
        func minutes(_ id: String, _ english: String, _ chinese: String, _ value: Int?) {
            figure(id, english, chinese, value: value.map(String.init) ?? "", shown: value.map { "\($0) min" } ?? NumberText.dash)
        }
        func share(_ part: Int) -> String { applicants > 0 ? NumberText.percent(part, of: applicants) + " of applicants" : "" }
        count("applicants", "Applicants in snapshot", "申请人数", applicants)
        count("slots-available", "Slots available", "可分配房源", available)
        count("offered", "Offered", "获配", total.offered, of: share(total.offered))
        count("unmatched", "Unmatched", "未配到", total.unmatched, of: share(total.unmatched))
        count("ineligible", "Ineligible", "不符合条件", total.ineligible, of: share(total.ineligible))
        let fill = NumberText.perMille(total.offered, of: available)
        figure(
            "fill-rate", "Fill rate (offered ÷ slots)", "房源配出率", value: fill.map(NumberText.tenths) ?? "",
            shown: NumberText.percent(total.offered, of: available))
        minutes("median-commute", "Median commute of offers", "通勤时间中位数", chosen.medianCommute)
        minutes("p90-commute", "90th percentile commute", "通勤时间90分位", chosen.p90Commute)
        let rent = chosen.meanRent
        figure(
            "mean-rent", "Mean rent of offers", "平均月租", value: rent.map(String.init) ?? "",
            shown: rent.map { "¥" + NumberText.grouped($0) } ?? NumberText.dash, of: rent == nil ? "" : "per month 每月")
        html.raw("</dl>\n</section>\n")
    }

    /// A policy decimal as written: `10` rather than `10.0`; Swift's shortest round-trip
    /// digits otherwise, which do not depend on the locale.
    static func decimal(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
