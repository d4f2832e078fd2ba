/// What can go wrong in a store operation, in the caller's terms. The CLI maps these to
/// exit statuses and the HTTP API to 4xx problem responses; none of them is a server bug.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Input that breaks the contract or a rule: every problem, each saying what and where.
    case invalid([String])
    /// The named thing does not exist (in this city, for this caller).
    case notFound(String)
    /// The request is well-formed but the current state does not allow it (an offer
    /// already answered, a slot with a live offer, a round already run).
    case conflict(String)

    public var description: String {
        switch self {
        case .invalid(let problems): problems.joined(separator: "\n")
        case .notFound(let message): message
        case .conflict(let message): message
        }
    }
}
