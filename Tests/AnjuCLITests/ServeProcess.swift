import Foundation
import Harness

#if canImport(Glibc)
    import Glibc
#endif

/// `anju serve --host 127.0.0.1 --port 0` (the kernel picks a free port; the log says which)
/// as a child process, its output in a file of its own folder. Started through `Spawn`, with
/// no blocked signals and default dispositions, as a service manager starts it: a test
/// thread's blocked mask would otherwise be inherited and SIGTERM never seen.
final class ServeProcess: Sendable {
    let process: BackgroundProcess
    let folder: URL

    /// `arguments` and `environment` add to the command line and to the test's environment.
    init(databaseURL: String, poolSize: Int, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let executable = Anju.executable
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw Anju.NotBuilt() }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process = try BackgroundProcess(
            [executable.path, "serve", "--host", "127.0.0.1", "--port", "0", "--pool-size", String(poolSize)] + arguments,
            environment: ["DATABASE_URL": databaseURL, "SWIFT_BACKTRACE": "enable=no"].merging(environment) { _, new in new },
            output: folder.appendingPathComponent("serve.log").path)
    }

    var pid: pid_t { process.pid }

    /// Everything the server logged so far.
    var log: String { process.printed }

    /// The exit status if the process has ended (reaping it), else nil. Never blocks.
    func exitStatus() -> Int32? { process.exitStatus() }

    /// The port from Hummingbird's "Server started and listening on 127.0.0.1:PORT".
    func waitForPort(within limit: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let match = log.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/), let port = Int(match.1) { return port }
            if let status = exitStatus() { throw ServeProcessError("anju serve exited with \(status) before listening\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("anju serve did not listen within \(limit)\n\(log)")
    }

    /// Sends SIGTERM and waits; the exit status, or nil if it outlived `limit`.
    func terminate(within limit: Duration) async throws -> Int32? {
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + limit
        while exitStatus() == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return exitStatus()
    }

    /// Kills the server if it still runs (a test that failed half-way), reaps it and removes
    /// its folder.
    func stop() {
        process.stop(gracePeriod: .zero)
        try? FileManager.default.removeItem(at: folder)
    }
}

/// What went wrong driving `anju serve`, with its log.
struct ServeProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
