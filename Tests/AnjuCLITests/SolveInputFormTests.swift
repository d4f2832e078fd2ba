import Foundation
import TestSupport
import Testing

/// The CSV dialect end to end: how a file is encoded or laid out must not change the round.
/// Each test writes one city twice, in a plain form and in another, and expects identical
/// results.csv bytes and identical summaries apart from the input digests.
@Suite(.timeLimit(.minutes(2)))
struct SolveInputFormTests {
    /// What a spreadsheet saves: a byte-order mark, CRLF between records, and line breaks
    /// typed inside a cell kept as LF inside quotes — here in project names that also hold
    /// Chinese text, a comma and quotes.
    @Test func spreadsheetEncodingGivesTheSameRound() async throws {
        var plain = InputFiles.city(applicants: 600, slots: 400, seed: "encodings")
        var projects = try CSVDocument(plain["projects.csv"])
        let name = try #require(projects.header.firstIndex(of: "name"))
        for k in projects.rows.indices {
            projects.rows[k][name] = "浦东新区人才公寓\n\(k + 1)号楼, \"安居\""
        }
        plain["projects.csv"] = projects.bytes()
        var spreadsheet = plain
        spreadsheet["projects.csv"] = projects.bytes(newline: "\r\n", byteOrderMark: true)
        for file in ["slots.csv", "applicants.csv"] {
            spreadsheet[file] = try CSVDocument(plain[file]).bytes(newline: "\r\n", byteOrderMark: true)
        }
        #expect(spreadsheet["projects.csv"].starts(with: [0xEF, 0xBB, 0xBF, UInt8(ascii: "p")]))
        #expect(String(decoding: spreadsheet["projects.csv"], as: UTF8.self).contains("公寓\n"))

        try await expectSameRound(plain, spreadsheet)
    }

    /// Columns in another order, and a column the contract does not name, in every CSV file.
    @Test func columnOrderAndUnknownColumnsDoNotMatter() async throws {
        let plain = InputFiles.city(applicants: 600, slots: 400, seed: "column order")
        var shuffled = plain
        for file in ["projects.csv", "slots.csv", "applicants.csv"] {
            let table = try CSVDocument(plain[file])
            var order = Array(table.header.reversed())
            order.insert("remarks", at: order.count / 2)
            var reordered = table.reordered(order)
            let remarks = order.firstIndex(of: "remarks")!
            for k in reordered.rows.indices { reordered.rows[k][remarks] = "checked by clerk \(k), \"ok\"" }
            shuffled[file] = reordered.bytes()
            #expect(try CSVDocument(shuffled[file]).header.first == table.header.last)
        }
        try await expectSameRound(plain, shuffled)
    }

    /// Solves both forms and expects the same round; each summary must still carry the
    /// digests of its own files' bytes.
    private func expectSameRound(
        _ plain: InputFiles, _ other: InputFiles, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let scratch = try ScratchFolder()
        for (form, input) in [("plain", plain), ("other", other)] {
            try input.write(to: scratch.path("in-" + form))
            let run = try await Anju.run([
                "solve", "--input", scratch.path("in-" + form), "--out", scratch.path("out-" + form), "--quiet",
            ])
            try #require(run.status == 0 && !run.crashed, "\(form): \(run)", sourceLocation: sourceLocation)
            try RoundChecks.expectContractOutput(in: scratch.path("out-" + form), for: input, sourceLocation: sourceLocation)
        }
        let results = try Files.read(scratch.path("out-plain/results.csv"))
        #expect(results == (try Files.read(scratch.path("out-other/results.csv"))), sourceLocation: sourceLocation)
        let summaries = (try Summary.read(scratch.path("out-plain")), try Summary.read(scratch.path("out-other")))
        #expect(summaries.0.withoutInputs == summaries.1.withoutInputs, sourceLocation: sourceLocation)
        #expect(summaries.0.offered > 0, sourceLocation: sourceLocation)
    }
}
