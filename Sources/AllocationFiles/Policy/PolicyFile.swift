import Allocation

/// Reads `policy.json`, the rules of a round. Each problem is reported at the line of
/// the key it concerns, with the key's dotted path (`commute.speed_kmh`) as its column.
public enum PolicyFile {
    /// The name the contract gives the file; diagnostics use it unless told otherwise.
    public static let defaultName = "policy.json"

    /// Parses and validates the file's bytes.
    public static func parse(_ bytes: [UInt8], fileName: String = defaultName) -> ParsedPolicy {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            let d = Diagnostic(file: fileName, line: error.line, column: "-", message: error.message, position: 0)
            return ParsedPolicy(policy: nil, programmeNames: nil, diagnostics: [d])
        }
        var reader = PolicyReader(file: fileName)
        let policy = reader.policy(root)
        return ParsedPolicy(
            policy: reader.diagnostics.isEmpty ? policy : nil, programmeNames: reader.programmeNames,
            diagnostics: Diagnostic.sorted(reader.diagnostics))
    }
}
