import Foundation
import Synchronization

/// Progress on standard error for long CLI work, only when stderr is a terminal (so logs
/// and pipes stay clean) and only once the work has run for half a second.
final class TerminalProgress: Sendable {
    private struct State {
        var phase = ""
        var fraction = 0.0
        var lastDraw = 0.0
        var drawn = false
    }

    private let enabled: Bool
    private let start = Date()
    private let state = Mutex(State())

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func phase(_ name: String) {
        state.withLock {
            $0.phase = name
            $0.fraction = 0
        }
        draw(force: false)
    }

    /// A callback the engine may call from any thread.
    var fraction: @Sendable (Double) -> Void {
        { [self] f in
            self.state.withLock { $0.fraction = f }
            self.draw(force: false)
        }
    }

    func finish() {
        guard enabled else { return }
        state.withLock {
            if $0.drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            $0.drawn = false
        }
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let now = Date().timeIntervalSince(start)
        guard now > 0.5 else { return }
        state.withLock { s in
            guard force || now - s.lastDraw > 0.1 else { return }
            s.lastDraw = now
            s.drawn = true
            let pct = Int((s.fraction * 100).rounded(.down))
            let line = String(format: "\r\u{1B}[K[%5.1fs] %@ %3d%%", now, s.phase, pct)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
