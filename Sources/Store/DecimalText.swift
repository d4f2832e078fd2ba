/// Decimal text for a coordinate in the contract's syntax: an optional `-`, digits, and an
/// optional `.` with digits — never an exponent. The digits are Swift's shortest
/// round-trip form, so parsing the text gives back exactly the same Double.
public enum DecimalText {
    public static func format(_ value: Double) -> String {
        precondition(value.isFinite, "coordinates are finite")
        if value == 0 { return "0" }
        let shortest = "\(value)"  // e.g. "31.2304", "5e-05", "1.2e+20"
        guard let e = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return shortest.hasSuffix(".0") ? String(shortest.dropLast(2)) : shortest
        }
        let exponent = Int(shortest[shortest.index(after: e)...])!
        var mantissa = String(shortest[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        let digits = intPart + fracPart
        let point = intPart.count + exponent  // position of the decimal point within digits
        var text: String
        if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            text = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let i = digits.index(digits.startIndex, offsetBy: point)
            text = String(digits[..<i]) + "." + String(digits[i...])
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return (negative ? "-" : "") + text
    }
}
