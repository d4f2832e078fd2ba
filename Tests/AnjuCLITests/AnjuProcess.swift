import Foundation

/// What a shell script sees of one finished run of `anju` (or of another program a test
/// runs): the exit status and both streams.
struct ProcessRun: CustomStringConvertible {
    /// The program's name, for messages.
    let program: String
    /// The exit status, or the signal number when `crashed`.
    let status: Int32
    /// Ended by a signal (a trap, `fatalError`) rather than by exiting.
    let crashed: Bool
    let stdout: String
    let stderr: String

    /// stderr's lines, without empty ones.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    /// The lines of stderr in the contract's diagnostic form `FILE:LINE: COLUMN: message`.
    var diagnostics: [String] { stderrLines.filter(ProcessRun.isDiagnostic) }

    /// `FILE:LINE: COLUMN: message` with a bare file name, a positive line and a non-empty
    /// column and message.
    static func isDiagnostic(_ line: String) -> Bool {
        line.wholeMatch(of: /[A-Za-z0-9_.-]+:[1-9][0-9]*: [^ :]+: .+/) != nil
    }

    /// Enough to diagnose a failed expectation without rerunning by hand.
    var description: String {
        "\(program) \(crashed ? "crashed with signal" : "exited") \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }

    /// Runs `executable arguments…` to completion. The streams go to files rather than
    /// pipes, so a chatty child can never block on a full pipe. `environment` adds to (or
    /// overrides) the test process's own variables.
    static func run(_ executable: URL, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> ProcessRun {
        let streams = try ScratchFolder()
        let stdoutURL = streams.url.appendingPathComponent("stdout")
        let stderrURL = streams.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let (status, reason) = try await withCheckedThrowingContinuation {
            (finished: CheckedContinuation<(Int32, Process.TerminationReason), any Error>) in
            process.terminationHandler = { finished.resume(returning: ($0.terminationStatus, $0.terminationReason)) }
            do { try process.run() } catch { finished.resume(throwing: error) }
        }
        try stdout.close()
        try stderr.close()
        return ProcessRun(
            program: executable.lastPathComponent, status: status, crashed: reason == .uncaughtSignal,
            stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
    }
}

/// Runs the real `anju` executable as a child process, the way a bureau's scripts do, so
/// argument parsing, exit codes and the streams are tested as shipped.
enum Anju {
    /// The executable `swift build --build-tests` put beside the test bundle
    /// (`.build/<triple>/debug/anju`), else `.build/debug/anju` under the package root.
    /// `ANJU_EXECUTABLE` overrides both, to run these tests against another build
    /// (a release binary, an installed one).
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["ANJU_EXECUTABLE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("anju")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/anju")
    }()

    struct NotBuilt: Error, CustomStringConvertible {
        var description: String { "no anju executable at \(Anju.executable.path); run `swift build --build-tests` first" }
    }

    /// Runs `anju arguments…` to completion (see `ProcessRun.run`). Crash backtraces are
    /// turned off: they take seconds to symbolicate and the tests only need the message.
    /// `environment` adds to (or overrides) the test process's own variables, e.g.
    /// `DATABASE_URL` for the database commands.
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ProcessRun {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw NotBuilt() }
        return try await ProcessRun.run(
            executable, arguments, environment: ["SWIFT_BACKTRACE": "enable=no"].merging(extra) { _, new in new })
    }
}

/// A fresh folder under the system's temporary folder, removed with everything in it when
/// the last reference goes.
final class ScratchFolder {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("anju-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the folder; nothing is created.
    func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }
}

/// Small file-system conveniences for the tests, in bytes, since the contract is about bytes.
enum Files {
    static func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Every file in `folder` with its bytes, so a whole folder can be compared before and after.
    static func snapshot(_ folder: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = try read((folder as NSString).appendingPathComponent(name))
        }
        return files
    }
}
