import Allocation
import RoundReport
import Testing

/// Rounds at the edges: empty, missing pieces, many districts or projects, odd text.
@Suite struct RoundReportEdgeTests {
    static func report(_ input: RoundInput, results: [Mechanism: RoundResult], chosen: Mechanism = .serial) -> RoundReport {
        RoundReport(
            city: "Shanghai", roundID: "R-edge", runAt: "2026-12-01T00:00:00Z", inputDigest: "00", input: input,
            chosen: chosen, results: results)
    }

    /// No word of the document is how Swift prints a NaN or an infinity.
    static func noNumbersGoneWrong(_ html: String) {
        let words = Set(html.split { !$0.isLetter }.map { $0.lowercased() })
        for bad in ["nan", "inf", "infinity"] { #expect(!words.contains(bad), "found \(bad)") }
        #expect(!html.contains("-0.0"))
    }

    @Test func anEmptyRoundRendersWithoutDividingByZero() throws {
        let input = RoundInput(projects: [], slots: [], applicants: [], policy: Policy(roundDate: ReportFixtures.roundDate, seed: "s"))
        let report = ReportFixtures.solved(input)  // the real engine on nothing
        let html = report.html()
        Self.noNumbersGoneWrong(html)
        let parsed = try ParsedReport(html)
        for figure in ["applicants", "slots-available", "offered", "unmatched", "ineligible"] {
            #expect(parsed.figure(figure) == "0", "\(figure)")
        }
        for figure in ["fill-rate", "median-commute", "p90-commute", "mean-rent"] {
            #expect(parsed.figure(figure) == "", "\(figure)")
            #expect(parsed.element(id: "figure-\(figure)")?.text.contains("—") == true)
        }
        #expect(parsed.element(id: "commute-none") != nil)
        #expect(parsed.element(id: "commute-histogram") == nil)
        #expect(parsed.element(id: "category-general")?["data-applicants"] == "0")
        let warnings = parsed.elements { $0["class"]?.hasPrefix("warning") == true }
        #expect(warnings.isEmpty)
        ReportChecks.figuresMatch(parsed, report)
    }

    @Test func slotsWithoutApplicantsAndApplicantsWithoutSlots() throws {
        let city = ReportFixtures.randomCity(seed: 5)
        var noApplicants = city
        noApplicants.applicants = []
        var noSlots = city
        noSlots.slots = []
        for input in [noApplicants, noSlots] {
            let report = ReportFixtures.solved(input)
            let html = report.html()
            Self.noNumbersGoneWrong(html)
            let parsed = try ParsedReport(html)
            #expect(parsed.figure("offered") == "0")
            ReportChecks.figuresMatch(parsed, report)
        }
        let parsed = try ParsedReport(ReportFixtures.solved(noApplicants).html())
        #expect(parsed.figure("fill-rate") == "0.0")
    }

    @Test func aMissingChosenResultOrUnknownApplicantsAreSaidUpFront() throws {
        var report = ReportFixtures.handBuilt()
        report.results[.deferredAcceptance] = nil
        var parsed = try ParsedReport(report.html())
        #expect(parsed.element(id: "warning-no-result") != nil)
        #expect(parsed.figure("offered") == "0")
        #expect(parsed.element(id: "mechanism-deferred_acceptance") == nil)
        let chosenRows = parsed.elements { $0["data-chosen"] == "true" }
        #expect(chosenRows.isEmpty)

        report = ReportFixtures.handBuilt()
        report.results[.deferredAcceptance]!.rows.append(ReportFixtures.offer("zz-stranger", "s4", "P9", 30, 1000))
        parsed = try ParsedReport(report.html())
        #expect(parsed.element(id: "warning-rows-deferred_acceptance") != nil)
        #expect(parsed.element(id: "warning-projects-deferred_acceptance") != nil)
        #expect(parsed.element(id: "warning-row-count") != nil)
        #expect(parsed.figure("offered") == "6")  // in the totals, not in any category
        #expect(parsed.element(id: "category-total")?["data-offered"] == "5")
        #expect(parsed.element(id: "warning-rows-serial") == nil)
    }

    @Test func beyondFiftyDistrictsTheRestShareOneRow() throws {
        var applicants: [Applicant] = []
        var rows: [ApplicantResult] = []
        for d in 0..<60 {
            for n in 0...(d % 7) {  // sizes 1…7, many ties
                let id = "A\(String(1000 + d))-\(n)"
                applicants.append(ReportFixtures.applicant(id, .general, "District \(d)"))
                rows.append(n == 0 ? ReportFixtures.waiting(id, .ineligible) : ReportFixtures.waiting(id, .unmatched))
            }
        }
        rows.sort { $0.applicantID.utf8.lexicographicallyPrecedes($1.applicantID.utf8) }
        let input = RoundInput(projects: [], slots: [], applicants: applicants, policy: Policy(roundDate: ReportFixtures.roundDate, seed: "s"))
        let report = Self.report(input, results: [.serial: RoundResult(mechanism: .serial, seed: "s", rows: rows, slotsAvailable: 0)])
        let parsed = try ParsedReport(report.html())
        let shown = parsed.elements { $0["data-district"] != nil }
        #expect(shown.count == 50)
        let other = try #require(parsed.element(id: "district-other"))
        #expect(other["data-districts"] == "10")
        let shownApplicants = shown.reduce(0) { $0 + $1.int("data-applicants")! }
        #expect(other.int("data-applicants") == applicants.count - shownApplicants)
        #expect(other.int("data-ineligible") == 10)
        // The ten left out are the smallest: nine of one applicant, and of the nine of two
        // the last byte-wise, "District 8" (after "District 57").
        #expect(other.int("data-applicants") == 9 * 1 + 2)
        let names = Set(shown.map { $0["data-district"]! })
        #expect(names.contains("District 57") && !names.contains("District 8") && !names.contains("District 0"))
        ReportChecks.figuresMatch(parsed, report)
    }

    @Test func districtsAreComparedByteWise() throws {
        let nfc = "Jing\u{E9}"  // é precomposed
        let nfd = "Jinge\u{301}"  // e + combining acute: the same to Swift's ==, not to the contract
        let applicants = [
            ReportFixtures.applicant("a1", .general, nfc), ReportFixtures.applicant("a2", .general, nfd),
            ReportFixtures.applicant("a3", .general, nfd),
        ]
        let rows = applicants.map { ReportFixtures.waiting($0.id, .ineligible) }
        let input = RoundInput(projects: [], slots: [], applicants: applicants, policy: Policy(roundDate: ReportFixtures.roundDate, seed: "s"))
        let parsed = try ParsedReport(
            Self.report(input, results: [.serial: RoundResult(mechanism: .serial, seed: "s", rows: rows, slotsAvailable: 0)]).html())
        let districts = parsed.elements { $0["data-district"] != nil }
        #expect(districts.count == 2)
        #expect(districts.first.map { Array($0["data-district"]!.utf8) } == Array(nfd.utf8))
        #expect(districts.map { $0.int("data-applicants")! } == [2, 1])
    }

    @Test func veryLongCommutesShareTheLastBin() throws {
        var report = ReportFixtures.handBuilt()
        report.results[.deferredAcceptance]!.rows[9] = ReportFixtures.offer("a10", "s4", "P1", 250, 1500)
        report.results[.deferredAcceptance]!.rows[7] = ReportFixtures.offer("a08", "s8", "P2", 180, 900)
        let parsed = try ParsedReport(report.html())
        let bins = parsed.elements { $0["data-count"] != nil }
        #expect(bins.count == 37)
        #expect(bins.last?["data-from"] == "180")
        #expect(bins.last?["data-to"] == "")
        #expect(bins.last?.int("data-count") == 2)
        #expect(bins[35]["data-to"] == "179")
        #expect(parsed.figure("p90-commute") == "250")
        ReportChecks.figuresMatch(parsed, report)
    }

    @Test func theChartShowsTheFortyLeastFilledAndTheTableShowsAll() throws {
        let report = ReportFixtures.solved(ReportFixtures.randomCity(seed: 3, applicants: 500, projects: 90))
        let parsed = try ParsedReport(report.html())
        let table = parsed.element(id: "project-fill")!.elements { $0["data-project"] != nil }
        #expect(table.count == 90)
        let chart = parsed.element(id: "project-fill-chart")!.elements { $0.name == "g" }
        let withSlots = table.filter { $0.int("data-available")! > 0 }
        #expect(withSlots.count > 40)
        #expect(chart.map { $0["data-project"]! } == withSlots.prefix(40).map { $0["data-project"]! })
        ReportChecks.figuresMatch(parsed, report)
    }
}
