/// Everything a round is computed from. Validated by `AllocationFiles` (or the store)
/// before it reaches the engine: every slot's project exists, every project's programme
/// is in the policy, ids are unique.
public struct RoundInput: Sendable {
    public var projects: [Project]
    public var slots: [Slot]
    public var applicants: [Applicant]
    public var policy: Policy

    public init(projects: [Project], slots: [Slot], applicants: [Applicant], policy: Policy) {
        self.projects = projects
        self.slots = slots
        self.applicants = applicants
        self.policy = policy
    }
}
