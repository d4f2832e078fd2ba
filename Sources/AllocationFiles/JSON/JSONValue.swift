/// A JSON value that remembers where it was written. Numbers keep their literal text,
/// because the contract tells `60` from `60.0`: integer settings take integer literals.
indirect enum JSONValue {
    case object([JSONMember])
    case array([JSONNode])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// How a value is named in a message about a wrong type.
    var summary: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let s): return "the string \(quoted(s))"
        case .number(let n): return "the number \(n)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}

/// A value with the line it starts on and its byte offset (for ordering diagnostics).
struct JSONNode {
    var value: JSONValue
    var line: Int
    var offset: Int
}

/// One key of an object, in file order, with the line the key is written on: policy
/// diagnostics point at keys.
struct JSONMember {
    var key: String
    var line: Int
    var offset: Int
    var value: JSONNode
}

/// The first syntax error in a JSON text; only one is reported, since what follows a
/// syntax error cannot be read reliably.
struct JSONSyntaxError: Error {
    var line: Int
    var message: String
}
