import Allocation
import RoundReport
import Testing

/// Whatever the imported CSVs held, the report stays one inert, well-formed document:
/// data is escaped, never markup, and nothing is fetched or run.
@Suite struct RoundReportSafetyTests {
    @Test func aProjectNamedLikeMarkupAppearsOnlyEscaped() throws {
        let html = ReportFixtures.handBuilt().html()
        #expect(!html.contains(ReportFixtures.scriptName))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"))
        let parsed = try ParsedReport(html)
        // Parsed back, the name is exactly the CSV's text: in the table and in the chart's tooltip.
        let row = parsed.element(id: "project-fill")!.elements { $0["data-project"] == "P2" }.first!
        #expect(row.children.first?.ownText == ReportFixtures.scriptName + " ")
        let tooltip = parsed.element(id: "project-fill-chart")!.elements { $0.name == "title" }.map(\.text)
        #expect(tooltip.contains { $0.hasPrefix(ReportFixtures.scriptName + " (P2)") })
        let scripts = parsed.elements { $0.name.lowercased() == "script" }
        #expect(scripts.isEmpty)
    }

    @Test func hostileTextInEveryFieldRoundTripsThroughAnXMLParser() throws {
        var report = ReportFixtures.handBuilt()
        report.city = "</title><script>alert('city')</script>"
        report.roundID = "\"'&<>]]><!--"
        report.runAt = "2026-12-01\u{1}T09:30"
        report.inputDigest = "<b>not hex</b>"
        report.input.policy.seed = "seed & \"quotes\" 'single' <tag>"
        for mechanism in Mechanism.allCases { report.results[mechanism]!.seed = report.input.policy.seed }
        let district = "Line\nbreak\tand \"quote\" & <angle> \u{7}bell"
        for i in report.input.applicants.indices where report.input.applicants[i].workDistrict == "Putuo" {
            report.input.applicants[i].workDistrict = district
        }
        report.input.projects[0].name = "Fancy \u{FFFF} name ]]> &amp;"
        report.input.projects[0].district = "<Putuo>"
        let html = report.html()
        let parsed = try ParsedReport(html)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(parsed.element(id: "meta-city")?.text == report.city)
        #expect(parsed.element(id: "meta-round")?.text == report.roundID)
        #expect(parsed.element(id: "meta-run-at")?.text == "2026-12-01\u{FFFD}T09:30")  // XML cannot hold U+0001
        #expect(parsed.element(id: "meta-seed")?.text == report.input.policy.seed)
        #expect(parsed.element(id: "meta-digest")?.text == "<b>not hex</b>")
        // Attribute values keep line breaks and tabs (escaped as character references).
        let row = parsed.elements { $0["data-district"]?.hasPrefix("Line") == true }.first
        #expect(row?["data-district"] == "Line\nbreak\tand \"quote\" & <angle> \u{FFFD}bell")
        #expect(row?.int("data-applicants") == 5)
        let p1 = parsed.element(id: "project-fill")!.elements { $0["data-project"] == "P1" }.first!
        #expect(p1.children.first?.ownText == "Fancy \u{FFFD} name ]]> &amp; ")
        #expect(p1.children[1].text == "<Putuo>")
        #expect(parsed.element(id: "reproduce-command")?.text
            == "anju round verify '\"'\\''&<>]]><!--' --city '</title><script>alert('\\''city'\\'')</script>'")
    }

    @Test func nothingIsFetchedOrRun() throws {
        var report = ReportFixtures.solved(ReportFixtures.randomCity(seed: 7))
        report.chosen = .optimal
        let html = report.html()
        let lower = html.lowercased()
        for forbidden in ["<script", "http://", "https://", "src=", "href=", "url(", "@import", "<iframe", "<link", "<img", "<object", "<embed"] {
            #expect(!lower.contains(forbidden), "found \(forbidden)")
        }
        let parsed = try ParsedReport(html)
        let handlers = parsed.elements { $0.attributes.keys.contains { $0.lowercased().hasPrefix("on") } }
        #expect(handlers.isEmpty)
    }

    @Test func documentIsPrintableAndFitsAPhone() throws {
        let html = ReportFixtures.handBuilt().html()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        let parsed = try ParsedReport(html)
        #expect(parsed.root.name == "html")
        #expect(parsed.root.children.map(\.name) == ["head", "body"])
        let head = parsed.root.children[0]
        #expect(head.children.contains { $0.name == "meta" && $0["charset"] == "utf-8" })
        #expect(head.children.contains { $0.name == "meta" && $0["content"]?.contains("width=device-width") == true })
        #expect(head.children.first { $0.name == "title" }?.text == "Round R-2026-12 · 上海 Shanghai · 配租轮次报告")
        let css = head.children.first { $0.name == "style" }?.text ?? ""
        #expect(css.contains("@page{size:A4"))
        #expect(css.contains("@media print{"))
        #expect(css.contains("@media screen and (max-width:600px)"))
        // Every chart is inline SVG with a viewBox, so it scales down to a phone's width.
        let charts = parsed.elements { $0.name == "svg" }
        #expect(charts.count > 10)
        #expect(charts.allSatisfy { $0["viewBox"] != nil })
    }
}
