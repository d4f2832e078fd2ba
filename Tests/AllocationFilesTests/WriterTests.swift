import Allocation
import Foundation
import Testing

@testable import AllocationFiles

/// results.csv and summary.json byte for byte, and the all-or-nothing output folder.
@Suite struct WriterTests {
    static let result = RoundResult(
        mechanism: .deferredAcceptance, seed: "2026 抽签 \"公开\"\t",
        rows: [
            ApplicantResult(applicantID: "A2", outcome: .ineligible, reason: "no slot within max_rent, \"3000\""),
            ApplicantResult(applicantID: "A1", outcome: .offered, slotID: "S1", projectID: "P1", commuteMin: 25, rent: 2500),
            ApplicantResult(applicantID: "A10", outcome: .unmatched, reason: "eligible for 2 slots; all taken\nby others"),
            ApplicantResult(applicantID: "B.7", outcome: .offered, slotID: "S-2", projectID: "P_2", commuteMin: 7, rent: 0, reason: "距离近"),
        ],
        slotsAvailable: 3)

    static let digests = [
        "slots.csv": "22", "projects.csv": "11", "policy.json": "44", "applicants.csv": "33",
    ]

    static let expectedResults = #"""
        applicant_id,outcome,slot_id,project_id,commute_min,rent,reason
        A1,offered,S1,P1,25,2500,
        A10,unmatched,,,,,"eligible for 2 slots; all taken
        by others"
        A2,ineligible,,,,,"no slot within max_rent, ""3000"""
        B.7,offered,S-2,P_2,7,0,距离近

        """#

    static let expectedSummary = """
        {
          "mechanism": "deferred_acceptance",
          "seed": "2026 抽签 \\"公开\\"\\t",
          "applicants": 4,
          "slots_available": 3,
          "offered": 2,
          "unmatched": 1,
          "ineligible": 1,
          "total_commute_min": 32,
          "inputs": {
            "applicants.csv": "33",
            "policy.json": "44",
            "projects.csv": "11",
            "slots.csv": "22"
          }
        }

        """

    @Test func resultsCSVIsByteExact() {
        #expect(ResultsCSV.render(Self.result.rows) == Array(Self.expectedResults.utf8))
        #expect(ResultsCSV.render([]) == Array("applicant_id,outcome,slot_id,project_id,commute_min,rent,reason\n".utf8))
    }

    @Test func summaryJSONIsByteExact() {
        #expect(String(decoding: SummaryJSON.render(result: Self.result, digests: Self.digests), as: UTF8.self) == Self.expectedSummary)
        let empty = RoundResult(mechanism: .serial, seed: "\u{1}", rows: [], slotsAvailable: 0)
        #expect(String(decoding: SummaryJSON.render(result: empty, digests: [:]), as: UTF8.self) == """
            {
              "mechanism": "serial",
              "seed": "\\u0001",
              "applicants": 0,
              "slots_available": 0,
              "offered": 0,
              "unmatched": 0,
              "ineligible": 0,
              "total_commute_min": 0,
              "inputs": {}
            }

            """)
    }

    @Test func summaryIsValidJSONThatFoundationReads() throws {
        let object = try JSONSerialization.jsonObject(with: Data(SummaryJSON.render(result: Self.result, digests: Self.digests)))
        let dictionary = try #require(object as? [String: Any])
        #expect(dictionary["seed"] as? String == Self.result.seed)
        #expect(dictionary["total_commute_min"] as? Int == 32)
    }

    @Test func resultsRoundTripThroughTheReader() {
        let bytes = ResultsCSV.render(Self.result.rows)
        let records = CSVReader.records(bytes)
        #expect(records.allSatisfy { $0.errors.isEmpty })
        #expect(records.map(\.line) == [1, 2, 3, 5, 6])
        let rows = records.map(\.fields)
        let sorted = Self.result.rows.sorted { $0.applicantID.utf8Less($1.applicantID) }
        #expect(rows.count == sorted.count + 1)
        for (row, r) in zip(rows.dropFirst(), sorted) {
            #expect(row == [r.applicantID, r.outcome.rawValue, r.slotID ?? "", r.projectID ?? "", r.commuteMin.map(String.init) ?? "", r.rent.map(String.init) ?? "", r.reason])
        }
        // Same rows, any order in: same bytes out.
        #expect(ResultsCSV.render(Self.result.rows.reversed()) == bytes)
    }

    @Test func writesBothFilesCreatingFolders() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/a/b/out"
        try OutputFolder.write(result: Self.result, digests: Self.digests, to: out)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == ["results.csv", "summary.json"])
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/results.csv"))) == Array(Self.expectedResults.utf8))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) == Array(Self.expectedSummary.utf8))
        // A second run replaces the files and leaves nothing else behind.
        let other = RoundResult(mechanism: .optimal, seed: "x", rows: [], slotsAvailable: 0)
        try OutputFolder.write(result: other, digests: [:], to: out + "/")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["results.csv", "summary.json"])
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/results.csv"))) == ResultsCSV.render([]))
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let input = try TemporaryFolder()
        try input.writeValidInput()
        let first = try InputFolder.load(input.path)
        let second = try InputFolder.load(input.path)
        #expect(first.digests == second.digests)
        let out = try TemporaryFolder()
        try OutputFolder.write(result: Self.result, digests: first.digests, to: out.path + "/one")
        try OutputFolder.write(result: Self.result, digests: second.digests, to: out.path + "/two")
        for name in ["results.csv", "summary.json"] {
            #expect(try out.read("one/" + name) == out.read("two/" + name))
        }
    }

    @Test func failureLeavesNothingCreated() throws {
        let folder = try TemporaryFolder()
        try folder.write("file", "x")
        #expect(throws: OutputError.self) { try OutputFolder.write(result: Self.result, digests: [:], to: folder.path + "/file") }
        #expect(throws: OutputError.self) { try OutputFolder.write(result: Self.result, digests: [:], to: folder.path + "/file/sub/out") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["file"])
        #expect(throws: OutputError.self) { try OutputFolder.write(result: Self.result, digests: [:], to: "") }
    }

    @Test func failureLeavesTheOldOutputsUnchanged() throws {
        let folder = try TemporaryFolder()
        // A folder where results.csv should go makes the rename fail.
        try FileManager.default.createDirectory(atPath: folder.path + "/results.csv", withIntermediateDirectories: false)
        try folder.write("results.csv/keep", "k")
        try folder.write("summary.json", "old")
        #expect(throws: OutputError.self) { try OutputFolder.write(result: Self.result, digests: [:], to: folder.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["results.csv", "summary.json"])
        #expect(try folder.read("summary.json") == Array("old".utf8))

        // The same with the second file blocked: the first must not be replaced either.
        let other = try TemporaryFolder()
        try other.write("results.csv", "old")
        try FileManager.default.createDirectory(atPath: other.path + "/summary.json", withIntermediateDirectories: false)
        #expect(throws: OutputError.self) { try OutputFolder.write(result: Self.result, digests: [:], to: other.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.path).sorted() == ["results.csv", "summary.json"])
        #expect(try other.read("results.csv") == Array("old".utf8))
    }
}
