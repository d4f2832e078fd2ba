import Allocation
import RoundReport
import Store

/// A stored round's HTML report, for `anju round report`, `anju demo` and
/// `GET /v1/rounds/{id}/report.html`: the stored snapshot, the stored results of the
/// mechanism whose offers were made, and the other mechanisms solved on the same snapshot
/// with the same seed (so the comparison is like for like).
public enum StoredRoundReport {
    /// The report's HTML. `phase` names each step; `progress` gets each solve's fraction.
    public static func html(
        store: Store, round: String, phase: (String) -> Void = { _ in }, progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> String {
        let info = try store.round(round)
        let snapshot = try store.snapshot(round)
        let input = try snapshot.parse()
        var results: [Mechanism: RoundResult] = [info.mechanism: try store.results(round)]
        for mechanism in Mechanism.allCases where mechanism != info.mechanism {
            phase("comparing with \(mechanism.rawValue)")
            do {
                results[mechanism] = try Allocator.solve(input, mechanism: mechanism, seed: info.seed, progress: progress)
            } catch {
                // A snapshot beyond what that mechanism can compute (optimal with commutes
                // spanning more than 2^24 minutes): the report leaves it out of the
                // comparison rather than failing, or trapping, over a mechanism not chosen.
                phase("\(mechanism.rawValue) left out of the comparison: \(error)")
            }
        }
        phase("writing the report")
        return RoundReport(
            city: store.city, roundID: info.roundID, runAt: info.runAt ?? "", inputDigest: info.inputDigest ?? "",
            input: input, chosen: info.mechanism, results: results
        ).html()
    }
}
