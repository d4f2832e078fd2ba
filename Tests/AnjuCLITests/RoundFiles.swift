import CityGenerator
import Crypto
import Foundation

/// The four input files of a round as bytes, keyed by file name, so a test can spoil,
/// re-encode or drop one of them before writing the folder.
struct InputFiles {
    static let names = ["projects.csv", "slots.csv", "applicants.csv", "policy.json"]
    var files: [String: [UInt8]]

    /// A synthetic city (its seed is also the policy's lottery seed).
    static func city(applicants: Int, slots: Int, seed: String) -> InputFiles {
        let city = CityGenerator(applicants: applicants, slots: slots, seed: seed).generate()
        return InputFiles(files: Dictionary(uniqueKeysWithValues: city.files.map { ($0.name, $0.bytes) }))
    }

    subscript(name: String) -> [UInt8] {
        get { files[name] ?? [] }
        set { files[name] = newValue }
    }

    /// Writes every file into `folder`, creating it.
    func write(to folder: String) throws {
        for (name, bytes) in files { try Files.write(bytes, to: (folder as NSString).appendingPathComponent(name)) }
    }

    /// Lowercase hex SHA-256 of each file, as summary.json must publish them.
    var digests: [String: String] { files.mapValues(sha256Hex) }
}

/// Lowercase hex SHA-256, computed here with swift-crypto rather than by the code under test.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

/// A minimal RFC 4180 reader and writer, independent of the contract reader and the
/// results writer, so tests check the bytes instead of trusting either.
struct CSVDocument: Equatable {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    var header: [String]
    var rows: [[String]]

    /// Parses LF- or CRLF-terminated records, with quoted fields that may hold commas,
    /// doubled quotes and line breaks, after an optional byte-order mark.
    init(_ file: [UInt8]) throws {
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
    func column(_ name: String) throws -> [String] {
        guard let k = header.firstIndex(of: name) else { throw Malformed(description: "no column \(name)") }
        return rows.map { $0[k] }
    }

    /// Each row as a dictionary from column name to value.
    var records: [[String: String]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The same table with its columns in `order` (names not in the table become empty
    /// columns), for column-order tests.
    func reordered(_ order: [String]) -> CSVDocument {
        let indices = order.map { header.firstIndex(of: $0) }
        var table = self
        table.header = order
        table.rows = rows.map { row in indices.map { $0.map { row[$0] } ?? "" } }
        return table
    }

    /// RFC 4180 text: fields quoted when they hold a comma, quote or line break; records
    /// ended by `newline` (a quoted line break inside a field is written as it is).
    func bytes(newline: String = "\n", byteOrderMark: Bool = false) -> [UInt8] {
        func field(_ value: String) -> String {
            value.contains(where: { ",\"\r\n".contains($0) })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        let text = ([header] + rows).map { $0.map(field).joined(separator: ",") + newline }.joined()
        return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }
}

/// summary.json as the contract defines it.
struct Summary: Decodable, Equatable {
    static let keys: Set<String> = [
        "mechanism", "seed", "applicants", "slots_available", "offered", "unmatched", "ineligible",
        "total_commute_min", "inputs",
    ]

    let mechanism: String
    let seed: String
    let applicants: Int
    let slotsAvailable: Int
    let offered: Int
    let unmatched: Int
    let ineligible: Int
    let totalCommuteMin: Int
    let inputs: [String: String]

    enum CodingKeys: String, CodingKey {
        case mechanism, seed, applicants, offered, unmatched, ineligible, inputs
        case slotsAvailable = "slots_available"
        case totalCommuteMin = "total_commute_min"
    }

    /// Everything but the input digests: what two encodings of one round must share.
    var withoutInputs: Summary {
        Summary(
            mechanism: mechanism, seed: seed, applicants: applicants, slotsAvailable: slotsAvailable, offered: offered,
            unmatched: unmatched, ineligible: ineligible, totalCommuteMin: totalCommuteMin, inputs: [:])
    }

    /// Reads `folder/summary.json`.
    static func read(_ folder: String) throws -> Summary {
        let bytes = try Files.read((folder as NSString).appendingPathComponent("summary.json"))
        return try JSONDecoder().decode(Summary.self, from: Data(bytes))
    }
}
