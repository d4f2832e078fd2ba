import Foundation

/// `anju solve --timings`: how long each phase of a round took, on standard error, so a
/// slow round can be taken apart without a profiler and without touching stdout or the
/// output files. Times are wall-clock, from a monotonic clock.
final class PhaseTimings {
    private let enabled: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var last: ContinuousClock.Instant
    private var phases: [(name: String, seconds: Double)] = []

    init(enabled: Bool) {
        self.enabled = enabled
        start = clock.now
        last = start
    }

    /// Records that the phase `name` has just ended (it began when the previous one ended).
    func ended(_ name: String) {
        guard enabled else { return }
        let now = clock.now
        phases.append((name, Self.seconds(now - last)))
        last = now
    }

    /// Prints every phase and the total, one per line: `timing: <phase> <seconds> s`.
    func report() {
        guard enabled else { return }
        let width = phases.map(\.name.count).max() ?? 0
        var text = ""
        for (name, seconds) in phases {
            text += "timing: " + name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %8.3f s\n", seconds)
        }
        text += "timing: " + "total".padding(toLength: width, withPad: " ", startingAt: 0)
            + String(format: " %8.3f s\n", Self.seconds(clock.now - start))
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
