import Allocation
import Testing

@testable import AllocationFiles

/// results.csv is rendered in parallel chunks once it is large; the bytes must be exactly
/// those of a plain row-by-row rendering, in applicant order, whatever the chunking.
@Suite struct ResultsChunkingTests {
    @Test("a 50,000-row file renders as a plain sequential rendering would", arguments: [1, 8_191, 8_192, 50_000])
    func chunkedEqualsSequential(count: Int) {
        let rows = (0..<count).map { i -> ApplicantResult in
            let id = "A" + String(1_000_000 + i)
            switch i % 3 {
            case 0:
                return ApplicantResult(
                    applicantID: id, outcome: .offered, slotID: "S\(i)", projectID: "P\(i % 97)", commuteMin: i % 90,
                    rent: 500 + i % 700)
            case 1:
                return ApplicantResult(applicantID: id, outcome: .unmatched, reason: "taken, \"all\" of them; 第\(i)")
            default:
                return ApplicantResult(applicantID: id, outcome: .ineligible, reason: "line\nbreak \(i)")
            }
        }
        var expected = "applicant_id,outcome,slot_id,project_id,commute_min,rent,reason\n"
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        for r in rows {
            let cols = [
                r.applicantID, r.outcome.rawValue, r.slotID ?? "", r.projectID ?? "", r.commuteMin.map(String.init) ?? "",
                r.rent.map(String.init) ?? "", r.reason,
            ]
            expected += cols.map(field).joined(separator: ",") + "\n"
        }
        #expect(ResultsCSV.render(rows) == Array(expected.utf8))
    }
}
