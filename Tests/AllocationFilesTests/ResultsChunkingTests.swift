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

    @Test("a field is quoted, and its quotes doubled, exactly when the contract says: 20,000 random fields")
    func fieldsAsThePlainRule() {
        let pieces = ["a", "Bc", ",", "\"", "\n", "\r", "\r\n", "é", "第", " ", "-", "+"]
        var rng = SplitMix(seed: 0xF1E1D)
        for _ in 0..<20_000 {
            let value = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let plain =
                value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            var out: [UInt8] = [0x41]
            ResultsCSV.appendField(value, to: &out)
            #expect(out == [0x41] + Array(plain.utf8), "\(value.debugDescription)")
        }
    }
}
