import Foundation
import Harness

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
    /// standard error is inherited so progress and errors stay visible — or captured with it
    /// when `capturingStandardError` (for tools that report timings there).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], capturingStandardError: Bool = false
    ) throws -> Outcome {
        let outPath = NSTemporaryDirectory() + "anju-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(outPath) }
        let start = DispatchTime.now()
        let pid = try Spawn.start(arguments, environment: environment, stdout: outPath, mergingStandardError: capturingStandardError)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let exit = Spawn.exitStatus(status)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        return Outcome(status: exit, seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss), stdout: out)
    }
}

/// A benchmark that could not run as asked.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
