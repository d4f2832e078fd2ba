/// A growing byte buffer with the few writers the four files need. Fields go straight in
/// as bytes, never through `String` interpolation: 200,000 applicants are ~30 MB of CSV.
struct ByteSink {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    /// Text written as is (its UTF-8 bytes), with no quoting.
    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    @inline(__always)
    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    @inline(__always)
    mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    /// A decimal integer.
    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // Int.min never occurs here; magnitude keeps it correct anyway.
            digits(value.magnitude, width: 1)
        } else {
            digits(UInt(value), width: 1)
        }
    }

    /// A non-negative integer, left-padded with zeros to `width` digits (ids, dates).
    mutating func padded(_ value: Int, width: Int) {
        precondition(value >= 0)
        digits(UInt(value), width: width)
    }

    private mutating func digits(_ value: UInt, width: Int) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let n = max(count, width)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n))
        var v = value
        var i = start + n - 1
        repeat {
            bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        } while v > 0
    }

    /// A prefix followed by a zero-padded number: `S000042`.
    mutating func id(_ prefix: StaticString, _ number: Int, width: Int) {
        prefix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        padded(number, width: width)
    }

    /// Micro-degrees as a decimal with exactly six places: 31243012 → `31.243012`.
    mutating func microDegrees(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let m = value.magnitude
        digits(m / 1_000_000, width: 1)
        bytes.append(UInt8(ascii: "."))
        digits(m % 1_000_000, width: 6)
    }

    /// `YYYY-MM-DD`.
    mutating func date(_ d: CivilDay) {
        padded(d.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        padded(d.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        padded(d.day, width: 2)
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// An RFC 4180 field: quoted (with inner quotes doubled) only when it holds a comma,
    /// a double quote or a line break.
    mutating func csvField(_ text: String) {
        let utf8 = text.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for b in utf8 {
            if b == UInt8(ascii: "\"") { bytes.append(b) }
            bytes.append(b)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, other
    /// UTF-8 kept as is.
    mutating func jsonString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 10: raw("\\n")
            case 13: raw("\\r")
            case 9: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
