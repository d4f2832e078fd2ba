import Allocation
import RoundReport
import Testing

/// A production-size round (200,000 applicants, 50,000 slots, 300 projects, three
/// mechanisms): the report stays small and correct. Times are printed as measurements
/// (run with `-c release` for the figures that count), never asserted.
@Suite struct RoundReportScaleTests {
    static func measure(_ report: RoundReport, _ label: String) -> String {
        let clock = ContinuousClock()
        var html = ""
        var fastest = Duration.seconds(1_000)
        for _ in 0..<2 {
            fastest = min(fastest, clock.measure { html = report.html() })
        }
        print("RoundReport 200k × 50k × 300 projects, \(label): \(fastest) (best of 2), \(html.utf8.count) bytes")
        return html
    }

    @Test func aProductionSizeRoundGivesASmallCorrectReport() throws {
        let report = ReportFixtures.synthetic(applicants: 200_000, slots: 50_000, projects: 300)
        let html = Self.measure(report, "rows in applicant order")
        #expect(html.utf8.count < 400_000)
        let parsed = try ParsedReport(html)
        #expect(parsed.figure("applicants") == "200000")
        #expect(parsed.figure("slots-available") == "50000")
        ReportChecks.figuresMatch(parsed, report)

        // Applicants in another order than the rows: every row is looked up by id.
        var reordered = report
        reordered.input.applicants.reverse()
        #expect(RoundReportDeterminismTests.difference(Self.measure(reordered, "applicants reversed"), html) == nil)
    }
}
