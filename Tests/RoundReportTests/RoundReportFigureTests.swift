import Allocation
import RoundReport
import Testing

/// The figures a report shows are the round's: worked out by hand for a small round, and
/// recomputed independently for rounds solved by the real engine.
@Suite struct RoundReportFigureTests {
    @Test func handBuiltRoundShowsTheFiguresWorkedOutByHand() throws {
        let report = ReportFixtures.handBuilt()
        let parsed = try ParsedReport(report.html())
        #expect(parsed.figure("applicants") == "10")
        #expect(parsed.figure("slots-available") == "7")  // s5 occupied and s9 in maintenance do not count
        #expect(parsed.figure("offered") == "5")
        #expect(parsed.figure("unmatched") == "3")
        #expect(parsed.figure("ineligible") == "2")
        #expect(parsed.figure("fill-rate") == "71.4")  // 5 of 7
        #expect(parsed.figure("median-commute") == "22")  // 12 17 22 33 41: third of five
        #expect(parsed.figure("p90-commute") == "41")  // rank ⌈4.5⌉ = 5
        #expect(parsed.figure("mean-rent") == "1260")  // (3 × 1500 + 2 × 900) / 5
        #expect(parsed.element(id: "figure-offered")?.text.contains("50.0% of applicants") == true)

        func tally(_ id: String) -> [Int?] {
            let row = parsed.element(id: id)
            return ["data-applicants", "data-offered", "data-unmatched", "data-ineligible"].map { row?.int($0) }
        }
        #expect(tally("category-youth_talent") == [4, 3, 1, 0])
        #expect(tally("category-frontline_worker") == [3, 2, 1, 0])
        #expect(tally("category-general") == [3, 0, 1, 2])
        #expect(tally("category-total") == [10, 5, 3, 2])

        // Most applicants first; Jing'an and Xuhui tie at two and go byte-wise.
        let districts = parsed.elements { $0["data-district"] != nil }
        #expect(districts.map { $0["data-district"]! } == ["Putuo", "Jing'an", "Xuhui", "浦东新区"])
        #expect(districts.map { $0["id"]! } == ["district-1", "district-2", "district-3", "district-4"])
        #expect(tally("district-1") == [5, 3, 1, 1])
        #expect(tally("district-4") == [1, 0, 1, 0])

        // Bins 0–4 … 40–44: the longest commute is 41.
        let bins = parsed.elements { $0["data-count"] != nil }
        #expect(bins.map { $0.int("data-from")! } == Array(stride(from: 0, through: 40, by: 5)))
        #expect(bins.map { $0.int("data-count")! } == [0, 0, 1, 1, 1, 0, 1, 0, 1])
        #expect(bins.last?["data-to"] == "44")

        // Least filled first: P2 2/3, P1 3/4, then P3 with nothing available.
        let projects = parsed.element(id: "project-fill")!.elements { $0["data-project"] != nil }
        #expect(projects.map { $0["data-project"]! } == ["P2", "P1", "P3"])
        #expect(projects.map { [$0.int("data-available")!, $0.int("data-offered")!] } == [[3, 2], [4, 3], [0, 0]])
        #expect(parsed.element(id: "project-summary")?["data-under-filled"] == "2")
        let chart = parsed.element(id: "project-fill-chart")!.elements { $0.name == "g" }
        #expect(chart.map { $0["data-project"]! } == ["P2", "P1"])

        func mechanism(_ m: Mechanism) -> [String?] {
            let row = parsed.element(id: "mechanism-\(m.rawValue)")
            return ["data-offered", "data-offered-youth_talent", "data-offered-frontline_worker", "data-offered-general",
                "data-total-commute", "data-median-commute", "data-unmatched", "data-ineligible", "data-chosen"].map { row?[$0] }
        }
        #expect(mechanism(.serial) == ["5", "3", "2", "0", "137", "25", "3", "2", "false"])
        #expect(mechanism(.deferredAcceptance) == ["5", "3", "2", "0", "125", "22", "3", "2", "true"])
        #expect(mechanism(.optimal) == ["6", "3", "3", "0", "175", "22", "2", "2", "false"])
        #expect(parsed.element(id: "mechanism-deferred_acceptance")?["class"] == "chosen")

        ReportChecks.figuresMatch(parsed, report)
    }

    @Test func headerAndReproductionNoteNameTheRound() throws {
        let report = ReportFixtures.handBuilt()
        let parsed = try ParsedReport(report.html())
        #expect(parsed.element(id: "meta-city")?.text == "上海 Shanghai")
        #expect(parsed.element(id: "meta-round")?.text == "R-2026-12")
        #expect(parsed.element(id: "meta-run-at")?.text == "2026-12-01T09:30:00+08:00")
        #expect(parsed.element(id: "meta-round-date")?.text == "2026-12-01")
        #expect(parsed.element(id: "meta-seed")?.text == ReportFixtures.seed)
        #expect(parsed.element(id: "meta-digest")?.text == report.inputDigest)
        #expect(parsed.element(id: "meta-mechanism")?.text.contains("deferred_acceptance") == true)
        #expect(parsed.element(id: "reproduce-digest")?.text == report.inputDigest)
        #expect(parsed.element(id: "reproduce-command")?.text == "anju round verify R-2026-12 --city '上海 Shanghai'")
        let headings = parsed.elements { $0.name == "h2" }.map(\.text)
        #expect(headings.contains("Outcomes by category 按类别的结果"))
        #expect(headings.count == 7)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func engineRoundsMatchIndependentCounts(seed: UInt64) throws {
        let solved = ReportFixtures.solved(ReportFixtures.randomCity(seed: seed))
        #expect(solved.results.values.contains { $0.offered > 0 && $0.unmatched > 0 && $0.ineligible > 0 })
        for chosen in Mechanism.allCases {
            var report = solved
            report.chosen = chosen
            let parsed = try ParsedReport(report.html())
            ReportChecks.figuresMatch(parsed, report)
            #expect(parsed.element(id: "meta-mechanism")?.text.contains(chosen.rawValue) == true)
        }
    }
}
