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
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
