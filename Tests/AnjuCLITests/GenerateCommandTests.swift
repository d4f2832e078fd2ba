import AnjuCLI
import ArgumentParser
import CityGenerator
import Foundation
import Testing

/// `anju generate`'s own part: its usage checks and that it writes what the generator draws.
@Suite struct GenerateCommandTests {
    @Test(arguments: [
        ["--applicants", "0", "--slots", "5", "--seed", "s"],
        ["--applicants", "5", "--slots", "-1", "--seed", "s"],
        ["--applicants", "5", "--slots", "5", "--seed", ""],
    ])
    func generateRejectsBadUsage(arguments: [String]) {
        do {
            _ = try GenerateCommand.parse(["--out", "/tmp/never-written"] + arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(GenerateCommand.exitCode(for: error) == ExitCode(64))
        }
    }

    @Test func generateWritesTheCity() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-gen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = try GenerateCommand.parse(["--out", folder, "--applicants", "25", "--slots", "10", "--seed", "cli"])
        try command.run()
        let written = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("slots.csv")))
        #expect([UInt8](written) == CityGenerator(applicants: 25, slots: 10, seed: "cli").generate().slotsCSV)
    }
}
