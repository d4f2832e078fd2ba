import Allocation
import Testing

@testable import AllocationFiles

/// applicants.csv is read in two parts on two cores once it is large. The cut must fall on
/// a record boundary with the right line number, and what the two parts yield must be what
/// reading the file whole yields; any file with a problem is read whole.
@Suite struct TwoPartReadingTests {
    /// Every record as the tokenizer sees it: line, fields and quoting mistakes.
    private static func records(_ tokenizer: inout CSVTokenizer) -> [String] {
        var record = CSVRecord()
        var out: [String] = []
        while tokenizer.next(into: &record) {
            let fields = record.fields.map { String(decoding: tokenizer.bytes(of: $0), as: UTF8.self) }
            out.append("\(record.line)|\(fields)|\(record.errors.map(\.message))")
        }
        return out
    }

    @Test("a cut falls on a record boundary: the two parts tokenize as the whole does")
    func cutTokenizesAsWhole() {
        let pieces = ["a", "bc", ",", "\n", "\r\n", "\r", "\"", "é", "\n\n", "\u{FEFF}", ",\"x\"", ""]
        var rng = SplitMix(seed: 0x2A17)
        var cuts = 0
        for _ in 0..<4_000 {
            var text = Bool.random(using: &rng) ? "" : "\u{FEFF}"
            // Quotes are rarer in the first part, so that many cases have a cut.
            let length = Int.random(in: 0...60, using: &rng)
            for i in 0..<length {
                let piece = pieces.randomElement(using: &rng)!
                text += i < length / 2 && piece.contains("\"") && !Bool.random(using: &rng) ? "a" : piece
            }
            let bytes = Array(text.utf8)
            let whole = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            defer { whole.deallocate() }
            _ = whole.initialize(from: bytes)
            var wholeTokenizer = CSVTokenizer(buffer: whole)
            let expected = Self.records(&wholeTokenizer)
            guard let (cut, line) = CSVReader.splitPoint(bytes) else {
                // No cut only where there is no line feed past the middle or a quote before it.
                let middle = bytes.count / 2
                if let lf = bytes[middle...].firstIndex(of: 0x0A), lf + 1 < bytes.count {
                    #expect(bytes[...lf].contains(UInt8(ascii: "\"")), "no cut in \(text.debugDescription)")
                }
                continue
            }
            cuts += 1
            #expect(cut > 0 && cut < bytes.count && bytes[cut - 1] == 0x0A && !bytes[..<cut].contains(UInt8(ascii: "\"")))
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            defer { copy.deallocate() }
            _ = copy.initialize(from: bytes)
            var head = CSVTokenizer(buffer: UnsafeMutableBufferPointer(rebasing: copy[..<cut]))
            var tail = CSVTokenizer(continuing: UnsafeMutableBufferPointer(rebasing: copy[cut...]), line: line)
            let got = Self.records(&head) + Self.records(&tail)
            #expect(got == expected, "cut at \(cut) of \(text.debugDescription)")
        }
        #expect(cuts > 500)
    }

    /// A random applicants.csv of `count` rows, some spoilt as `spoil` says.
    private static func file(count: Int, spoil: Int, rng: inout SplitMix) -> (bytes: [UInt8], clean: Bool) {
        let header = Fixtures.applicantsHeader.joined(separator: ",")
        var lines = [header]
        var clean = true
        for i in 0..<count {
            var cells = Fixtures.applicantRow
            cells[0] = "A\(i)"
            cells[2] = String(Int.random(in: 1...6, using: &rng))
            cells[5] = String(Int.random(in: 0...40_000, using: &rng))
            cells[6] = String(Double(Int.random(in: 30_900_000...31_500_000, using: &rng)) / 1e6)
            cells[9] = Bool.random(using: &rng) ? "" : String(Int.random(in: 1...120, using: &rng))
            cells[13] = Bool.random(using: &rng) ? "" : "E\(Int.random(in: 1...9, using: &rng))"
            lines.append(cells.joined(separator: ","))
        }
        func randomRow() -> Int { Int.random(in: 1...count, using: &rng) }
        switch spoil {
        case 1:  // an id repeated, anywhere (often across the cut)
            let (a, b) = (randomRow(), randomRow())
            if a != b {
                lines[b] = lines[b].replacingOccurrences(of: "A\(b - 1),", with: "A\(a - 1),")
                clean = false
            }
        case 2:  // a bad value
            lines[randomRow()] += "x"
            clean = false
        case 3:  // a quoted (valid) district somewhere: no cut before it
            let r = randomRow()
            lines[r] = lines[r].replacingOccurrences(of: ",Pudong,", with: ",\"Pu, dong\",")
        case 4:  // empty lines and CRLF line ends
            for _ in 0..<3 { lines.insert("", at: randomRow()) }
            lines = lines.map { Bool.random(using: &rng) ? $0 + "\r" : $0 }
        case 5:  // a quoted field never closed
            lines[randomRow()] += ",\"open"
            clean = false
        default:
            break
        }
        return (Array((lines.joined(separator: "\n") + "\n").utf8), clean)
    }

    @Test("applicants read in two parts are those read whole; a file with a problem is read whole")
    func applicantsAsWhole() {
        var rng = SplitMix(seed: 0xA11C)
        var inTwo = 0
        for round in 0..<300 {
            let (bytes, clean) = Self.file(count: Int.random(in: 1...200, using: &rng), spoil: round % 6, rng: &rng)
            let whole = ApplicantsFile.parseWhole(bytes, fileName: "applicants.csv")
            #expect(whole.diagnostics.isEmpty == clean, "case \(round)")
            guard let two = ApplicantsFile.parseInTwo(bytes, fileName: "applicants.csv", minimumSize: 0) else {
                // Read whole only when needed: a problem, a quote before the cut, or no cut.
                #expect(!clean || round % 6 == 3 || CSVReader.splitPoint(bytes) == nil, "case \(round)")
                continue
            }
            inTwo += 1
            #expect(clean, "case \(round): read in two despite \(whole.diagnostics.first?.description ?? "")")
            #expect(two.rows == whole.rows && two.idLines == whole.idLines && two.diagnostics == whole.diagnostics)
        }
        #expect(inTwo > 100)
    }

    @Test("a large file takes the two-part path, and a repeat across its parts is reported as when read whole")
    func largeFile() {
        var rng = SplitMix(seed: 7)
        let (bytes, _) = Self.file(count: 12_000, spoil: 0, rng: &rng)
        #expect(bytes.count >= ApplicantsFile.twoPartSize)
        let parsed = ApplicantsFile.parse(bytes)
        #expect(ApplicantsFile.parseInTwo(bytes, fileName: "applicants.csv") != nil)
        #expect(parsed.rows.count == 12_000 && parsed.diagnostics.isEmpty && parsed.idLines?["A11999"] == 12_001)
        #expect(parsed.rows == ApplicantsFile.parseWhole(bytes, fileName: "applicants.csv").rows)

        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\nA11000,", with: "\nA10,")
        let repeated = ApplicantsFile.parse(Array(text.utf8))
        #expect(repeated.diagnostics.map(\.description) == ["applicants.csv:11002: applicant_id: duplicate id \"A10\" (first on line 12)"])
    }
}
