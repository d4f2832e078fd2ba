import Logging
import ServiceLifecycle
import Store

/// Builds the newest run round's standing book ahead of the first applicant who asks: at
/// start, then every `interval` (a new round run by `anju round run` in another process is
/// picked up on the next look). At 200,000 applicants a book takes seconds to build; built
/// here, no status request waits for it. A failed look is logged and tried again later; the
/// status answers on demand meanwhile, as without the warmer.
struct StandingWarmer: Service {
    let cache: StandingCache
    let pool: ConnectionPool<DatabaseSession>
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await warmNewest()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One look: the newest round that has been run, its book built if it is not kept.
    func warmNewest() async {
        do {
            let newest = try await pool.withConnection { session in
                try session.reader.rounds().filter { $0.runAt != nil }.max { ($0.runAt ?? "", $0.roundID) < ($1.runAt ?? "", $1.roundID) }
            }
            guard let round = newest?.roundID else { return }
            let clock = ContinuousClock()
            let start = clock.now
            if try await cache.warm(round: round, pool: pool) {
                logger.info("standing: round \(round) ready for status requests", metadata: ["seconds": "\(clock.now - start)"])
            }
        } catch {
            logger.error("standing: could not build the newest round's book; status requests build it on demand", metadata: ["error": "\(error)"])
        }
    }
}
