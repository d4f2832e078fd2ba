import Allocation

/// Builds the bytes of a `COPY … FROM STDIN` in PostgreSQL's text format — fields
/// separated by tabs, rows ended by a newline, `\N` for NULL, backslash escapes — straight
/// into one byte buffer: an import of 200,000 rows builds no intermediate String per field.
struct ImportCopyText {
    private(set) var bytes: [UInt8] = []
    private var rowStarted = false

    /// `capacity`: expected bytes, to reserve up front.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let backslash = UInt8(ascii: "\\")
    private static let carriageReturn = UInt8(ascii: "\r")

    @inline(__always)
    private mutating func separate() {
        if rowStarted { bytes.append(Self.tab) } else { rowStarted = true }
    }

    /// Ends the current row.
    mutating func endRow() {
        bytes.append(Self.newline)
        rowStarted = false
    }

    /// A NULL field.
    mutating func null() {
        separate()
        bytes.append(Self.backslash)
        bytes.append(UInt8(ascii: "N"))
    }

    /// A text field, escaped. A NUL character, which no PostgreSQL text can hold, is
    /// dropped: callers reject such values first (`ImportChecks`).
    mutating func text(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { utf8 in
            // Most values need no escape: one copy for the whole field.
            guard utf8.contains(where: { $0 <= Self.carriageReturn || $0 == Self.backslash }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case Self.backslash: bytes.append(Self.backslash); bytes.append(Self.backslash)
                case Self.tab: bytes.append(Self.backslash); bytes.append(UInt8(ascii: "t"))
                case Self.newline: bytes.append(Self.backslash); bytes.append(UInt8(ascii: "n"))
                case Self.carriageReturn: bytes.append(Self.backslash); bytes.append(UInt8(ascii: "r"))
                case 0: break
                default: bytes.append(byte)
                }
            }
        }
    }

    /// A text field, or NULL when absent.
    mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    /// An integer field.
    mutating func int(_ value: Int) {
        separate()
        appendDigits(value)
    }

    /// An integer field, or NULL when absent.
    mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    /// A boolean field (`t`/`f`).
    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// A coordinate as exact decimal text, the same as `DecimalText.format`: the numeric
    /// column then holds exactly the Double the contract parser read. Most coordinates
    /// print without an exponent, and their shortest form is copied byte by byte here;
    /// the rest go through `DecimalText`.
    mutating func decimal(_ value: Double) {
        separate()
        var shortest = value.description  // at most 24 bytes: held inline, no allocation
        let fast: Bool = shortest.withUTF8 { utf8 in
            guard !utf8.contains(UInt8(ascii: "e")), value.isFinite, value != 0 else { return false }
            let dropPointZero = utf8.count > 2 && utf8[utf8.count - 2] == UInt8(ascii: ".") && utf8[utf8.count - 1] == UInt8(ascii: "0")
            bytes.append(contentsOf: dropPointZero ? UnsafeBufferPointer(rebasing: utf8.dropLast(2)) : utf8)
            return true
        }
        if !fast { bytes.append(contentsOf: DecimalText.format(value).utf8) }
    }

    /// A timestamp from the file (already validated), as `ImportTimestamp` rewrites it for
    /// PostgreSQL; the common case — an offset PostgreSQL reads itself — is copied as is.
    mutating func timestamp(_ value: String?) {
        guard var text = value else { return null() }
        separate()
        let asIs: Bool = text.withUTF8 { utf8 in
            guard ImportTimestamp.readsAsIs(utf8) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !asIs { bytes.append(contentsOf: ImportTimestamp.postgresText(text).utf8) }
    }

    /// A date field, `YYYY-MM-DD`.
    mutating func date(_ value: CivilDate) {
        separate()
        appendPadded(value.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(value.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(value.day, width: 2)
    }

    private mutating func appendPadded(_ value: Int, width: Int) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        for _ in digits..<max(width, digits) { bytes.append(UInt8(ascii: "0")) }
        appendDigits(value)
    }

    private mutating func appendDigits(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var count = 1
        var rest = magnitude / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
        }
    }
}
