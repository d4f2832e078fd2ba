import Allocation

/// Renders `summary.json` with a fixed key order and layout, so the same round always
/// gives the same bytes (a JSON library's dictionary order would not).
public enum SummaryJSON {
    /// Keys in the order written: `mechanism`, `seed`, `applicants`, `slots_available`,
    /// `offered`, `unmatched`, `ineligible`, `total_commute_min`, `inputs` (file name to
    /// hex digest, names sorted byte-wise); two-space indentation; a final newline.
    public static func render(result: RoundResult, digests: [String: String]) -> [UInt8] {
        var s = "{\n"
        s += "  \"mechanism\": \(jsonString(result.mechanism.rawValue)),\n"
        s += "  \"seed\": \(jsonString(result.seed)),\n"
        s += "  \"applicants\": \(result.rows.count),\n"
        s += "  \"slots_available\": \(result.slotsAvailable),\n"
        s += "  \"offered\": \(result.offered),\n"
        s += "  \"unmatched\": \(result.unmatched),\n"
        s += "  \"ineligible\": \(result.ineligible),\n"
        s += "  \"total_commute_min\": \(result.exactTotalCommuteMin),\n"
        let files = digests.keys.sorted { $0.utf8Less($1) }
        if files.isEmpty {
            s += "  \"inputs\": {}\n"
        } else {
            s += "  \"inputs\": {\n"
            for (k, name) in files.enumerated() {
                s += "    \(jsonString(name)): \(jsonString(digests[name]!))\(k + 1 < files.count ? "," : "")\n"
            }
            s += "  }\n"
        }
        s += "}\n"
        return Array(s.utf8)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (Chinese included) written as UTF-8.
    public static func jsonString(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 2)
        appendJSONString(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` as a JSON string literal (as `jsonString` writes it), byte by byte,
    /// for writers that build bytes: `\n`, `\r`, `\t`, `\b` and `\f` by name, other
    /// control characters as `\u00XX`, quotes and backslashes escaped, all else as its UTF-8.
    public static func appendJSONString(_ value: String, to out: inout [UInt8]) {
        out.append(34)
        for b in value.utf8 {
            switch b {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 8: out += [92, 98]
            case 12: out += [92, 102]
            case 0..<32: out += [92, 117, 48, 48, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(34)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
