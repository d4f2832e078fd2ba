import Foundation
import TestSupport
import Testing

/// Checks of a written round that hold for every mechanism: the results.csv bytes follow
/// the contract's output rules, every row agrees with the input files, and summary.json
/// agrees with the rows and with the inputs' bytes.
enum RoundChecks {
    static let resultsHeader = "applicant_id,outcome,slot_id,project_id,commute_min,rent,reason"

    /// Expects `folder` to hold a correct round for `input`, and returns what it holds.
    @discardableResult
    static func expectContractOutput(
        in folder: String, for input: InputFiles, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (results: CSVDocument, summary: Summary) {
        let bytes = try Files.read((folder as NSString).appendingPathComponent("results.csv"))
        // Exactly this header first also rules out a byte-order mark.
        #expect(bytes.starts(with: Array((resultsHeader + "\n").utf8)), "header or BOM", sourceLocation: sourceLocation)
        #expect(!bytes.contains(UInt8(ascii: "\r")), "results.csv must use LF only", sourceLocation: sourceLocation)
        #expect(bytes.last == UInt8(ascii: "\n"), sourceLocation: sourceLocation)
        let results = try CSVDocument(bytes)

        let ids = try results.column("applicant_id")
        let applicantsFile = try CSVDocument(input["applicants.csv"])
        let applicantIDs = try applicantsFile.column("applicant_id")
        #expect(ids.count == applicantIDs.count, "one row per applicant", sourceLocation: sourceLocation)
        #expect(Set(ids) == Set(applicantIDs), sourceLocation: sourceLocation)
        let sorted = zip(ids, ids.dropFirst()).allSatisfy { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(sorted, "rows must be ordered by applicant_id byte-wise", sourceLocation: sourceLocation)

        let slotsFile = try CSVDocument(input["slots.csv"])
        let slotList = slotsFile.records
        let slots = Dictionary(zip(try slotsFile.column("slot_id"), slotList), uniquingKeysWith: { a, _ in a })
        let applicantByID = Dictionary(zip(applicantIDs, applicantsFile.records), uniquingKeysWith: { a, _ in a })
        var taken: Set<String> = []
        var counts: [String: Int] = [:]
        var totalCommute = 0
        for row in results.records {
            let id = row["applicant_id"] ?? ""
            let outcome = row["outcome"] ?? ""
            counts[outcome, default: 0] += 1
            switch outcome {
            case "offered":
                let slotID = row["slot_id"] ?? ""
                let slot = try #require(slots[slotID], "\(id): unknown slot", sourceLocation: sourceLocation)
                let applicant = try #require(applicantByID[id], "\(id): unknown applicant", sourceLocation: sourceLocation)
                let commute = try #require(Int(row["commute_min"] ?? ""), "\(id): commute_min", sourceLocation: sourceLocation)
                totalCommute += commute
                #expect(taken.insert(slotID).inserted, "\(id): slot given twice", sourceLocation: sourceLocation)
                #expect(slot["status"] == "available", "\(id)", sourceLocation: sourceLocation)
                #expect(row["project_id"] == slot["project_id"], "\(id)", sourceLocation: sourceLocation)
                #expect(row["rent"] == slot["rent"], "\(id)", sourceLocation: sourceLocation)
                let limit = Int(applicant["max_commute_min"] ?? "") ?? 60
                #expect((0...limit).contains(commute), "\(id): commute \(commute)", sourceLocation: sourceLocation)
                if let maxRent = Int(applicant["max_rent"] ?? ""), let rent = Int(slot["rent"] ?? "") {
                    #expect(rent <= maxRent, "\(id): rent above max_rent", sourceLocation: sourceLocation)
                }
            case "unmatched", "ineligible":
                let slotColumns = [row["slot_id"], row["project_id"], row["commute_min"], row["rent"]]
                #expect(slotColumns.allSatisfy { $0 == "" }, "\(id): slot columns", sourceLocation: sourceLocation)
                #expect(row["reason"] != "", "\(id): no reason", sourceLocation: sourceLocation)
            default:
                Issue.record("\(id): unknown outcome \(outcome)", sourceLocation: sourceLocation)
            }
        }

        let summaryBytes = try Files.read((folder as NSString).appendingPathComponent("summary.json"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(summaryBytes)) as? [String: Any], sourceLocation: sourceLocation)
        #expect(Set(object.keys) == Summary.keys, sourceLocation: sourceLocation)
        let summary = try Summary.read(folder)
        #expect(summary.inputs == input.digests, "inputs must be the SHA-256 of each file", sourceLocation: sourceLocation)
        #expect(summary.applicants == results.rows.count, sourceLocation: sourceLocation)
        #expect(summary.offered == counts["offered", default: 0], sourceLocation: sourceLocation)
        #expect(summary.unmatched == counts["unmatched", default: 0], sourceLocation: sourceLocation)
        #expect(summary.ineligible == counts["ineligible", default: 0], sourceLocation: sourceLocation)
        #expect(
            summary.offered + summary.unmatched + summary.ineligible == summary.applicants, sourceLocation: sourceLocation)
        #expect(summary.totalCommuteMin == totalCommute, sourceLocation: sourceLocation)
        let available = slotList.filter { $0["status"] == "available" }.count
        #expect(summary.slotsAvailable == available, sourceLocation: sourceLocation)
        return (results, summary)
    }
}
