/// The applicant id is the public reference every notice prints. An id that is, or holds,
/// a resident identity number or a mobile phone number would publish it: import warns.
public enum PublicReference {
    /// Why `id` should not be published as it is, or nil when it looks like no personal number.
    public static func personalLook(_ id: String) -> String? {
        for run in digitRuns(id) {
            if run.count == 18, isResidentIdentityNumber(run) {
                return "looks like a resident identity number (18 characters with a valid check digit)"
            }
            let digits = run.last.map { $0 > 57 } == true ? Array(run.dropLast()) : run
            if isMobileNumber(digits) { return "looks like a mobile phone number" }
        }
        return nil
    }

    /// GB 11643-1999: 17 digits and a check character (0-9 or X) such that the weighted
    /// sum, weights 2^(17-i) mod 11, picks it from "10X98765432".
    public static func isResidentIdentityNumber(_ text: [UInt8]) -> Bool {
        guard text.count == 18, text.prefix(17).allSatisfy(isDigit) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(text.prefix(17), weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
        let check = Array("10X98765432".utf8)[sum % 11]
        let last = text[17] == UInt8(ascii: "x") ? UInt8(ascii: "X") : text[17]
        return last == check
    }

    /// A mainland mobile number: 11 digits 1[3-9]…, alone or after the country code 86.
    static func isMobileNumber(_ run: [UInt8]) -> Bool {
        let number = run.count == 13 && run.starts(with: Array("86".utf8)) ? Array(run.dropFirst(2)) : run
        return number.count == 11 && number[0] == UInt8(ascii: "1") && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(number[1])
    }

    /// Maximal runs of digits, each with a trailing X or x kept (an identity number's check).
    static func digitRuns(_ id: String) -> [[UInt8]] {
        var runs: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in id.utf8 {
            if isDigit(byte) {
                current.append(byte)
            } else {
                if !current.isEmpty, byte == UInt8(ascii: "X") || byte == UInt8(ascii: "x") { current.append(byte) }
                if !current.isEmpty { runs.append(current) }
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
}
