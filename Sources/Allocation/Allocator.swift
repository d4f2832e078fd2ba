/// The engine's entry point: one call computes a whole round.
public enum Allocator {
    /// Computes the round for `input` with `mechanism` and lottery `seed` (both usually
    /// the policy's, after any override). Deterministic: the same arguments give the same
    /// result, whatever the order of the input arrays. `progress`, when given, is told the
    /// fraction of work done (0...1) from time to time, from any thread.
    public static func run(
        _ input: RoundInput, mechanism: Mechanism, seed: String,
        progress: (@Sendable (Double) -> Void)? = nil
    ) -> RoundResult {
        let market = Market(input, seed: seed)
        let candidates = Candidates(market: market, progress: progress.map { p in { @Sendable f in p(0.6 * f) } })
        let slotOf: [Int32]
        switch mechanism {
        case .serial: slotOf = SerialMechanism.run(market, candidates)
        case .deferredAcceptance: slotOf = DeferredAcceptanceMechanism.run(market, candidates)
        case .optimal:
            slotOf = OptimalMechanism.run(market, candidates, progress: progress.map { p in { @Sendable f in p(0.6 + 0.35 * f) } })
        }
        progress?(0.95)
        let explain = Explanations(market, candidates, mechanism: mechanism, slotOf: slotOf)
        var rows: [ApplicantResult] = []
        rows.reserveCapacity(input.applicants.count)
        for (a, applicant) in input.applicants.enumerated() {
            let pos = Int(slotOf[a])
            if pos >= 0 {
                let slot = input.slots[Int(market.slots[pos])]
                let project = input.projects[Int(market.groups[Int(market.groupOfPosition[pos])].project)]
                let minutes = input.policy.commute.minutes(
                    fromLat: applicant.workLat, lon: applicant.workLon, toLat: project.lat, lon: project.lon)
                rows.append(ApplicantResult(
                    applicantID: applicant.id, outcome: .offered, slotID: slot.id, projectID: project.id,
                    commuteMin: minutes, rent: slot.rent))
            } else if candidates.count(of: a) > 0 {
                rows.append(ApplicantResult(applicantID: applicant.id, outcome: .unmatched, reason: explain.unmatched(a)))
            } else {
                rows.append(ApplicantResult(applicantID: applicant.id, outcome: .ineligible, reason: explain.ineligible(a)))
            }
        }
        rows.sort { $0.applicantID.utf8Less($1.applicantID) }
        progress?(1)
        return RoundResult(mechanism: mechanism, seed: seed, rows: rows, slotsAvailable: market.slots.count)
    }
}
