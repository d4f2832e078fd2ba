import Allocation
import RoundReport
import Testing

/// Compares a parsed report's data-* attributes with figures computed independently.
enum ReportChecks {
    static func figuresMatch(
        _ parsed: ParsedReport, _ report: RoundReport, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let input = report.input
        let chosen = report.results[report.chosen]!
        let expected = IndependentFigures(input, chosen)

        // Key figures.
        #expect(parsed.figure("applicants") == String(input.applicants.count), sourceLocation: sourceLocation)
        #expect(parsed.figure("slots-available") == String(expected.slotsAvailable), sourceLocation: sourceLocation)
        #expect(parsed.figure("offered") == String(expected.total.offered), sourceLocation: sourceLocation)
        #expect(parsed.figure("unmatched") == String(expected.total.unmatched), sourceLocation: sourceLocation)
        #expect(parsed.figure("ineligible") == String(expected.total.ineligible), sourceLocation: sourceLocation)
        #expect(parsed.figure("median-commute") == expected.percentile(50).map(String.init) ?? "", sourceLocation: sourceLocation)
        #expect(parsed.figure("p90-commute") == expected.percentile(90).map(String.init) ?? "", sourceLocation: sourceLocation)
        if let mean = expected.meanRent {
            let shown = parsed.figure("mean-rent").flatMap(Double.init)
            #expect(shown.map { abs($0 - mean) <= 0.5 } == true, "mean rent \(String(describing: shown)) vs \(mean)", sourceLocation: sourceLocation)
        } else {
            #expect(parsed.figure("mean-rent") == "", sourceLocation: sourceLocation)
        }
        if expected.slotsAvailable > 0 {
            let fill = 100 * Double(expected.total.offered) / Double(expected.slotsAvailable)
            let shown = parsed.figure("fill-rate").flatMap(Double.init)
            #expect(shown.map { abs($0 - fill) <= 0.05 } == true, "fill \(String(describing: shown)) vs \(fill)", sourceLocation: sourceLocation)
        } else {
            #expect(parsed.figure("fill-rate") == "", sourceLocation: sourceLocation)
        }

        // Categories.
        for category in Applicant.Category.allCases {
            let row = parsed.element(id: "category-\(category.rawValue)")
            let tally = expected.byCategory[category.rawValue] ?? IndependentFigures.Tally()
            #expect(row.map(tallyOf) == tally, "category \(category.rawValue)", sourceLocation: sourceLocation)
        }

        // Districts: every one (up to the row limit), most applicants first.
        let districtRows = parsed.elements { $0.name == "tr" && $0["data-district"] != nil }
        #expect(districtRows.count == min(50, expected.applicantsByDistrict.count), sourceLocation: sourceLocation)
        for row in districtRows {
            let district = row["data-district"]!
            #expect(tallyOf(row) == expected.byDistrict[district] ?? IndependentFigures.Tally(), "district \(district)", sourceLocation: sourceLocation)
        }
        let sizes = districtRows.map { expected.applicantsByDistrict[$0["data-district"]!] ?? -1 }
        #expect(sizes == sizes.sorted(by: >), "districts by applicants: \(sizes)", sourceLocation: sourceLocation)

        // Commute histogram: every offer in exactly the bin its minutes fall in.
        let bins = parsed.elements { $0["data-count"] != nil && $0["data-from"] != nil }
        #expect(bins.reduce(0) { $0 + $1.int("data-count")! } == expected.commutes.count, sourceLocation: sourceLocation)
        for bin in bins {
            let from = bin.int("data-from")!
            let to = bin.int("data-to") ?? Int.max
            #expect(bin.int("data-count") == expected.commutes.filter { (from...to).contains($0) }.count, "bin \(from)", sourceLocation: sourceLocation)
        }

        // Fill by project: every project, least filled first.
        let projectRows = parsed.element(id: "project-fill")?.elements { $0.name == "tr" && $0["data-project"] != nil } ?? []
        #expect(projectRows.count == input.projects.count, sourceLocation: sourceLocation)
        for row in projectRows {
            let id = row["data-project"]!
            #expect(row.int("data-available") == expected.available[id], "available at \(id)", sourceLocation: sourceLocation)
            #expect(row.int("data-offered") == expected.offeredByProject[id] ?? 0, "offered at \(id)", sourceLocation: sourceLocation)
        }
        let fills = projectRows.compactMap { row -> Double? in
            let available = row.int("data-available")!
            return available > 0 ? Double(row.int("data-offered")!) / Double(available) : nil
        }
        #expect(fills == fills.sorted(), "projects by fill: \(fills)", sourceLocation: sourceLocation)

        // Mechanisms compared.
        for (mechanism, result) in report.results {
            let row = parsed.element(id: "mechanism-\(mechanism.rawValue)")
            let independent = IndependentFigures(input, result)
            #expect(row?.int("data-offered") == result.offered, sourceLocation: sourceLocation)
            #expect(row?.int("data-unmatched") == result.unmatched, sourceLocation: sourceLocation)
            #expect(row?.int("data-ineligible") == result.ineligible, sourceLocation: sourceLocation)
            #expect(row?.int("data-total-commute") == result.totalCommuteMin, sourceLocation: sourceLocation)
            #expect(row?["data-median-commute"] == independent.percentile(50).map(String.init) ?? "", sourceLocation: sourceLocation)
            for category in Applicant.Category.allCases {
                #expect(
                    row?.int("data-offered-\(category.rawValue)") == independent.byCategory[category.rawValue]?.offered ?? 0,
                    "\(mechanism.rawValue) \(category.rawValue)", sourceLocation: sourceLocation)
            }
            #expect(row?["data-chosen"] == (mechanism == report.chosen ? "true" : "false"), sourceLocation: sourceLocation)
        }
        let mechanismRows = parsed.elements { $0["id"]?.hasPrefix("mechanism-") == true && $0.name == "tr" }
        #expect(mechanismRows.count == report.results.count, sourceLocation: sourceLocation)
    }

    static func tallyOf(_ row: ReportElement) -> IndependentFigures.Tally {
        IndependentFigures.Tally(
            offered: row.int("data-offered") ?? -1, unmatched: row.int("data-unmatched") ?? -1,
            ineligible: row.int("data-ineligible") ?? -1)
    }
}
