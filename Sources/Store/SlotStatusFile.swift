import Allocation
import AllocationFiles

/// The bulk slot-status file an operator uploads:
///
///     slot_id,status,expected_version
///     S-0001,maintenance,3
///     S-0002,available,
///
/// In the contract's CSV dialect (RFC 4180, UTF-8 with an optional byte-order mark, CRLF
/// or LF, columns in any order, unknown columns ignored, empty lines skipped).
/// `expected_version` is optional, as a column and per row. Problems are reported as the
/// contract's `FILE:LINE: COLUMN: message`, LINE being where the record starts.
public enum SlotStatusFile {
    /// One requested change, with the line it came from.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var slotID: String
        public var status: Slot.Status
        public var expectedVersion: Int64?

        /// A row as written on `line` of the file.
        public init(line: Int, slotID: String, status: Slot.Status, expectedVersion: Int64?) {
            self.line = line
            self.slotID = slotID
            self.status = status
            self.expectedVersion = expectedVersion
        }
    }

    /// The statuses an operator may set.
    static let settable: [Slot.Status] = [.available, .maintenance, .occupied]

    /// Parses `bytes`; every problem in the file is listed (rows with problems are left
    /// out). Duplicate slot ids are reported at each later occurrence. Unknown slot ids
    /// need the database: `Store.setSlotStatuses` checks those.
    public static func parse(_ bytes: [UInt8], fileName: String) -> (rows: [Row], diagnostics: [Diagnostic]) {
        var reader = Reader(file: fileName)
        let rows = reader.read(bytes)
        return (rows, reader.diagnostics)
    }

    /// One pass over a file: the rows read so far and every problem found.
    private struct Reader {
        let file: String
        var diagnostics: [Diagnostic] = []
        /// The line of each slot id's first row, for duplicates.
        var firstLine: [String: Int] = [:]

        init(file: String) { self.file = file }

        /// Field positions of the columns this file uses.
        struct Columns {
            var count: Int
            var slotID: Int
            var status: Int
            var expectedVersion: Int?
        }

        mutating func problem(_ line: Int, _ column: String, _ message: String) {
            diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message))
        }

        mutating func read(_ bytes: [UInt8]) -> [Row] {
            guard String(validating: bytes, as: UTF8.self) != nil else {
                problem(1, "-", "the file is not valid UTF-8; save it as UTF-8 (CSV UTF-8 in spreadsheets)")
                return []
            }
            let records = Records.parse(bytes)
            guard let header = records.first else {
                problem(1, "-", "the file is empty; expected a header row slot_id,status[,expected_version]")
                return []
            }
            guard let columns = columns(of: header) else { return [] }
            return records.dropFirst().compactMap { row($0, columns) }
        }

        /// Maps the header's names to positions; nil (with problems) when it is unusable.
        mutating func columns(of header: Records.Record) -> Columns? {
            if let error = header.error { problem(header.line, "-", "header: " + error) }
            var position: [String: Int] = [:]
            for (k, name) in header.fields.enumerated() where !name.isEmpty {
                if let first = position[name] {
                    problem(header.line, name, "column \"\(name)\" appears twice in the header (columns \(first + 1) and \(k + 1)); keep only one")
                } else {
                    position[name] = k
                }
            }
            for required in ["slot_id", "status"] where position[required] == nil {
                problem(header.line, required, "the header has no column \"\(required)\"; it is required")
            }
            guard diagnostics.isEmpty, let slotID = position["slot_id"], let status = position["status"] else { return nil }
            return Columns(count: header.fields.count, slotID: slotID, status: status, expectedVersion: position["expected_version"])
        }

        /// The record as a row, or nil after reporting every problem in it.
        mutating func row(_ record: Records.Record, _ columns: Columns) -> Row? {
            let line = record.line
            if let error = record.error {
                problem(line, "-", error)
                return nil
            }
            guard record.fields.count == columns.count else {
                problem(line, "-", "the record has \(record.fields.count) fields but the header has \(columns.count) columns")
                return nil
            }
            let slotID = slotID(record.fields[columns.slotID], line: line)
            let status = status(record.fields[columns.status], line: line)
            let version = columns.expectedVersion.map { expectedVersion(record.fields[$0], line: line) } ?? .some(nil)
            guard let slotID, let status, let version else { return nil }
            return Row(line: line, slotID: slotID, status: status, expectedVersion: version)
        }

        mutating func slotID(_ text: String, line: Int) -> String? {
            if text.isEmpty {
                problem(line, "slot_id", "missing value; expected a slot id")
            } else if !ContractRules.isIdentifier(text) {
                problem(line, "slot_id", "\(quoted(text)) is not a valid id; expected 1 to 64 characters from A-Z a-z 0-9 _ - .")
            } else if let first = firstLine[text] {
                problem(line, "slot_id", "slot \(text) appears again (first at line \(first)); give each slot once")
            } else {
                firstLine[text] = line
                return text
            }
            return nil
        }

        mutating func status(_ text: String, line: Int) -> Slot.Status? {
            let choices = settable.map(\.rawValue).joined(separator: ", ")
            let status = Slot.Status(rawValue: text)
            if text.isEmpty {
                problem(line, "status", "missing value; expected one of \(choices)")
            } else if status == .offered {
                problem(line, "status", "offered cannot be set by hand; only a round makes offers (expected one of \(choices))")
            } else if status == nil {
                problem(line, "status", "\(quoted(text)) is not one of \(choices)")
            } else {
                return status
            }
            return nil
        }

        /// `.some(nil)` for an empty cell (no check), nil after reporting a bad one.
        mutating func expectedVersion(_ text: String, line: Int) -> Int64?? {
            if text.isEmpty { return .some(nil) }
            if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text), value >= 1 { return value }
            problem(line, "expected_version", "\(quoted(text)) is not a version; expected a whole number of at least 1")
            return nil
        }
    }

    /// A value for a message: in double quotes, escapes for quotes and control characters,
    /// shortened past 80 characters so one bad cell cannot flood the terminal.
    static func quoted(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars.prefix(80) {
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }
        return "\"" + out + (value.unicodeScalars.count > 80 ? "…" : "") + "\""
    }
}

extension SlotStatusFile {
    /// A small RFC 4180 reader for the slot-status file (the contract's reader in
    /// AllocationFiles is internal to its table parsers): commas, double quotes with doubled
    /// quotes inside, CRLF or LF, quoted fields spanning lines, an optional byte-order mark.
    /// It keeps the physical line each record starts on and skips entirely empty lines. A
    /// record with a quoting mistake carries its first mistake and is not used; reading goes on
    /// with the next record.
    enum Records {
        struct Record {
            var line: Int
            var fields: [String]
            /// The first quoting mistake in the record, if any.
            var error: String?
        }

        private static let quote = UInt8(ascii: "\"")
        private static let comma = UInt8(ascii: ",")
        private static let lf = UInt8(ascii: "\n")
        private static let cr = UInt8(ascii: "\r")

        static func parse(_ bytes: [UInt8]) -> [Record] {
            let n = bytes.count
            var i = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            var line = 1
            var records: [Record] = []
            func atLineEnd(_ i: Int) -> Bool { bytes[i] == lf || (bytes[i] == cr && i + 1 < n && bytes[i + 1] == lf) }

            while i < n {
                if atLineEnd(i) {  // an entirely empty line
                    i += bytes[i] == cr ? 2 : 1
                    line += 1
                    continue
                }
                var record = Record(line: line, fields: [], error: nil)
                var field: [UInt8] = []
                fieldLoop: while true {
                    if i < n && bytes[i] == quote {
                        let openedAt = line
                        i += 1
                        while true {
                            guard i < n else {
                                record.error = record.error ?? "a quoted field opened on line \(openedAt) is never closed; close it with a double quote"
                                break fieldLoop
                            }
                            if bytes[i] == quote {
                                if i + 1 < n && bytes[i + 1] == quote {
                                    field.append(quote)
                                    i += 2
                                    continue
                                }
                                i += 1
                                break
                            }
                            if bytes[i] == lf { line += 1 }
                            field.append(bytes[i])
                            i += 1
                        }
                        if i < n && bytes[i] != comma && !atLineEnd(i) {
                            record.error = record.error ?? "text after a closing double quote in field \(record.fields.count + 1); quote the whole value"
                        }
                    }
                    while i < n && bytes[i] != comma && !atLineEnd(i) {
                        if bytes[i] == quote && record.error == nil {
                            record.error = "a double quote inside an unquoted field \(record.fields.count + 1); quote the whole value and double the quote"
                        }
                        field.append(bytes[i])
                        i += 1
                    }
                    record.fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    if i < n && bytes[i] == comma {
                        i += 1
                        continue
                    }
                    break
                }
                if i < n {  // at a line end
                    i += bytes[i] == cr ? 2 : 1
                    line += 1
                }
                records.append(record)
            }
            return records
        }
    }
}
