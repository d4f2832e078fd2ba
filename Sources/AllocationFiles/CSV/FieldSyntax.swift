import Allocation

/// The contract's lexical rules for single values, over raw bytes: the CSV reader and the
/// policy reader share them, so `12` means the same in both files.
enum FieldSyntax {
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }

    enum IntegerResult: Equatable {
        case value(Int)
        case malformed
        case outOfRange
    }

    /// `-?[0-9]+` within 64 bits.
    static func integer<C: Collection<UInt8>>(_ bytes: C) -> IntegerResult {
        var i = bytes.startIndex
        guard i != bytes.endIndex else { return .malformed }
        let negative = bytes[i] == minus
        if negative { bytes.formIndex(after: &i) }
        guard i != bytes.endIndex else { return .malformed }
        var value = 0
        var overflow = false
        while i != bytes.endIndex {
            let b = bytes[i]
            guard isDigit(b) else { return .malformed }
            let digit = Int(b &- zero)
            if !overflow {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                // Accumulate negatively so Int.min is reachable.
                let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
                if o1 || o2 { overflow = true } else { value = s }
            }
            bytes.formIndex(after: &i)
        }
        return overflow ? .outOfRange : .value(value)
    }

    /// Exact powers of ten a Double holds: dividing an exact mantissa by one of them is a
    /// single correctly rounded operation (Clinger's fast path).
    private static let exactPowersOfTen: [Double] = (0...22).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// `-?[0-9]+(\.[0-9]+)?`, converted with correct rounding (the same Double any
    /// correct reader gets, which commute minutes depend on).
    static func decimal<C: Collection<UInt8>>(_ bytes: C) -> Double? {
        var i = bytes.startIndex
        guard i != bytes.endIndex else { return nil }
        let negative = bytes[i] == minus
        if negative { bytes.formIndex(after: &i) }
        var mantissa: UInt64 = 0
        var significant = 0
        var intDigits = 0
        var fracDigits = 0
        var seenDot = false
        while i != bytes.endIndex {
            let b = bytes[i]
            if isDigit(b) {
                if seenDot { fracDigits += 1 } else { intDigits += 1 }
                if mantissa != 0 || b != zero { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(b &- zero) }
            } else if b == dot && !seenDot && intDigits > 0 {
                seenDot = true
            } else {
                return nil
            }
            bytes.formIndex(after: &i)
        }
        guard intDigits > 0, !seenDot || fracDigits > 0 else { return nil }
        if significant <= 15 && fracDigits <= 22 {
            let v = Double(mantissa) / exactPowersOfTen[fracDigits]
            return negative ? -v : v
        }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// `true`/`false`/`1`/`0` in any letter case.
    static func boolean<C: Collection<UInt8>>(_ bytes: C) -> Bool? {
        if bytes.count == 1 {
            switch bytes.first! {
            case UInt8(ascii: "1"): return true
            case UInt8(ascii: "0"): return false
            default: return nil
            }
        }
        func equalsIgnoringCase(_ word: StaticString) -> Bool {
            guard bytes.count == word.utf8CodeUnitCount else { return false }
            var p = word.utf8Start
            for b in bytes {
                guard b | 0x20 == p.pointee else { return false }
                p += 1
            }
            return true
        }
        if equalsIgnoringCase("true") { return true }
        if equalsIgnoringCase("false") { return false }
        return nil
    }

    /// Exactly `YYYY-MM-DD`, a real date (as `CivilDate(iso:)`, without making a String).
    static func date(_ u: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard u.count == 10, u[4] == minus, u[7] == minus, let y = digits(u, 0, 4), let m = digits(u, 5, 2),
            let d = digits(u, 8, 2)
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    @inline(__always)
    private static func digits(_ u: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        guard at + count <= u.count else { return nil }
        var v = 0
        for i in at..<at + count {
            guard isDigit(u[i]) else { return nil }
            v = v * 10 + Int(u[i] &- zero)
        }
        return v
    }

    /// A plain `YYYY-MM-DD` date, or an RFC 3339 date-time: `T` (or `t`), `hh:mm:ss`,
    /// optional fraction, then `Z` (or `z`) or `±hh:mm`. Every part is range-checked; a
    /// leap second (`:60`) is accepted only at minute 59, where RFC 3339 allows it.
    static func isTimestamp(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count >= 10, date(UnsafeBufferPointer(rebasing: u[0..<10])) != nil else { return false }
        if u.count == 10 { return true }
        let colon = UInt8(ascii: ":")
        guard u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t"), u.count >= 19,
            let hour = digits(u, 11, 2), hour <= 23, u[13] == colon,
            let minute = digits(u, 14, 2), minute <= 59, u[16] == colon,
            let second = digits(u, 17, 2), second <= 59 || (second == 60 && minute == 59)
        else { return false }
        var i = 19
        if i < u.count && u[i] == dot {
            i += 1
            let start = i
            while i < u.count && isDigit(u[i]) { i += 1 }
            guard i > start else { return false }
        }
        guard i < u.count else { return false }
        switch u[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return i + 1 == u.count
        case UInt8(ascii: "+"), minus:
            guard u.count == i + 6, let oh = digits(u, i + 1, 2), oh <= 23, u[i + 3] == colon,
                let om = digits(u, i + 4, 2), om <= 59
            else { return false }
            return true
        default:
            return false
        }
    }

    /// "UTF-16" when the bytes start with a UTF-16 byte-order mark (what some spreadsheets
    /// save as "Unicode text"), so the clerk gets one clear message instead of one
    /// invalid-UTF-8 complaint per line.
    static func utf16Encoding(_ bytes: [UInt8]) -> String? {
        bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) ? "UTF-16" : nil
    }

    /// Index of the first byte that starts an ill-formed UTF-8 sequence (overlong forms,
    /// surrogates and values above U+10FFFF included), or nil when all is well-formed.
    static func firstInvalidUTF8(_ u: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = u.count
        let raw = UnsafeRawBufferPointer(u)
        while i < n {
            // ASCII fast path, eight bytes at a time.
            if i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b0 = u[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            func cont(_ k: Int) -> Bool { i + k < n && u[i + k] & 0xC0 == 0x80 }
            switch b0 {
            case 0xC2...0xDF:
                guard cont(1) else { return i }
                i += 2
            case 0xE0...0xEF:
                guard cont(1), cont(2) else { return i }
                let b1 = u[i + 1]
                if b0 == 0xE0 && b1 < 0xA0 { return i }  // overlong
                if b0 == 0xED && b1 >= 0xA0 { return i }  // surrogate
                i += 3
            case 0xF0...0xF4:
                guard cont(1), cont(2), cont(3) else { return i }
                let b1 = u[i + 1]
                if b0 == 0xF0 && b1 < 0x90 { return i }  // overlong
                if b0 == 0xF4 && b1 >= 0x90 { return i }  // above U+10FFFF
                i += 4
            default:
                return i
            }
        }
        return nil
    }
}
