import Allocation
import RoundReport
import Store

/// Gathers what a round's HTML report shows: the stored snapshot, the stored results of the
/// mechanism whose offers were made, and the other mechanisms solved on the same snapshot
/// with the same seed (so the comparison is like for like).
enum RoundReportBuilder {
    static func html(store: Store, round: String, progress: TerminalProgress) throws -> String {
        let info = try store.round(round)
        let snapshot = try store.snapshot(round)
        let input = try snapshot.parse()
        var results: [Mechanism: RoundResult] = [info.mechanism: try store.results(round)]
        for mechanism in Mechanism.allCases where mechanism != info.mechanism {
            progress.phase("comparing with \(mechanism.rawValue)")
            results[mechanism] = Allocator.run(input, mechanism: mechanism, seed: info.seed, progress: progress.fraction)
        }
        progress.phase("writing the report")
        return RoundReport.html(
            RoundReportInput(
                city: store.city, roundID: info.roundID, runAt: info.runAt ?? "", inputDigest: info.inputDigest ?? "",
                input: input, chosen: info.mechanism, results: results))
    }
}
