import AllocationFiles
import Foundation
import Testing

/// The JSON downloads of notice tables: the rows the CSV file holds, field for field, however
/// the fields are quoted and however the document is cut into chunks.
@Suite("Notice rows as JSON")
struct NoticeRowsJSONTests {
    /// A small deterministic generator (SplitMix64), so a failure names its case.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A field that needs every kind of care: commas, quotes, line feeds, backslashes, tabs,
    /// Chinese text, JSON's own syntax, or nothing at all.
    static func field(_ rng: inout Random) -> String {
        let pieces = ["a", "Z9", ",", "\"", "\n", "\\", "\t", "人民广场", "{\"x\": [1]}", " ", "0", "18446744073709551615", "é", "\u{1F3E0}",
                      "\r", "\u{1}", "\u{1F}", "\u{7F}", "\u{8}", "\u{C}", "/", "\u{2028}"]
        return (0..<rng.below(5)).map { _ in pieces[rng.below(pieces.count)] }.joined()
    }

    /// RFC 4180 as the test writes it, independently of the notice writer: quote a field that
    /// holds a comma, quote or line feed, doubling quotes.
    static func csv(_ records: [[String]]) -> [UInt8] {
        let text = records.map { record in
            record.map { f in
                f.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
            }.joined(separator: ",") + "\n"
        }.joined()
        return Array(text.utf8)
    }

    static func parse(_ chunks: [[UInt8]]) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(chunks.joined())) as! [String: Any]
    }

    @Test("500 random tables: columns and every row field for field, the same document at every chunk size")
    func randomTables() throws {
        var rng = Random(state: 12)
        for n in 0..<500 {
            let width = 1 + rng.below(6)
            let header = (0..<width).map { "c\($0)_" + (n % 7 == 0 ? Self.field(&rng) : "") }
            let rows = (0..<rng.below(40)).map { _ in (0..<width).map { _ in Self.field(&rng) } }
            let bytes = Self.csv([header] + rows)
            let whole = Array(NoticeRowsJSON(csv: bytes, file: "pool.csv", noticeSHA256: "ab", chunkSize: 1 << 20))
            #expect(whole.count == 1, "case \(n): one chunk when it all fits")
            let small = Array(NoticeRowsJSON(csv: bytes, file: "pool.csv", noticeSHA256: "ab", chunkSize: 1 + rng.below(200)))
            #expect(Array(small.joined()) == Array(whole.joined()), "case \(n): chunking changed the document")
            let doc = try Self.parse(small)
            #expect(doc["format"] as? String == "anju-notice-1" && doc["file"] as? String == "pool.csv" && doc["notice_sha256"] as? String == "ab")
            #expect(doc["file_sha256"] as? String == InputFolder.sha256Hex(bytes), "case \(n)")
            #expect(doc["error"] == nil, "case \(n)")
            #expect(doc["columns"] as? [String] == header, "case \(n)")
            let got = doc["rows"] as? [[String: String]] ?? []
            #expect(got.count == rows.count, "case \(n)")
            for (i, row) in rows.enumerated() where i < got.count {
                #expect(got[i] == Dictionary(uniqueKeysWithValues: zip(header, row)), "case \(n) row \(i)")
            }
        }
    }

    @Test("a published-looking 200,000-row table is rendered in bounded chunks, never one document")
    func largeTableStreams() throws {
        var text = NoticeFormat.resultsHeader + "\n"
        for i in 0..<200_000 { text += "ap-\(i),general,\(i % 5),\(UInt64(i) &* 0x9E37_79B9_7F4A_7C15),unmatched,\n" }
        let bytes = Array(text.utf8)
        var rows = NoticeRowsJSON(csv: bytes, file: "results.csv", noticeSHA256: "cd")
        var count = 0
        var largest = 0
        var all: [UInt8] = []
        while let chunk = rows.next() {
            count += 1
            largest = max(largest, chunk.count)
            all += chunk
        }
        #expect(count > 100 && largest < (1 << 16) + 1024, "\(count) chunks, the largest \(largest) bytes")
        let doc = try JSONSerialization.jsonObject(with: Data(all)) as! [String: Any]
        let got = doc["rows"] as! [[String: String]]
        #expect(got.count == 200_000)
        #expect(got[199_999]["applicant_id"] == "ap-199999" && got[7]["lottery_number"] == String(UInt64(7) &* 0x9E37_79B9_7F4A_7C15))
    }

    @Test("edges: header only, an empty file, and a file that does not parse ends its rows with the error")
    func edges() throws {
        let empty = try Self.parse(Array(NoticeRowsJSON(csv: Array("applicant_id\n".utf8), file: "pool.csv", noticeSHA256: "")))
        #expect(empty["columns"] as? [String] == ["applicant_id"] && (empty["rows"] as? [Any])?.isEmpty == true && empty["error"] == nil)
        let nothing = try Self.parse(Array(NoticeRowsJSON(csv: [], file: "pool.csv", noticeSHA256: "")))
        #expect(nothing["error"] as? String == "the file has no header")
        let broken = try Self.parse(Array(NoticeRowsJSON(csv: Array("a,b\n1,2\n3,\"x\"y\n".utf8), file: "pool.csv", noticeSHA256: "")))
        #expect((broken["rows"] as? [[String: String]]) == [["a": "1", "b": "2"]])
        #expect(broken["error"] as? String == "line 3: text after a closing quote")
        let unended = try Self.parse(Array(NoticeRowsJSON(csv: Array("a\n1".utf8), file: "pool.csv", noticeSHA256: "")))
        #expect(unended["error"] as? String == "line 2: the last line does not end with a line feed")
    }

    @Test("download names: each table's .json, and nothing else")
    func names() {
        #expect(NoticeRowsJSON.name(forTable: "pool.csv") == "pool.json")
        for table in ["pool.csv", "places.csv", "results.csv", "offers.csv"] {
            #expect(NoticeRowsJSON.table(forDownload: NoticeRowsJSON.name(forTable: table)) == table)
        }
        for other in ["notice.json", "manifest.json", "pool.csv", "x.json", ".json", "json", "", "pool.json.json"] {
            #expect(NoticeRowsJSON.table(forDownload: other) == nil, "\(other)")
        }
    }
}
