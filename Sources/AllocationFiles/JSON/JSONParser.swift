/// A strict RFC 8259 recursive-descent parser over bytes that records lines and keeps
/// number literals. (Foundation's JSONSerialization loses both, and line numbers are what
/// the contract's diagnostics are made of.) A leading byte-order mark is skipped, as
/// editors on some systems write one.
struct JSONParser {
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var depth = 0
    private static let maxDepth = 256

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.pos = 3 }
        if let encoding = FieldSyntax.utf16Encoding(bytes) {
            throw JSONSyntaxError(line: 1, message: "the file is \(encoding); save it as UTF-8")
        }
        if let bad = bytes.withUnsafeBufferPointer({ FieldSyntax.firstInvalidUTF8($0) }) {
            let line = 1 + bytes[..<bad].lazy.filter { $0 == UInt8(ascii: "\n") }.count
            throw JSONSyntaxError(line: line, message: "invalid UTF-8; save the file as UTF-8")
        }
        parser.skipWhitespace()
        let node = try parser.value()
        parser.skipWhitespace()
        if parser.pos < bytes.count { throw parser.error("unexpected \(parser.describeCurrent()) after the end of the top-level value") }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(line: line, message: "invalid JSON: " + message) }

    private func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of file" }
        let b = bytes[pos]
        if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): pos += 1
            case UInt8(ascii: "\n"):
                pos += 1
                line += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONNode {
        guard pos < bytes.count else { throw error("unexpected end of file; expected a value") }
        let start = (line: line, offset: pos)
        let v: JSONValue
        switch bytes[pos] {
        case UInt8(ascii: "{"): v = try object()
        case UInt8(ascii: "["): v = try array()
        case UInt8(ascii: "\""): v = .string(try string())
        case UInt8(ascii: "t"): try literal("true"); v = .bool(true)
        case UInt8(ascii: "f"): try literal("false"); v = .bool(false)
        case UInt8(ascii: "n"): try literal("null"); v = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): v = .number(try number())
        default: throw error("unexpected \(describeCurrent()); expected a value")
        }
        return JSONNode(value: v, line: start.line, offset: start.offset)
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        guard bytes.count - pos >= w.count, bytes[pos..<pos + w.count].elementsEqual(w) else {
            throw error("unexpected \(describeCurrent()); expected a value")
        }
        pos += w.count
    }

    private mutating func nest() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("values nested more than \(Self.maxDepth) deep") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try nest()
        pos += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()); expected a key in double quotes")
            }
            let keyLine = line
            let keyOffset = pos
            let key = try string()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()); expected ':' after the key \(quoted(key))")
            }
            pos += 1
            skipWhitespace()
            let v = try value()
            members.append(JSONMember(key: key, line: keyLine, offset: keyOffset, value: v))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of file; expected ',' or '}'") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            guard bytes[pos] == UInt8(ascii: "}") else { throw error("unexpected \(describeCurrent()); expected ',' or '}'") }
            pos += 1
            depth -= 1
            return .object(members)
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try nest()
        pos += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of file; expected ',' or ']'") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            guard bytes[pos] == UInt8(ascii: "]") else { throw error("unexpected \(describeCurrent()); expected ',' or ']'") }
            pos += 1
            depth -= 1
            return .array(elements)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = pos
        func digits() -> Int {
            let s = pos
            while pos < bytes.count && FieldSyntax.isDigit(bytes[pos]) { pos += 1 }
            return pos - s
        }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        let n = digits()
        guard n > 0 else { throw error("a number needs digits after '-'") }
        if n > 1 && bytes[intStart] == UInt8(ascii: "0") { throw error("a number must not have leading zeros") }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits() > 0 else { throw error("a number needs digits after the decimal point") }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("a string is never closed; add the closing double quote") }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw error("a control character (such as a line break) inside a string; write it as an escape like \\n") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { throw error("a string is never closed; add the closing double quote") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
            default: throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
    }

    /// After `\u`: four hex digits, joined with a following low surrogate when needed.
    private mutating func unicodeEscape() throws(JSONSyntaxError) -> [UInt8] {
        func hex4() throws(JSONSyntaxError) -> UInt32 {
            guard bytes.count - pos >= 4 else { throw error("'\\u' must be followed by four hex digits") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let d = Character(Unicode.Scalar(bytes[pos])).hexDigitValue else {
                    throw error("'\\u' must be followed by four hex digits")
                }
                v = v * 16 + UInt32(d)
                pos += 1
            }
            return v
        }
        var scalar = try hex4()
        if (0xDC00...0xDFFF).contains(scalar) { throw error("a '\\u' escape holds an unpaired low surrogate") }
        if (0xD800...0xDBFF).contains(scalar) {
            guard bytes.count - pos >= 2, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                throw error("a '\\u' escape holds an unpaired high surrogate")
            }
            pos += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("a '\\u' escape holds an unpaired high surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        return Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
    }
}
