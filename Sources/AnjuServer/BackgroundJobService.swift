import Foundation
import Logging
import ServiceLifecycle
import Store

/// A job `anju serve` runs every `interval` beside the server — the notification sender, the
/// offer expiry — as a service of the application's group, so SIGTERM stops it with the
/// rest. The job is blocking libpq and libcurl work: it runs on a thread of its own with a
/// connection of its own (never on an event loop, never holding a request's pooled
/// connection while a mail server answers slowly). A failed pass is logged (its error, no
/// personal data) and the next pass reconnects.
public struct BackgroundJobService: Service {
    public let name: String
    public let interval: Duration
    let databaseURL: String
    let city: String
    let actor: String
    let logger: Logger
    let job: @Sendable (Store) throws -> String?

    /// `job` returns a line for the log when it did something, nil when there was nothing to do.
    public init(
        name: String, interval: Duration, databaseURL: String, city: String, actor: String, logger: Logger,
        job: @escaping @Sendable (Store) throws -> String?
    ) {
        self.name = name
        self.interval = interval
        self.databaseURL = databaseURL
        self.city = city
        self.actor = actor
        self.logger = logger
        self.job = job
    }

    /// Starts the job's thread and returns once it has stopped: after the group's graceful
    /// shutdown or a cancellation (the pass under way finishes first).
    public func run() async throws {
        let stop = StopSignal()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                    let thread = Thread {
                        self.loop(until: stop)
                        finished.resume()
                    }
                    thread.name = "anju-\(name)"
                    thread.start()
                }
            } onGracefulShutdown: {
                stop.raise()
            }
        } onCancel: {
            stop.raise()
        }
    }

    private func loop(until stop: StopSignal) {
        var store: Store?
        while !stop.isRaised {
            do {
                if store == nil {
                    store = try DatabaseSession(url: databaseURL, city: city).store(actor: actor)
                }
                if let line = try job(store!) { logger.info("\(name): \(line)") }
            } catch {
                logger.error("\(name) failed; retrying next pass", metadata: ["error": "\(error)"])
                store = nil
            }
            stop.wait(for: interval)
        }
    }
}

/// A flag a service raises to stop its thread, which sleeps on it between passes.
final class StopSignal: @unchecked Sendable {
    // @unchecked: every access to `raised` holds `condition`.
    private let condition = NSCondition()
    private var raised = false

    var isRaised: Bool {
        condition.lock()
        defer { condition.unlock() }
        return raised
    }

    func raise() {
        condition.lock()
        raised = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps `duration`, or less if raised meanwhile.
    func wait(for duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let until = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !raised && condition.wait(until: until) {}
        condition.unlock()
    }
}
