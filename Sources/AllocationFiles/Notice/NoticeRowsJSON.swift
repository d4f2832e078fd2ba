/// The JSON download of a notice table: the same rows as the published CSV file, field for
/// field, rendered from its bytes a chunk at a time.
///
/// It is a rendering, not a published file: the manifest and the notice's SHA-256 cover the
/// CSV files (as they did before JSON downloads existed, so every notice already published
/// verifies unchanged); the JSON names the CSV file and its SHA-256 so a reader can tie the two
/// together. Every value is the CSV field's text, a JSON string — lottery numbers are 64-bit
/// and would lose digits as JSON numbers in JavaScript, and one rule for every column keeps
/// "the same data" checkable field by field:
///
///     {"format": "anju-notice-1", "notice_sha256": "…", "file": "pool.csv", "file_sha256": "…",
///      "columns": ["applicant_id", "category", "priority_points"],
///      "rows": [
///     {"applicant_id": "A1", "category": "general", "priority_points": "3"},
///     …
///     ]}
///
/// One row a line. A CSV file that does not parse (never one Anju published) ends the rows
/// early and adds an `"error"` member with the line and message.
public struct NoticeRowsJSON: Sequence, IteratorProtocol, Sendable {
    /// The JSON download's name for a table: `pool.csv` → `pool.json`.
    public static func name(forTable table: String) -> String {
        String(table.dropLast(".csv".count)) + ".json"
    }

    /// The table a JSON download renders (`pool.json` → `pool.csv`), nil for any other name
    /// (notice.json and manifest.json are published files of their own).
    public static func table(forDownload name: String) -> String? {
        let table = String(name.dropLast(".json".count)) + ".csv"
        return name.hasSuffix(".json") && NoticeKind.allTables.contains(table) ? table : nil
    }

    private var reader: NoticeCSVReader
    private var columns: [String] = []
    /// Each column's key as written before a value: `"name": `.
    private var keys: [[UInt8]] = []
    private var prefix: [UInt8]
    private var state = 0  // 0: header not written, 1: rows, 2: done
    private var rows = 0
    private let chunkSize: Int

    /// Renders `csv` (the bytes of the published `file`); chunks of about `chunkSize` bytes.
    public init(csv: [UInt8], file: String, noticeSHA256: String, chunkSize: Int = 1 << 16) {
        reader = NoticeCSVReader(csv)
        self.chunkSize = Swift.max(1, chunkSize)
        var head = "{\"format\": \(SummaryJSON.jsonString(NoticeFormat.name)), "
        head += "\"notice_sha256\": \(SummaryJSON.jsonString(noticeSHA256)), "
        head += "\"file\": \(SummaryJSON.jsonString(file)), "
        head += "\"file_sha256\": \(SummaryJSON.jsonString(InputFolder.sha256Hex(csv))),\n"
        prefix = Array(head.utf8)
    }

    /// The next chunk of the document; nil after its last.
    public mutating func next() -> [UInt8]? {
        guard state < 2 else { return nil }
        var out = prefix
        prefix = []
        out.reserveCapacity(chunkSize + 256)
        if state == 0 {
            columns = reader.next()?.fields ?? []
            out += Array(" \"columns\": [".utf8)
            for (i, c) in columns.enumerated() {
                if i > 0 { out += [44, 32] }
                out += Array(SummaryJSON.jsonString(c).utf8)
            }
            out += Array("],\n \"rows\": [\n".utf8)
            keys = columns.map { Array(SummaryJSON.jsonString($0).utf8) + [58, 32] }
            state = 1
        }
        while out.count < chunkSize {
            guard let record = reader.next() else {
                out += Array((rows > 0 ? "\n]" : "]").utf8)
                if let error = reader.error {
                    out += Array(", \"error\": \(SummaryJSON.jsonString("line \(error.line): \(error.message)"))".utf8)
                } else if columns.isEmpty {
                    out += Array(", \"error\": \"the file has no header\"".utf8)
                }
                out += Array("}\n".utf8)
                state = 2
                return out
            }
            if rows > 0 { out += [44, 10] }
            rows += 1
            out.append(123)
            // A row with more fields than the header keeps them, under their positions.
            for (i, value) in record.fields.enumerated() {
                if i > 0 { out += [44, 32] }
                out += i < keys.count ? keys[i] : Array(SummaryJSON.jsonString(String(i)).utf8) + [58, 32]
                SummaryJSON.appendJSONString(value, to: &out)
            }
            out.append(125)
        }
        return out
    }
}

extension NoticeKind {
    /// Every table any notice publishes.
    public static let allTables: Set<String> = Set(allCases.flatMap(\.tables) + ["corrections.csv"])
}
