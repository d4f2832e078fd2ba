/// Numbers as the report prints them: computed with integers only and formatted by hand,
/// so the bytes never depend on the locale, the platform or floating-point printing.
enum NumberText {
    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        out.reserveCapacity(digits.utf8.count + digits.utf8.count / 3 + 1)
        let count = digits.utf8.count
        for (i, ch) in digits.enumerated() {
            if i > 0 && (count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// `3 projects`, `1 project`: a grouped count and its noun (plural with `s`).
    static func counted(_ value: Int, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// `part / whole` in tenths of a percent, rounded half up; `nil` when `whole` is not
    /// positive (an empty round has no fill rate rather than a division by zero).
    static func perMille(_ part: Int, of whole: Int) -> Int? {
        guard whole > 0 else { return nil }
        return (part * 1000 + whole / 2) / whole
    }

    /// Tenths as a decimal: `734` → `73.4`, `-5` → `-0.5`.
    static func tenths(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        return "\(sign)\(value.magnitude / 10).\(value.magnitude % 10)"
    }

    /// `part / whole` as `73.4%`, or `—` when there is no whole.
    static func percent(_ part: Int, of whole: Int) -> String {
        perMille(part, of: whole).map { tenths($0) + "%" } ?? dash
    }

    /// `sum / count` rounded half up, or `nil` for no values.
    static func roundedMean(_ sum: Int, count: Int) -> Int? {
        guard count > 0 else { return nil }
        return sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count)
    }

    /// Nearest-rank percentile of sorted values (as `anju solve`'s summary prints it), or
    /// `nil` for none.
    static func percentile(_ sorted: [Int], _ p: Int) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, (p * sorted.count + 99) / 100)
        return sorted[min(sorted.count, rank) - 1]
    }

    /// Shown where a figure does not exist (no offers, no slots).
    static let dash = "—"
}
