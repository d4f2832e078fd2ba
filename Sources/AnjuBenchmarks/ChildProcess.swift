import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion and reports what a benchmark needs: exit status, wall
/// time and the child's peak resident set size (from `wait4`'s rusage, which `Process`
/// does not expose).
public struct ChildProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var seconds: Double
        public var peakRSSKiB: Int
        public var stdout: String
    }

    /// `arguments[0]` is the program path. Standard output is captured through a file,
    /// standard error is inherited so progress and errors stay visible.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let outPath = NSTemporaryDirectory() + "anju-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // A child inherits the calling thread's blocked signals (a Dispatch worker blocks
        // most): unblock all and reset handlers, or e.g. a child's SIGALRM never arrives.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let start = DispatchTime.now()
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw BenchmarkError("cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        return Outcome(status: exit, seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss), stdout: out)
    }
}

/// A benchmark that could not run as asked.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
