import AnjuServer
import Store

/// The CLI's view of `StoredRoundReport` (shared with `anju serve`): phases and progress
/// on the terminal.
enum RoundReportBuilder {
    static func html(store: Store, round: String, progress: TerminalProgress) throws -> String {
        try StoredRoundReport.html(store: store, round: round, phase: { progress.phase($0) }, progress: progress.fraction)
    }
}
