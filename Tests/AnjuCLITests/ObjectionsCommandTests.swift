import Allocation
import Foundation
import Postgres
@testable import Store
import Testing

/// `anju round freeze --objection-days` and `anju objections list|answer` as shipped.
@Suite("anju objections", .serialized)
struct ObjectionsCommandTests {
    @Test func freezeWindowListAnswer() async throws {
        let city = try await RoundCommandTests.ImportedCity(label: "objectionscli", applicants: 120, slots: 40)
        let create = try await city.anju(["round", "create", "--policy", city.scratch.path("in/policy.json"), "--id", "R1"])
        try #require(create.status == 0, "\(create)")
        let freezeArgs = ["round", "freeze", "R1", "--bureau-commitment", SeedCeremony.commitment("s"), "--public-source", "SSE close",
                          "--public-date", NoticeCommandTests.daysAhead(3)]
        for bad in ["-1", "91", "seven"] {
            let refused = try await city.anju(freezeArgs + ["--objection-days", bad])
            #expect(refused.status == 64 && refused.stderr.contains("objection-days"), "\(refused)")
        }
        let defaulted = try await city.anju(freezeArgs)
        #expect(defaulted.status == 0 && defaulted.stdout.contains("open for objections 7 days, until "), "\(defaulted)")
        let freeze = try await city.anju(freezeArgs + ["--objection-days", "0"])
        try #require(freeze.status == 0, "\(freeze)")
        #expect(freeze.stdout.contains("open for objections 0 days, until "), "\(freeze)")

        let store = try Store(connection: city.connection, city: "sh", actor: "test:bureau")
        let notice = try #require(try store.notices("R1").last)
        #expect(notice.objectionDays == 0 && notice.supersededBy == nil)
        let applicant = try #require(try city.connection.query(
            "SELECT applicant_id FROM applicants WHERE city = 'sh' AND status = 'waiting' ORDER BY applicant_id LIMIT 1").first?[0] ?? nil)
        let filed = try store.fileObjection(applicant: applicant, notice: nil, round: "R1", kind: .pool, text: "my points\nare 40")

        let empty = try await city.anju(["objections", "list", "--status", "upheld"])
        #expect(empty.status == 0 && empty.stdout == "no upheld objections\n", "\(empty)")
        let list = try await city.anju(["objections", "list"])
        #expect(list.status == 0 && list.stdout == "\(filed.id)\topen\t\(applicant)\tround R1 notice \(notice.noticeID)\tpool\t\(filed.filedAt)\tmy points are 40\n", "\(list)")
        let badStatus = try await city.anju(["objections", "list", "--status", "closed"])
        #expect(badStatus.status == 64, "\(badStatus)")
        let badDecision = try await city.anju(["objections", "answer", String(filed.id), "--decision", "maybe", "--reply", "x"])
        #expect(badDecision.status == 64, "\(badDecision)")
        let answer = try await city.anju(["objections", "answer", String(filed.id), "--decision", "upheld", "--reply", "we correct it"])
        #expect(answer.status == 0 && answer.stdout.contains("objection \(filed.id) upheld") && answer.stdout.contains("freeze round R1 again"), "\(answer)")
        let again = try await city.anju(["objections", "answer", String(filed.id), "--decision", "rejected", "--reply", "no"])
        #expect(again.status == 65 && again.stderr.contains("answered already"), "\(again)")
        let missing = try await city.anju(["objections", "answer", "99999", "--decision", "rejected", "--reply", "no"])
        #expect(missing.status == 65, "\(missing)")
        let all = try await city.anju(["objections", "list", "--status", "all"])
        #expect(all.stdout.contains("\tupheld\t") && all.stdout.contains("reply: we correct it"), "\(all)")
        let audited = try city.connection.query(
            "SELECT actor FROM audit_log WHERE action = 'objection.answer' AND entity_id = $1", [String(filed.id)]).first?[0] ?? nil
        #expect(audited?.hasPrefix("cli:") == true, "\(audited ?? "none")")
    }
}
