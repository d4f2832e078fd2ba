/// A round within the file contract that the engine still cannot compute exactly: today
/// only `optimal` when the commutes of eligible pairs span more minutes than its
/// transportation solver totals exactly (`TransportationProblem.costLimit`, about 32
/// years — reachable only with a crawling `commute.speed_kmh` and limits to match).
/// Reported, never trapped on, so a bureau's round ends with a message it can act on.
public struct RoundLimitError: Error, Sendable, CustomStringConvertible {
    /// What is out of range and what to change, for a clerk.
    public var message: String
    /// The policy.json key the limit is about, for a located diagnostic.
    public var policyKey: String

    public init(message: String, policyKey: String = "commute.speed_kmh") {
        self.message = message
        self.policyKey = policyKey
    }

    public var description: String { message }
}
