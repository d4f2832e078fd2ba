import Foundation
import Harness
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A child started by `Spawn` sees the signals a service manager sends, even when the thread
/// that starts it blocks them (as Dispatch workers do); `BackgroundProcess` reaps it once.
@Suite struct SpawnTests {
    @Test func childSeesSIGTERMThoughTheStartingThreadBlocksIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-spawn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let child = Result { try BackgroundProcess(["sleep", "30"], output: folder.appendingPathComponent("out").path) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        let process = try child.get()
        #expect(process.isRunning)
        kill(process.pid, SIGTERM)
        #expect(process.wait() == 128 + SIGTERM)
        #expect(process.exitStatus() == 128 + SIGTERM, "reaped once, remembered")
    }

    @Test func runGivesStatusAndOutput() throws {
        let (status, output) = try BackgroundProcess.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(status == 3)
        #expect(output == "out\nerr\n")
    }

    @Test func stopEndsAProcessThatIgnoresSIGTERM() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("anju-spawn-\(UUID().uuidString).out").path
        defer { unlink(output) }
        let process = try BackgroundProcess(["sh", "-c", "trap '' TERM; echo trapped; exec sleep 30"], output: output)
        while !process.printed.contains("trapped") { usleep(10_000) }
        process.stop(gracePeriod: .milliseconds(300))
        #expect(process.exitStatus() == 128 + SIGKILL)
    }

    @Test func aMissingProgramIsAnError() {
        #expect(throws: SpawnError.self) { try BackgroundProcess(["/nonexistent/anju-test"], output: "/dev/null") }
    }
}
