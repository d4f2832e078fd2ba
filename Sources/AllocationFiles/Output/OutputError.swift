/// Why the output folder could not be written; nothing was changed in it when this is
/// thrown (see `OutputFolder.write`).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    /// What failed and where, with the system's reason, e.g. "cannot create folder
    /// /out: Permission denied".
    public var message: String
    /// The message, so the CLI can print the error as is.
    public var description: String { message }

    /// Wraps a message; the writer builds these from system errors.
    public init(message: String) { self.message = message }
}
