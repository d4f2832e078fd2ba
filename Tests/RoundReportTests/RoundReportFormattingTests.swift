@testable import RoundReport
import Testing

/// The hand-written number formatting, escaping and byte-wise keys the report relies on.
@Suite struct RoundReportFormattingTests {
    @Test func integersAreGroupedByThousandsWithoutALocale() {
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(1000) == "1,000")
        #expect(NumberText.grouped(200_000) == "200,000")
        #expect(NumberText.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberText.grouped(Int.min) == "-9,223,372,036,854,775,808")
    }

    @Test func percentagesRoundHalfUpAndNeverDivideByZero() {
        #expect(NumberText.percent(5, of: 7) == "71.4%")
        #expect(NumberText.percent(1, of: 8) == "12.5%")  // 12.5 exactly
        #expect(NumberText.percent(1, of: 16) == "6.3%")  // 6.25 rounds up
        #expect(NumberText.percent(0, of: 3) == "0.0%")
        #expect(NumberText.percent(3, of: 3) == "100.0%")
        #expect(NumberText.percent(1, of: 0) == "—")
        #expect(NumberText.roundedMean(7, count: 2) == 4)
        #expect(NumberText.roundedMean(0, count: 0) == nil)
    }

    @Test func percentileIsNearestRank() {
        for count in 1...400 {
            let values = Array(1...count)
            for p in [50, 90] {
                let rank = Int((Double(p) / 100 * Double(count)).rounded(.up))
                #expect(NumberText.percentile(values, p) == max(1, rank), "p\(p) of \(count)")
            }
        }
        #expect(NumberText.percentile([], 50) == nil)
    }

    @Test func escapingCoversMarkupQuotesAndCharactersXMLForbids() {
        #expect(HTMLBuffer.escaped("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTMLBuffer.escaped("tab\tline\n", attribute: true) == "tab&#9;line&#10;")
        #expect(HTMLBuffer.escaped("tab\tline\n") == "tab\tline\n")
        #expect(HTMLBuffer.escaped("\u{0}\u{1F}\u{FFFE}\u{FFFF}") == "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(HTMLBuffer.escaped("（浦东）\u{FF01}") == "（浦东）\u{FF01}")  // 0xEF-led but allowed
        #expect(HTMLBuffer.escaped("plain-id_01.x") == "plain-id_01.x")
    }

    @Test func districtKeysCompareBytesNotCanonicalEquivalence() {
        let nfc = ByteKey("Jing\u{E9}")
        let nfd = ByteKey("Jinge\u{301}")
        #expect(nfc.text == nfd.text)  // Swift's String says equal…
        #expect(nfc != nfd)  // …the contract does not
        #expect(Set([nfc, nfd, ByteKey("Jing\u{E9}")]).count == 2)
    }

    @Test func labelsAreCutToFitAndShellWordsQuoted() {
        #expect(ReportLabels.truncated("Short", budget: 200) == "Short")
        let long = String(repeating: "公", count: 40)
        let cut = ReportLabels.truncated(long, budget: 200)
        #expect(cut.hasSuffix("…"))
        #expect(cut.count < 20)
        #expect(ReportLabels.shellWord("R-2026-12") == "R-2026-12")
        #expect(ReportLabels.shellWord("a b") == "'a b'")
        #expect(ReportLabels.shellWord("it's") == "'it'\\''s'")
        #expect(ReportLabels.shellWord("") == "''")
        #expect(SVGBars.axisStep(for: 0) == 1)
        #expect(SVGBars.axisStep(for: 7) == 2)
        #expect(SVGBars.axisStep(for: 49_000) == 10_000)
        #expect(SVGBars.axisStep(for: 12_345, ticks: 4) == 5_000)
    }
}
