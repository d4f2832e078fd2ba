import Allocation
import AllocationFiles
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// Corrected result notices: after the draw the bureau changes outcomes (an upheld outcome
/// objection, a hand offer); the new notice supersedes the result notice, keeps the draw's
/// files byte for byte and lists the corrections; both verifiers accept it and reject it
/// tampered.
@Suite("Corrected result notices", .serialized)
struct NoticeCorrectionTests {
    typealias T = NoticeStoreTests
    typealias V = NoticeVerifierTests

    /// The rows of a notice file, by the test's own CSV reader.
    static func rows(_ bytes: [UInt8]) throws -> [[String: String]] { try CSVDocument(bytes).records }

    static func files(_ store: Store, _ notice: NoticeInfo) throws -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: try store.noticeFiles(notice.noticeID).map { ($0.name, $0.bytes) })
    }

    static func code(_ body: () throws -> Void) -> StoreError.Code? {
        do { try body() } catch let e as StoreError { return e.code } catch { return nil }
        return nil
    }

    @Test("an upheld outcome objection corrected: supersedes, keeps the draw, lists the corrections; refusals change nothing; tampering fails both verifiers")
    func correctAndVerify() throws {
        var rng = SplitMix64(seed: 515)
        let (store, folder, city) = try V.drawnRound(60, mechanism: .serial, rng: &rng)
        defer {
            try? FileManager.default.removeItem(at: folder)
            city.remove()
        }
        let round = "R60"
        let original = try store.notices(round).first { $0.kind == .result }!
        let drawFiles = try Self.files(store, original)
        let results = try Self.rows(drawFiles["results.csv"]!)
        let waiting = results.filter { $0["outcome"] != "offered" }.map { $0["applicant_id"]! }
        let offered = results.filter { $0["outcome"] == "offered" }
        try #require(waiting.count >= 3 && offered.count >= 2)
        let projects = Array(Set(offered.map { $0["project_id"]! })).sorted()
        let (u, o, other) = (waiting[0], offered[0]["applicant_id"]!, waiting[1])

        // The objection the first correction answers: upheld. Others that do not fit.
        let objection = try store.fileObjection(applicant: u, notice: nil, round: round, kind: .outcome, text: "My income was entered wrong.")
        _ = try store.answerObjection(objection.id, decision: .upheld, reply: "Right: we offer you a place by hand.")
        let open = try store.fileObjection(applicant: other, notice: nil, round: round, kind: .outcome, text: "Me too.")
        let rejectedOne = try store.fileObjection(applicant: o, notice: nil, round: round, kind: .outcome, text: "Why not a better one?")
        _ = try store.answerObjection(rejectedOne.id, decision: .rejected, reply: "The order is the draw's.")
        let poolNotice = try store.notices(round).first { $0.kind == .preDraw }!
        let poolObjection = try store.fileObjection(applicant: other, notice: poolNotice.noticeID, round: nil, kind: .pool, text: "Points.")
        _ = try store.answerObjection(poolObjection.id, decision: .upheld, reply: "Noted.")

        let before = try store.notices(round).count
        let refused: [(String, CorrectionRequest)] = [
            ("not in the result", .init(applicantID: "nobody", after: .init(.unmatched), reason: .clericalError)),
            ("no change", .init(applicantID: u, after: .init(.init(rawValue: results.first { $0["applicant_id"] == u }!["outcome"]!)!), reason: .clericalError)),
            ("offer without project", .init(applicantID: u, after: .init(.offered, project: ""), reason: .offerByHand)),
            ("no such project", .init(applicantID: u, after: .init(.offered, project: "NO-SUCH"), reason: .offerByHand)),
            ("someone else's objection", .init(applicantID: u, after: .init(.offered, project: projects[0]), objectionID: open.id, reason: .offerByHand)),
            ("an open objection", .init(applicantID: other, after: .init(.offered, project: projects[0]), objectionID: open.id, reason: .offerByHand)),
            ("a rejected objection", .init(applicantID: o, after: .init(.unmatched), objectionID: rejectedOne.id, reason: .dataCorrected)),
            ("a pool objection", .init(applicantID: other, after: .init(.offered, project: projects[0]), objectionID: poolObjection.id, reason: .dataCorrected)),
            ("no such objection", .init(applicantID: u, after: .init(.offered, project: projects[0]), objectionID: 999_999, reason: .offerByHand)),
        ]
        for (what, request) in refused {
            #expect(Self.code { _ = try store.correctResult(round, corrections: [request]) } == .invalidCorrection, "\(what)")
        }
        // One bad request among good ones refuses them all.
        #expect(Self.code {
            _ = try store.correctResult(round, corrections: [.init(applicantID: u, after: .init(.offered, project: projects[0]), reason: .offerByHand), refused[0].1])
        } == .invalidCorrection)
        #expect(Self.code { _ = try store.correctResult(round, corrections: []) } == .invalidCorrection)
        #expect(Self.code { _ = try store.correctResult("R-none", corrections: [refused[0].1]) } == .roundNotFound)
        #expect(try store.notices(round).count == before, "a refused correction published nothing")

        // The first correction answers the upheld objection.
        let first = try store.correctResult(
            round, corrections: [.init(applicantID: u, after: .init(.offered, project: projects[0]), objectionID: objection.id, reason: .offerByHand)])
        #expect(first.superseded.noticeID == original.noticeID && first.notice.supersedes == original.noticeID)
        let listed = try store.notices(round)
        #expect(listed.first { $0.noticeID == original.noticeID }?.supersededBy == first.notice.noticeID)
        #expect(first.notice.kind == .result && first.notice.tables == ["offers.csv", "results.csv", "corrections.csv"])
        let firstFiles = try Self.files(store, first.notice)
        #expect(firstFiles["results.csv"] == drawFiles["results.csv"] && firstFiles["offers.csv"] == drawFiles["offers.csv"])
        let json = try JSONSerialization.jsonObject(with: Data(firstFiles["notice.json"]!)) as! [String: Any]
        let drawJSON = try JSONSerialization.jsonObject(with: Data(drawFiles["notice.json"]!)) as! [String: Any]
        #expect(json["supersedes"] as? String == original.sha256 && json["corrections"] as? Int == 1 && json["corrected_at"] is String)
        #expect(Set(json.keys) == Set(drawJSON.keys).union(["supersedes", "corrections", "corrected_at"]))
        #expect(json["seed"] as? String == drawJSON["seed"] as? String)
        let drawnU = results.first { $0["applicant_id"] == u }!
        #expect(try Self.rows(firstFiles["corrections.csv"]!) == [[
            "seq": "1", "applicant_id": u, "outcome_before": drawnU["outcome"]!, "project_before": "", "outcome_after": "offered",
            "project_after": projects[0], "objection_id": String(objection.id), "reason": "offer_by_hand",
        ]])

        // A second correction, two changes at once: the earlier one stays listed, U's before is
        // their corrected outcome.
        let second = try store.correctResult(round, corrections: [
            .init(applicantID: o, after: .init(.ineligible), reason: .dataCorrected),
            .init(applicantID: u, after: projects.count > 1 ? .init(.offered, project: projects[1]) : .init(.unmatched), reason: .clericalError),
        ])
        let secondRows = try Self.rows(try Self.files(store, second.notice)["corrections.csv"]!)
        #expect(secondRows.map { $0["seq"]! } == ["1", "2", "3"])
        #expect(secondRows[1]["outcome_before"] == "offered" && secondRows[1]["project_before"] == offered[0]["project_id"])
        #expect(secondRows[2]["outcome_before"] == "offered" && secondRows[2]["project_before"] == projects[0])
        #expect(second.notice.supersedes == first.notice.noticeID)
        #expect(try T.count(store.connection, "SELECT count(*) FROM audit_log WHERE action = 'notice.correct'") == 2)
        // The superseded result notices stay readable, as published.
        #expect(try Self.files(store, original) == drawFiles)

        let exported = try T.export(store, round: round)
        defer { try? FileManager.default.removeItem(at: exported) }
        #expect(T.swiftVerify(exported) == [])
        #expect(try T.pythonVerify(exported).status == 0)
        #expect(NoticeVerifier.correctionLines(result: T.read(exported, .result)).count == 3)
        #expect(try store.verifyRound(round).differences.isEmpty, "round verify: the draw is unchanged")

        func field(_ line: String, _ i: Int, _ value: String) -> String {
            var f = line.components(separatedBy: ","); f[i] = value; return f.joined(separator: ",")
        }
        let cases: [(String, (URL) throws -> Void)] = [
            ("outcome_before changed, rehashed", {
                try V.edit($0, .result, "corrections.csv") { $0[1] = field($0[1], 2, $0[1].components(separatedBy: ",")[2] == "unmatched" ? "ineligible" : "unmatched") }
                try V.rehash($0, .result)
            }),
            ("an unknown reason, rehashed", {
                try V.edit($0, .result, "corrections.csv") { $0[2] = field($0[2], 7, "favour") }
                try V.rehash($0, .result)
            }),
            ("a correction removed, rehashed", {
                try V.edit($0, .result, "corrections.csv") { $0.remove(at: 1) }
                try V.rehash($0, .result)
            }),
            ("corrections.csv deleted, rehashed", {
                try FileManager.default.removeItem(at: $0.appendingPathComponent("result/corrections.csv"))
                try V.rehash($0, .result)
            }),
            ("a correction's project changed, not rehashed", {
                try V.edit($0, .result, "corrections.csv") { $0[1] = field($0[1], 5, "P-X") }
            }),
            ("a correction merged into results.csv, rehashed", {
                try V.edit($0, .result, "results.csv") { lines in
                    let i = lines.firstIndex { $0.hasPrefix(u + ",") }!
                    lines[i] = field(field(lines[i], 4, "offered"), 5, projects[0])
                }
                try V.rehash($0, .result)
            }),
            ("a correction with no change, rehashed", {
                try V.edit($0, .result, "corrections.csv") { lines in
                    let f = lines[1].components(separatedBy: ",")
                    lines[1] = field(field(lines[1], 4, f[2]), 5, f[3])
                }
                try V.rehash($0, .result)
            }),
        ]
        for (what, tamper) in cases {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("anju-correct-\(UUID().uuidString.prefix(8))")
            try FileManager.default.copyItem(at: exported, to: copy)
            defer { try? FileManager.default.removeItem(at: copy) }
            try tamper(copy)
            let swift = T.swiftVerify(copy)
            #expect(swift.contains { $0.contains("result/") }, "\(what): \(swift)")
            let python = try T.pythonVerify(copy)
            #expect(python.status == 1 && !python.stderr.isEmpty, "\(what): the Python verifier accepted it")
        }
    }

    @Test("random correction sequences on random rounds: corrections.csv is the plain model's, and both verifiers accept every notice")
    func randomSequences() throws {
        var rng = SplitMix64(seed: 77)
        for n in 61..<64 {
            let mechanism = Mechanism.allCases[n % Mechanism.allCases.count]
            let (store, folder, city) = try V.drawnRound(n, mechanism: mechanism, rng: &rng)
            defer {
                try? FileManager.default.removeItem(at: folder)
                city.remove()
            }
            let round = "R\(n)"
            let drawFiles = try Self.files(store, try store.notices(round).first { $0.kind == .result }!)
            let places = try Self.rows(T.read(folder, .preDraw)!["places.csv"]!).map { $0["project_id"]! }
            // The plain model: each applicant's outcome now, and the rows corrections.csv must hold.
            var now: [String: (String, String)] = [:]
            for row in try Self.rows(drawFiles["results.csv"]!) { now[row["applicant_id"]!] = (row["outcome"]!, row["project_id"]!) }
            let ids = now.keys.sorted()
            var expected: [[String: String]] = []
            for step in 0..<(1 + Int(rng.next() % 4)) {
                var requests: [CorrectionRequest] = []
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let id = ids[Int(rng.next() % UInt64(ids.count))]
                    var after: (String, String)
                    repeat {
                        let outcome = ["offered", "unmatched", "ineligible"][Int(rng.next() % 3)]
                        after = (outcome, outcome == "offered" ? places[Int(rng.next() % UInt64(places.count))] : "")
                    } while after == now[id]!
                    let reason = CorrectionReason.allCases[Int(rng.next() % 4)]
                    requests.append(.init(applicantID: id, after: .init(.init(rawValue: after.0)!, project: after.1), reason: reason))
                    expected.append([
                        "seq": String(expected.count + 1), "applicant_id": id, "outcome_before": now[id]!.0, "project_before": now[id]!.1,
                        "outcome_after": after.0, "project_after": after.1, "objection_id": "", "reason": reason.rawValue,
                    ])
                    now[id] = after
                }
                let report = try store.correctResult(round, corrections: requests)
                let files = try Self.files(store, report.notice)
                #expect(try Self.rows(files["corrections.csv"]!) == expected, "round \(n) step \(step)")
                #expect(files["results.csv"] == drawFiles["results.csv"] && files["offers.csv"] == drawFiles["offers.csv"])
                let exported = try T.export(store, round: round)
                defer { try? FileManager.default.removeItem(at: exported) }
                #expect(T.swiftVerify(exported) == [], "round \(n) step \(step)")
                #expect(try T.pythonVerify(exported).status == 0, "round \(n) step \(step)")
            }
            let chain = try store.notices(round).filter { $0.kind == .result }
            #expect(chain.dropLast().allSatisfy { $0.supersededBy != nil } && chain.last?.supersededBy == nil)
            #expect(zip(chain, chain.dropFirst()).allSatisfy { $0.supersededBy == $1.noticeID && $1.supersedes == $0.noticeID })
        }
    }
}
