/// A minimal RFC 4180 reader and writer, independent of the contract reader and the
/// results writer, so tests check the bytes instead of trusting either (the CLI tests and
/// the generator tests both read CSV with it).
public struct CSVDocument: Equatable, Sendable {
    /// Text that is not RFC 4180: the test fails with where and why.
    public struct Malformed: Error, CustomStringConvertible {
        /// What is wrong, and where (a byte offset or a record number).
        public let description: String
    }

    /// The first record: column names.
    public var header: [String]
    /// Every other record, each as long as the header.
    public var rows: [[String]]

    /// Parses LF- or CRLF-terminated records, with quoted fields that may hold commas,
    /// doubled quotes and line breaks, after an optional byte-order mark.
    public init(_ file: [UInt8]) throws {
        let bytes = file.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(file.dropFirst(3)) : file
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field = []
        }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") {
                guard field.isEmpty else { throw Malformed(description: "quote inside an unquoted field at byte \(i)") }
                quoted = true
            } else if c == UInt8(ascii: ",") {
                endField()
            } else if c == UInt8(ascii: "\n") || (c == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == 10) {
                if c == UInt8(ascii: "\r") { i += 1 }
                endField()
                records.append(record)
                record = []
            } else {
                field.append(c)
            }
            i += 1
        }
        guard !quoted else { throw Malformed(description: "unterminated quoted field") }
        guard record.isEmpty && field.isEmpty else { throw Malformed(description: "last record not terminated") }
        guard let header = records.first else { throw Malformed(description: "no header") }
        for (k, r) in records.enumerated() where r.count != header.count {
            throw Malformed(description: "record \(k + 1) has \(r.count) fields, the header \(header.count)")
        }
        self.header = header
        self.rows = Array(records.dropFirst())
    }

    /// Every value of one column, in row order.
    public func column(_ name: String) throws -> [String] {
        guard let k = header.firstIndex(of: name) else { throw Malformed(description: "no column \(name)") }
        return rows.map { $0[k] }
    }

    /// Each row as a dictionary from column name to value.
    public var records: [[String: String]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The same table with its columns in `order` (names not in the table become empty
    /// columns), for column-order tests.
    public func reordered(_ order: [String]) -> CSVDocument {
        let indices = order.map { header.firstIndex(of: $0) }
        var table = self
        table.header = order
        table.rows = rows.map { row in indices.map { $0.map { row[$0] } ?? "" } }
        return table
    }

    /// RFC 4180 text: fields quoted when they hold a comma, quote or line break; records
    /// ended by `newline` (a quoted line break inside a field is written as it is).
    public func bytes(newline: String = "\n", byteOrderMark: Bool = false) -> [UInt8] {
        func field(_ value: String) -> String {
            value.contains(where: { ",\"\r\n".contains($0) })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        let text = ([header] + rows).map { $0.map(field).joined(separator: ",") + newline }.joined()
        return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }
}
