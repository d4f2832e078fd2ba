/// Why an input folder cannot be used. The two cases map to different exit statuses
/// (66 and 65), and a missing file is reported before any content is looked at.
public enum InputError: Error, Sendable {
    /// One message per missing or unreadable file, naming the file and its path.
    case missingFiles([String])
    /// Every problem in every file, in contract order (projects.csv, slots.csv,
    /// applicants.csv, policy.json), then by line.
    case invalid([Diagnostic])

    /// The lines to print on stderr, one per problem: `FILE:LINE: COLUMN: message` for
    /// invalid input, a sentence naming file and path for a missing one.
    public var lines: [String] {
        switch self {
        case .missingFiles(let messages): return messages
        case .invalid(let diagnostics): return diagnostics.map(\.description)
        }
    }
}
