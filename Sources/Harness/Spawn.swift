import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts child processes the way a service manager would: no blocked signals and default
/// dispositions. A child otherwise inherits the calling thread's blocked mask (a Dispatch
/// worker blocks most signals), and then e.g. pgbench never sees the SIGALRM that ends a
/// `-T` run, or a server never sees SIGTERM. The benchmarks and the tests that send
/// `anju serve` SIGTERM or SIGINT both start their children here, for that guarantee.
public enum Spawn {
    /// Starts `arguments` (`arguments[0]` looked up in PATH unless it has a slash) with this
    /// process's environment plus `environment`, standard input from /dev/null, standard
    /// output to a new file at `stdout` (standard error too when `mergingStandardError`,
    /// else inherited). Returns the child's pid; the caller reaps it.
    public static func start(
        _ arguments: [String], environment: [String: String] = [:], stdout: String, mergingStandardError: Bool = true
    ) throws -> pid_t {
        precondition(!arguments.isEmpty, "nothing to start")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if mergingStandardError { posix_spawn_file_actions_adddup2(&actions, 1, 2) }
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
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SpawnError(program: arguments[0], reason: String(cString: strerror(rc))) }
        return pid
    }

    /// A `waitpid`/`wait4` status as an exit status: the code, or 128 + the signal that
    /// killed the process.
    public static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

/// A program that could not be started (not found, not executable, out of processes).
public struct SpawnError: Error, CustomStringConvertible {
    /// `arguments[0]` as given.
    public var program: String
    /// `strerror` of what `posix_spawnp` returned.
    public var reason: String
    /// "cannot start PROGRAM: REASON", for the benchmark's or test's error output.
    public var description: String { "cannot start \(program): \(reason)" }
}
