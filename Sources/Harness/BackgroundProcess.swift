import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process that runs beside its caller (`anju serve` under a benchmark or a test) or
/// is waited for (wrk, pgbench), started by `Spawn` with no blocked signals and default
/// dispositions, its standard output and error going to one file. Shared between threads: a
/// load's clients poll it while the test stops it; the exit status is reaped once, under a
/// lock, so it is never lost to a second `waitpid`.
public final class BackgroundProcess: Sendable {
    /// For signals a test sends itself (`kill(pid, SIGTERM)`) and for messages.
    public let pid: pid_t
    /// The file standard output and error go to.
    public let output: String
    /// The exit status once reaped (128 + the signal when one ended the process).
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `arguments` (see `Spawn.start`) with `environment` added to this process's;
    /// standard output and error go to the file at `output` (created or truncated).
    public init(_ arguments: [String], environment: [String: String] = [:], output: String) throws {
        self.output = output
        pid = try Spawn.start(arguments, environment: environment, stdout: output)
    }

    /// Runs `arguments` to completion; its exit status and everything it printed.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let output = NSTemporaryDirectory() + "anju-process-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(output) }
        let process = try BackgroundProcess(arguments, environment: environment, output: output)
        let status = process.wait()
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// Everything the process printed so far.
    public var printed: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    /// The exit status if the process has ended (reaping it), else nil. Never blocks.
    public func exitStatus() -> Int32? {
        reaped.withLock { reaped in
            if reaped == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { reaped = Spawn.exitStatus(status) }
            }
            return reaped
        }
    }

    /// Not yet ended; reaps the process when it has.
    public var isRunning: Bool { exitStatus() == nil }

    /// Waits for the process to end; its exit status. Other callers wait meanwhile.
    @discardableResult
    public func wait() -> Int32 {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let exit = Spawn.exitStatus(status)
            reaped = exit
            return exit
        }
    }

    /// User plus system CPU seconds so far (from /proc/PID/stat), 0 once it is gone.
    public var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Ends the process if it still runs and reaps it: SIGTERM (a graceful shutdown) and up
    /// to `gracePeriod` for it to exit, then SIGKILL. A zero grace period kills at once (a
    /// test that failed half-way has nothing left to finish).
    public func stop(gracePeriod: Duration = .seconds(10)) {
        guard isRunning else { return }
        if gracePeriod > .zero {
            kill(pid, SIGTERM)
            let deadline = ContinuousClock.now + gracePeriod
            while ContinuousClock.now < deadline {
                usleep(100_000)
                if !isRunning { return }
            }
        }
        kill(pid, SIGKILL)
        wait()
    }
}
