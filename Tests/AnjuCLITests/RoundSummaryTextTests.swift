import Allocation
import Foundation
import Testing

@testable import AnjuCLI

/// The summary `anju solve` prints: counts by category and outcome, whether the input lists
/// applicants in id order (rows read side by side) or not (looked up by id).
@Suite struct RoundSummaryTextTests {
    static func round(shuffled: Bool) -> (RoundResult, RoundInput) {
        var applicants: [Applicant] = []
        var rows: [ApplicantResult] = []
        let categories = Applicant.Category.allCases
        let outcomes = ApplicantResult.Outcome.allCases
        for i in 0..<60 {
            let id = String(format: "A%03d", i)
            applicants.append(Applicant(
                id: id, category: categories[i % 3], householdSize: 1, gender: .female,
                birthDate: CivilDate(year: 1995, month: 1, day: 1)!, monthlyIncome: 5000, workLat: 31.2, workLon: 121.4,
                workDistrict: "Xuhui", maxCommuteMin: nil, maxRent: nil, needsAccessible: false, priorityPoints: 0,
                employerID: nil, appliedAt: nil))
            let outcome = outcomes[(i / 3 + i) % 3]
            rows.append(ApplicantResult(
                applicantID: id, outcome: outcome, commuteMin: outcome == .offered ? 10 + i : nil))
        }
        if shuffled { applicants.reverse() }
        let input = RoundInput(projects: [], slots: [], applicants: applicants, policy: Policy(roundDate: CivilDate(year: 2026, month: 12, day: 1)!, seed: "s"))
        return (RoundResult(mechanism: .serial, seed: "s", rows: rows, slotsAvailable: 20), input)
    }

    @Test("the same counts with applicants in id order and out of it")
    func alignedOrNot() {
        let (result, aligned) = Self.round(shuffled: false)
        let (_, reversed) = Self.round(shuffled: true)
        let a = RoundSummaryText.render(result, input: aligned, out: nil)
        let b = RoundSummaryText.render(result, input: reversed, out: nil)
        #expect(a == b)
        // Counted by hand from the pattern above: category i % 3, outcome (i / 3 + i) % 3.
        var expected: [Applicant.Category: [ApplicantResult.Outcome: Int]] = [:]
        for i in 0..<60 {
            expected[Applicant.Category.allCases[i % 3], default: [:]][ApplicantResult.Outcome.allCases[(i / 3 + i) % 3], default: 0] += 1
        }
        for c in Applicant.Category.allCases {
            let t = expected[c] ?? [:]
            let line = "  " + c.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
            let cells = [t[.offered] ?? 0, t[.unmatched] ?? 0, t[.ineligible] ?? 0]
            #expect(a.contains(line + String(repeating: " ", count: 9 - String(cells[0]).count) + String(cells[0])), "\(c): \(a)")
            let row = a.split(separator: "\n").first { $0.hasPrefix(line) }.map(String.init) ?? ""
            #expect(row.split(separator: " ").suffix(3).map { Int($0) ?? -1 } == cells, "\(c): \(row)")
        }
    }
}
