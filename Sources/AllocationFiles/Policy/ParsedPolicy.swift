import Allocation

/// What reading `policy.json` yields: the policy when the file is valid, and the
/// programme names even when other parts are not, so projects.csv can still be checked
/// against them.
public struct ParsedPolicy: Sendable {
    /// Nil unless the file has no problem at all.
    public var policy: Policy?
    /// The keys of `programmes` (the defaults' when it is absent); nil when they could
    /// not be read, in which case project programmes are not checked against them.
    public var programmeNames: Set<String>?
    /// Every problem found, by line, then position on the line.
    public var diagnostics: [Diagnostic]

    /// For readers of policies from elsewhere (tests, other stores) that report alike.
    public init(policy: Policy?, programmeNames: Set<String>?, diagnostics: [Diagnostic]) {
        self.policy = policy
        self.programmeNames = programmeNames
        self.diagnostics = diagnostics
    }

    /// True when the file has no problem, so `policy` is set.
    public var isValid: Bool { diagnostics.isEmpty }
}
