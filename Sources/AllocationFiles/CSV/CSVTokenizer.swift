/// Where one field's bytes are in the file's buffer. A quoted field is unescaped in
/// place (doubled quotes collapsed), so every field is a plain range: 200,000-row files
/// parse without one allocation or reference count per field.
struct CSVField {
    var start: Int
    var end: Int
}

/// One record as the tokenizer found it, with the physical line it starts on and the
/// quoting mistakes in it (by field index), which the reader turns into diagnostics.
struct CSVRecord {
    var line = 0
    var fields: [CSVField] = []
    var errors: [(field: Int, message: String)] = []
}

/// RFC 4180 over bytes: commas, double quotes, CRLF or LF, quoted fields spanning lines.
/// It counts physical lines itself (the contract locates problems by them) and skips
/// entirely empty lines. After a quoting mistake it resynchronises at the next comma or
/// line end, so later records are still checked.
///
/// It works on a private, mutable copy of the file, which it rewrites while unescaping.
struct CSVTokenizer {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    let buffer: UnsafeMutableBufferPointer<UInt8>
    private var pos: Int
    private var line = 1
    /// Set when a quoted field ran to the end of the file: the records after the opening
    /// quote were swallowed, so the file's contents are known to be incomplete.
    private(set) var hitUnterminatedQuote = false

    init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
        let bom = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
        pos = bom ? 3 : 0
    }

    /// A tokenizer over the rest of a file cut at a record boundary, `buffer` starting
    /// there on physical line `line` (no byte-order mark is looked for).
    init(continuing buffer: UnsafeMutableBufferPointer<UInt8>, line: Int) {
        self.buffer = buffer
        self.line = line
        pos = 0
    }

    /// The bytes of a field of the last record read.
    @inline(__always)
    func bytes(of field: CSVField) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[field.start..<field.end])
    }

    /// Reads the next non-empty record into `record`, reusing its buffers; false at the end.
    mutating func next(into record: inout CSVRecord) -> Bool {
        let n = buffer.count
        // Skip entirely empty lines.
        while pos < n {
            if buffer[pos] == Self.lf {
                line += 1
                pos += 1
            } else if buffer[pos] == Self.cr && pos + 1 < n && buffer[pos + 1] == Self.lf {
                line += 1
                pos += 2
            } else {
                break
            }
        }
        guard pos < n else { return false }
        record.line = line
        record.fields.removeAll(keepingCapacity: true)
        record.errors.removeAll(keepingCapacity: true)
        while true {
            let fieldIndex = record.fields.count
            if pos < n && buffer[pos] == Self.quote {
                readQuoted(fieldIndex: fieldIndex, into: &record)
            } else {
                readUnquoted(fieldIndex: fieldIndex, into: &record)
            }
            // pos is at a comma, at a line end (LF, or CR before LF), or at the end.
            if pos >= n { return true }
            let b = buffer[pos]
            if b == Self.comma {
                pos += 1
                continue
            }
            pos += b == Self.cr ? 2 : 1
            line += 1
            return true
        }
    }

    private mutating func readUnquoted(fieldIndex: Int, into record: inout CSVRecord) {
        let n = buffer.count
        let start = pos
        while pos < n {
            let b = buffer[pos]
            // One comparison skips the common bytes: all four specials are below 0x2D.
            if b > Self.comma { pos += 1; continue }
            if b == Self.comma || b == Self.lf { break }
            if b == Self.cr {
                if pos + 1 < n && buffer[pos + 1] == Self.lf { break }
                if !record.errors.contains(where: { $0.field == fieldIndex }) {
                    record.errors.append((fieldIndex, "a carriage return (CR) not followed by a line feed; lines must end with LF or CRLF, and a field holding a line break must be quoted"))
                }
            } else if b == Self.quote && !record.errors.contains(where: { $0.field == fieldIndex }) {
                record.errors.append((fieldIndex, "a double quote inside an unquoted field; quote the whole field and double each quote inside it (\"\")"))
            }
            pos += 1
        }
        record.fields.append(CSVField(start: start, end: pos))
    }

    private mutating func readQuoted(fieldIndex: Int, into record: inout CSVRecord) {
        let n = buffer.count
        let openLine = line
        pos += 1
        let start = pos
        var write = start  // where the unescaped content continues; behind `pos` after a doubled quote
        while true {
            let segment = pos
            while pos < n && buffer[pos] != Self.quote {
                if buffer[pos] == Self.lf { line += 1 }
                pos += 1
            }
            if write != segment {
                for k in segment..<pos { buffer[write + k - segment] = buffer[k] }
            }
            write += pos - segment
            if pos >= n {
                hitUnterminatedQuote = true
                record.errors.append((fieldIndex, "a quoted field opened on line \(openLine) is never closed; add the closing double quote"))
                record.fields.append(CSVField(start: start, end: write))
                return
            }
            if pos + 1 < n && buffer[pos + 1] == Self.quote {
                buffer[write] = Self.quote
                write += 1
                pos += 2
                continue
            }
            break
        }
        record.fields.append(CSVField(start: start, end: write))
        pos += 1  // the closing quote
        // Only a comma or a line end may follow the closing quote.
        guard pos < n, !endsField(at: pos) else { return }
        record.errors.append((fieldIndex, "characters after the closing quote of a quoted field; a quoted field must be followed by a comma or the end of the line"))
        while pos < n && !endsField(at: pos) { pos += 1 }
    }

    @inline(__always)
    private func endsField(at i: Int) -> Bool {
        let b = buffer[i]
        return b == Self.comma || b == Self.lf || (b == Self.cr && i + 1 < buffer.count && buffer[i + 1] == Self.lf)
    }
}
