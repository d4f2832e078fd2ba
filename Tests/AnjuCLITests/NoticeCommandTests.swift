import Allocation
import AllocationFiles
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import Testing

/// `anju round freeze|draw` and `anju notice list|export|verify` as shipped, against a real database.
@Suite(.timeLimit(.minutes(5)))
struct NoticeCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A day after today everywhere on Earth, YYYY-MM-DD.
    static func daysAhead(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    @Test func freezeDrawExportVerify() async throws {
        let city = try await RoundCommandTests.ImportedCity(label: "noticecli", applicants: 500, slots: 200)
        // An applicant id that looks like a mobile number is imported, with a warning at its line.
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: city.scratch.path("in/applicants.csv"))), as: UTF8.self)
            .split(separator: "\n")
        let extra = city.scratch.path("extra.csv")
        let row = "A-13800138000" + String(lines[1].drop { $0 != "," })
        try Data((String(lines[0]) + "\n" + row + "\n").utf8).write(to: URL(fileURLWithPath: extra))
        let imported = try await city.anju(["import", "applicants", extra])
        #expect(imported.status == 0 && imported.stderr.contains("extra.csv:2: applicant_id: warning: A-13800138000 looks like a mobile phone number"), "\(imported)")

        let create = try await city.anju(["round", "create", "--policy", city.scratch.path("in/policy.json"), "--id", "R1"])
        try #require(create.status == 0, "\(create)")
        let commitment = SeedCeremony.commitment("bureau secret")
        let notary = SeedCeremony.commitment("notary secret")
        let date = Self.daysAhead(3)

        let bad = try await city.anju(["round", "freeze", "R1", "--bureau-commitment", "12ab", "--public-source", "SSE close", "--public-date", date])
        #expect(bad.status == 65 && bad.stderr.contains("bureau_commitment"), "\(bad)")
        let past = try await city.anju(["round", "freeze", "R1", "--bureau-commitment", commitment, "--public-source", "SSE close", "--public-date", Self.daysAhead(-2)])
        #expect(past.status == 65 && past.stderr.contains("not after today"), "\(past)")
        let usage = try await city.anju(["round", "freeze", "R1", "--bureau-commitment", commitment, "--public-source", "SSE close", "--public-date", date, "--witness", "notary"])
        #expect(usage.status == 64, "\(usage)")
        let freeze = try await city.anju([
            "round", "freeze", "R1", "--bureau-commitment", commitment, "--public-source", "SSE close", "--public-date", date,
            "--witness", "notary=\(notary)",
        ])
        try #require(freeze.status == 0, "\(freeze)")
        #expect(freeze.stdout.contains("pre-draw notice") && freeze.stdout.contains("--witness notary=SECRET"), "\(freeze)")

        let run = try await city.anju(["round", "run", "R1"])
        #expect(run.status == 65 && run.stderr.contains("frozen"), "\(run)")
        let wrong = try await city.anju(["round", "draw", "R1", "--bureau-secret", "guess", "--public-value", "3301.5", "--witness", "notary=notary secret"])
        #expect(wrong.status == 65 && wrong.stderr.contains("bureau_secret") && wrong.stderr.contains("nothing was changed"), "\(wrong)")
        let early = try await city.anju(["round", "draw", "R1", "--bureau-secret", "bureau secret", "--public-value", "3301.5", "--witness", "notary=notary secret"])
        #expect(early.status == 65 && early.stderr.contains("appears on \(date)"), "\(early)")
        #expect(try city.offers().isEmpty)

        // The public date comes: the draw (PostgreSQL's clock cannot be moved, the store's day can).
        var store = try Store(connection: city.connection, city: "sh", actor: "test:bureau")
        store.cityDateOverride = date
        _ = try store.drawRound("R1", reveal: SeedReveal(bureauSecret: "bureau secret", publicValue: "3301.5", witnessSecrets: ["notary": "notary secret"]))

        // A corrected result notice: one applicant not offered is offered by hand.
        let result = try store.notices("R1").last!
        let rows = String(decoding: try store.noticeFiles(result.noticeID).first { $0.name == "results.csv" }!.bytes, as: UTF8.self)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let waiting = rows.first { $0[4] != "offered" }![0]
        let project = rows.first { $0[4] == "offered" }![5]
        for (args, what) in [(["--outcome", "offered", "--reason", "offer_by_hand"], "offered without --project"),
                             (["--outcome", "unmatched", "--project", project, "--reason", "offer_by_hand"], "--project without offered"),
                             (["--outcome", "offered", "--project", project, "--reason", "favour"], "an unknown reason"),
                             (["--outcome", "won", "--reason", "offer_by_hand"], "an unknown outcome"),
                             (["--outcome", "offered", "--project", project, "--reason", "offer_by_hand", "--objection", "0"], "objection 0")] {
            let usage = try await city.anju(["notice", "correct", "R1", "--applicant", waiting] + args)
            #expect(usage.status == 64, "\(what): \(usage)")
        }
        let noSuch = try await city.anju(["notice", "correct", "R1", "--applicant", "nobody", "--outcome", "unmatched", "--reason", "clerical_error"])
        #expect(noSuch.status == 65 && noSuch.stderr.contains("nobody is not in round R1's result notice"), "\(noSuch)")
        let correct = try await city.anju([
            "notice", "correct", "R1", "--applicant", waiting, "--outcome", "offered", "--project", project, "--reason", "offer_by_hand",
        ])
        #expect(correct.status == 0 && correct.stdout.contains("supersedes notice \(result.noticeID)") && correct.stdout.contains("offered at \(project)"), "\(correct)")

        let list = try await city.anju(["notice", "list", "R1"])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 3 && list.stdout.contains("superseded by"), "\(list)")
        let out = city.scratch.path("notices")
        let export = try await city.anju(["notice", "export", "R1", "--out", out])
        try #require(export.status == 0, "\(export)")
        // Each table's rows as JSON beside it, the same rows; the verifiers ignore them.
        for (folder, table) in [("pre-draw", "pool"), ("pre-draw", "places"), ("result", "results"), ("result", "offers"), ("result", "corrections")] {
            let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(folder)/\(table).csv")), as: UTF8.self)
            let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/\(folder)/\(table).json"))) as? [String: Any]
            let rows = doc?["rows"] as? [[String: String]] ?? []
            #expect(rows.count == csv.split(separator: "\n").count - 1 && doc?["file"] as? String == "\(table).csv", "\(folder)/\(table).json")
        }
        let verify = try await city.anju(["notice", "verify", out])
        #expect(verify.status == 0 && verify.stdout.contains("verify"), "\(verify)")
        #expect(verify.stdout.contains("corrected one: 1 outcome(s) changed") && verify.stdout.contains("\(waiting): "), "\(verify)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/result/corrections.json"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/superseded/\(result.noticeID)-result/results.csv"))
        let python = try NoticeStoreTestsBridge.python(out)
        #expect(python == 0, "verify-notice.py with the JSON downloads beside the files")
        let roundVerify = try await city.anju(["round", "verify", "R1"])
        #expect(roundVerify.status == 0, "\(roundVerify)")

        // One changed byte in results.csv: both verifiers fail, the Swift one at the file.
        let results = URL(fileURLWithPath: out).appendingPathComponent("result/results.csv")
        var bytes = [UInt8](try Data(contentsOf: results))
        let i = bytes.lastIndex(of: UInt8(ascii: ","))! - 1
        bytes[i] = bytes[i] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try Data(bytes).write(to: results)
        let tampered = try await city.anju(["notice", "verify", out])
        #expect(tampered.status == 1 && tampered.stderr.contains("result/results.csv"), "\(tampered)")
        let missing = try await city.anju(["notice", "verify", city.scratch.path("nowhere")])
        #expect(missing.status == 66, "\(missing)")
    }
}

/// deploy/verify-notice.py's exit status on a folder.
enum NoticeStoreTestsBridge {
    static func python(_ folder: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [NoticeCommandTests.repository.appendingPathComponent("deploy/verify-notice.py").path, folder]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
