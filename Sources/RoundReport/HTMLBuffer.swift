/// `value` escaped for HTML element content or (with `attribute`) a double-quoted
/// attribute value, by the report's rules: markup characters as entities, characters XML
/// forbids as U+FFFD. For the server's pages too, so Anju has one escaper.
public func htmlEscaped(_ value: String, attribute: Bool = false) -> String {
    HTMLBuffer.escaped(value, attribute: attribute)
}

/// The report's text as it is built: markup appended raw, data appended escaped.
///
/// Everything from the data (names, districts, ids, the seed) goes through `text` or an
/// attribute value, so it can neither close an element nor start one, and characters XML
/// forbids (control characters, U+FFFE, U+FFFF) become U+FFFD: the file stays well-formed
/// XML as well as HTML whatever a CSV held.
struct HTMLBuffer {
    private(set) var output = ""

    init(capacity: Int) { output.reserveCapacity(capacity) }

    /// Appends trusted markup (the report's own tags and constants).
    mutating func raw(_ markup: String) { output.append(markup) }

    /// Appends `value` as element content.
    mutating func text(_ value: String) { HTMLBuffer.escape(value, into: &output, attribute: false) }

    /// Appends ` name="value"` with `value` escaped. `name` is the report's own.
    mutating func attribute(_ name: String, _ value: String) {
        output.append(" ")
        output.append(name)
        output.append("=\"")
        HTMLBuffer.escape(value, into: &output, attribute: true)
        output.append("\"")
    }

    /// Appends ` name="value"` for an integer.
    mutating func attribute(_ name: String, _ value: Int) {
        output.append(" ")
        output.append(name)
        output.append("=\"")
        output.append(String(value))
        output.append("\"")
    }

    /// Appends `<tag attributes>escaped text</tag>`; `attributes` is the report's own markup.
    mutating func element(_ tag: String, _ attributes: String = "", text value: String) {
        output.append("<")
        output.append(tag)
        output.append(attributes)
        output.append(">")
        text(value)
        output.append("</")
        output.append(tag)
        output.append(">")
    }

    /// `value` escaped for element content or (with `attribute`) a double-quoted attribute.
    static func escaped(_ value: String, attribute: Bool = false) -> String {
        var out = ""
        escape(value, into: &out, attribute: attribute)
        return out
    }

    static func escape(_ value: String, into out: inout String, attribute: Bool) {
        if value.utf8.allSatisfy({ isPlain($0) }) {
            out.append(value)
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\"": out.append("&quot;")
            case "'": out.append("&#39;")
            case "\t", "\n", "\r":
                // Kept in text; in an attribute a parser would turn them into spaces.
                if attribute { out.append("&#\(scalar.value);") } else { out.unicodeScalars.append(scalar) }
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// A byte that needs no escaping and cannot start U+FFFE/U+FFFF (0xEF): the fast path
    /// for the ASCII ids and most names.
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x26, 0x3C, 0x3E, 0x22, 0x27, 0xEF: return false
        default: return byte >= 0x20
        }
    }
}
