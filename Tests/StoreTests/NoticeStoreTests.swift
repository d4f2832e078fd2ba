import Allocation
import AllocationFiles
import CityGenerator
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// Freeze → pre-draw notice → correction → re-freeze → draw with the revealed seed → result
/// notice, on a real PostgreSQL; and the two verifiers (Swift and deploy/verify-notice.py)
/// against `round verify` and against tampered files.
@Suite("Public notice and the seed ceremony", .serialized)
struct NoticeStoreTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func recipe(_ secret: String, date: String = "2026-12-02", witnesses: [String: String] = [:]) -> SeedRecipe {
        SeedRecipe(
            bureauCommitment: SeedCeremony.commitment(secret), publicSource: "China Welfare Lottery 3D, draw 2026330",
            publicDate: date, witnesses: witnesses.map { .init(name: $0.key, commitment: SeedCeremony.commitment($0.value)) })
    }

    /// Writes the round's current notices as `anju notice export` does.
    static func export(_ store: Store, round: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-notice-\(UUID().uuidString.prefix(8))")
        for info in try store.notices(round) where info.supersededBy == nil {
            let dir = folder.appendingPathComponent(info.kind.folder)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for file in try store.noticeFiles(info.noticeID) {
                try Data(file.bytes).write(to: dir.appendingPathComponent(file.name))
            }
        }
        return folder
    }

    static func read(_ folder: URL, _ kind: NoticeKind) -> [String: [UInt8]]? {
        let dir = folder.appendingPathComponent(kind.folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return nil }
        var files: [String: [UInt8]] = [:]
        for name in names { files[name] = [UInt8](FileManager.default.contents(atPath: dir.appendingPathComponent(name).path)!) }
        return files
    }

    static func swiftVerify(_ folder: URL) -> [String] {
        NoticeVerifier.verify(preDraw: read(folder, .preDraw) ?? [:], result: read(folder, .result))
    }

    /// deploy/verify-notice.py's exit status and stderr.
    static func pythonVerify(_ folder: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [repository.appendingPathComponent("deploy/verify-notice.py").path, folder.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func count(_ c: PostgresConnection, _ sql: String) throws -> Int { Int(try c.query(sql).first?[0] ?? "-1") ?? -1 }

    @Test("freeze, correction, re-freeze, refused draws, then the draw: same as round run with the formed seed")
    func wholeCeremony() throws {
        let city = try CityFiles(applicants: 700, slots: 260, seed: "notice ceremony")
        defer { city.remove() }
        let connection = try TestDatabase.migrated("noticeflow")
        var store = try Store(connection: connection, city: "sh", actor: "test:bureau")
        store.cityDateOverride = "2026-12-01"
        try city.importInto(store)
        _ = try store.createRound(id: "R1", policy: try city.bytes("policy.json"), seed: "the bureau's own seed")

        // The public date must come after the freeze's day.
        let today = #expect(throws: StoreError.self) { try store.freezeRound("R1", recipe: Self.recipe("first", date: "2026-12-01")) }
        #expect(today?.code == .publicDateNotReached)
        let bad = #expect(throws: StoreError.self) {
            try store.freezeRound("R1", recipe: SeedRecipe(bureauCommitment: "abc", publicSource: "x", publicDate: "2026-12-02"))
        }
        #expect(bad?.code == .seedPartMismatch && bad?.problems.first?.location == .field("bureau_commitment"))
        #expect(try Self.count(connection, "SELECT count(*) FROM notices") == 0)

        let first = try store.freezeRound("R1", recipe: Self.recipe("first"))
        #expect(first.freeze == 1 && first.superseded == nil && first.notice.kind == .preDraw)
        #expect(first.applicants == city.loaded.input.applicants.count)
        let run = #expect(throws: StoreError.self) { try store.runRound("R1") }
        #expect(run?.code == .roundFrozen)

        // Before the public date, the draw is refused even with the right parts.
        let early = #expect(throws: StoreError.self) {
            try store.drawRound("R1", reveal: SeedReveal(bureauSecret: "first", publicValue: "372"))
        }
        #expect(early?.code == .publicDateNotReached)
        store.cityDateOverride = "2026-12-02"

        // A correction to an applicant's data after the freeze: the draw refuses the stale pool.
        let corrected = try connection.query(
            "SELECT applicant_id FROM applicants WHERE city = 'sh' AND status = 'waiting' ORDER BY applicant_id LIMIT 1").first![0]!
        try connection.query("UPDATE applicants SET priority_points = priority_points + 7 WHERE city = 'sh' AND applicant_id = $1", [corrected])
        let stale = #expect(throws: StoreError.self) {
            try store.drawRound("R1", reveal: SeedReveal(bureauSecret: "first", publicValue: "372"))
        }
        #expect(stale?.code == .poolChanged && stale?.description.contains(corrected) == true)

        // Re-freeze: a new snapshot and recipe, the first notice superseded and still readable.
        store.cityDateOverride = "2026-12-01"
        let witnesses = ["notary": "notary's own", "residents": "rep 17"]
        let recipe = Self.recipe("second secret", witnesses: witnesses)
        let second = try store.freezeRound("R1", recipe: recipe)
        #expect(second.freeze == 2 && second.superseded?.noticeID == first.notice.noticeID)
        let listed = try store.notices("R1")
        #expect(listed.map(\.noticeID) == [first.notice.noticeID, second.notice.noticeID])
        #expect(listed[0].supersededBy == second.notice.noticeID && listed[1].supersedes == first.notice.noticeID)
        #expect(try store.noticeFiles(first.notice.noticeID).count == 4)
        store.cityDateOverride = "2026-12-02"

        // Any part that does not match its commitment: refused, nothing changes.
        func state() throws -> [Int] {
            try ["SELECT count(*) FROM offers", "SELECT count(*) FROM round_draws", "SELECT count(*) FROM notices",
                 "SELECT count(*) FROM round_snapshots", "SELECT count(*) FROM round_results",
                 "SELECT count(*) FROM audit_log WHERE action IN ('round.draw', 'round.run')",
                 "SELECT count(*) FROM rounds WHERE status = 'draft' AND seed = 'the bureau''s own seed'",
                 "SELECT count(*) FROM applicants WHERE status = 'offered'", "SELECT count(*) FROM outbox"].map { try Self.count(connection, $0) }
        }
        let before = try state()
        for reveal in [
            SeedReveal(bureauSecret: "first", publicValue: "372", witnessSecrets: witnesses),
            SeedReveal(bureauSecret: "second secret", publicValue: "372", witnessSecrets: ["notary": "notary's own", "residents": "rep 18"]),
            SeedReveal(bureauSecret: "second secret", publicValue: "372", witnessSecrets: ["notary": "notary's own"]),
            SeedReveal(bureauSecret: "second secret", publicValue: "", witnessSecrets: witnesses),
        ] {
            let refused = #expect(throws: StoreError.self) { try store.drawRound("R1", reveal: reveal) }
            #expect(refused?.code == .seedPartMismatch)
            #expect(try state() == before)
        }

        let reveal = SeedReveal(bureauSecret: "second secret", publicValue: "372", witnessSecrets: witnesses)
        let drawn = try store.drawRound("R1", reveal: reveal)
        let seed = SeedCeremony.seed(recipe, reveal)
        #expect(drawn.round.status == "run" && drawn.round.seed == seed)
        #expect(try store.verifyRound("R1").differences.isEmpty)
        let again = #expect(throws: StoreError.self) { try store.drawRound("R1", reveal: reveal) }
        #expect(again?.code == .roundAlreadyRun)

        // The same round run the ordinary way with the formed seed gives the same results and offers.
        let twinConnection = try TestDatabase.migrated("noticetwin")
        let twin = try Store(connection: twinConnection, city: "sh", actor: "test:bureau")
        try city.importInto(twin)
        try twinConnection.query("UPDATE applicants SET priority_points = priority_points + 7 WHERE city = 'sh' AND applicant_id = $1", [corrected])
        _ = try twin.createRound(id: "R1", policy: try city.bytes("policy.json"), seed: seed)
        _ = try twin.runRound("R1")
        #expect(try twin.results("R1").rows == (try store.results("R1").rows))
        #expect(try offerPairs(twinConnection, round: "R1") == (try offerPairs(connection, round: "R1")))
        #expect(try Self.count(twinConnection, "SELECT count(*) FROM outbox") == (try Self.count(connection, "SELECT count(*) FROM outbox")))
        #expect(try twin.snapshot("R1").digests == (try store.snapshot("R1").digests))

        // Both verifiers accept the published notices.
        let folder = try Self.export(store, round: "R1")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(Self.swiftVerify(folder) == [])
        #expect(try Self.pythonVerify(folder).status == 0)

        // Published notices never change, and are never deleted.
        let resultID = try store.notices("R1").last!.noticeID
        for sql in [
            "UPDATE notice_files SET content = content || ' ' WHERE notice_id = \(resultID) AND name = 'results.csv'",
            "DELETE FROM notice_files WHERE notice_id = \(resultID)",
            "UPDATE notices SET sha256 = repeat('0', 64) WHERE notice_id = \(resultID)",
            "UPDATE notices SET superseded_by = \(resultID) WHERE notice_id = \(first.notice.noticeID)",
            "DELETE FROM notices WHERE notice_id = \(first.notice.noticeID)",
        ] {
            #expect(throws: PostgresError.self, "\(sql)") { try connection.query(sql) }
        }

        // No personal field on any notice: only the public columns and keys, no birth date or workplace.
        try Self.expectNoPersonalFields(store, round: "R1", city: city)
    }

    /// Every file of every notice of the round: CSV headers are the public ones, JSON keys
    /// are the notices' own, and no applicant's birth date, income, workplace or commute
    /// limit appears anywhere.
    static func expectNoPersonalFields(_ store: Store, round: String, city: CityFiles) throws {
        let allowedKeys: Set<String> = [
            "format", "kind", "city", "round_id", "mechanism", "round_date", "freeze", "snapshot_digest", "priority_order",
            "frozen_at", "supersedes", "seed_recipe", "formula", "bureau_commitment", "public_source", "public_date",
            "witnesses", "name", "commitment", "counts", "applicants", "by_category", "frontline_worker", "general",
            "youth_talent", "projects", "places", "project_id", "district", "programme", "policy_json", "drawn_at",
            "pre_draw_notice", "revealed", "bureau_secret", "public_value", "secret", "seed", "offered", "unmatched",
            "ineligible", "files", "sha256", "notice_sha256",
        ]
        let headers: Set<String> = [NoticeFormat.poolHeader, NoticeFormat.placesHeader, NoticeFormat.resultsHeader, NoticeFormat.offersHeader]
        let applicants = try CSVDocument(try city.bytes("applicants.csv"))
        var personal: Set<String> = []
        for row in applicants.records {
            for column in ["birth_date", "work_lat", "work_lon"] { personal.insert(row[column] ?? "") }
        }
        #expect(personal.count > 100)
        for info in try store.notices(round) {
            for file in try store.noticeFiles(info.noticeID) {
                let text = String(decoding: file.bytes, as: UTF8.self)
                if file.name.hasSuffix(".csv") {
                    #expect(headers.contains(String(text.prefix { $0 != "\n" })), "\(file.name)")
                } else {
                    let object = try JSONSerialization.jsonObject(with: Data(file.bytes))
                    var keys: Set<String> = []
                    func walk(_ value: Any) {
                        if let d = value as? [String: Any] {
                            for (k, v) in d { keys.insert(k); if k != "policy_json" { walk(v) } }
                        } else if let a = value as? [Any] { a.forEach(walk) }
                    }
                    walk(object)
                    #expect(keys.subtracting(allowedKeys).isEmpty, "\(file.name): \(keys.subtracting(allowedKeys))")
                }
                for value in personal where value.contains(".") || value.contains("-") {
                    #expect(!text.contains(value), "\(file.name) shows \(value)")
                }
            }
        }
    }
}

/// The two verifiers agree with each other and with `round verify` on random rounds, and
/// both reject every kind of tampering.
@Suite("Notice verifiers", .serialized)
struct NoticeVerifierTests {
    typealias T = NoticeStoreTests

    /// A drawn round of a random city, its notices exported.
    static func drawnRound(_ n: Int, mechanism: Mechanism, rng: inout SplitMix64) throws -> (store: Store, folder: URL, city: CityFiles) {
        let city = try CityFiles(
            applicants: Int.random(in: 40...600, using: &rng), slots: Int.random(in: 10...300, using: &rng), seed: "verifiers \(n)")
        let connection = try TestDatabase.migrated("noticeverify\(n)")
        var store = try Store(connection: connection, city: "c\(n)", actor: "test:bureau")
        store.cityDateOverride = "2026-12-01"
        try city.importInto(store)
        _ = try store.createRound(id: "R\(n)", policy: try city.bytes("policy.json"), mechanism: mechanism)
        var witnesses: [String: String] = [:]
        for i in 0..<Int.random(in: 0...2, using: &rng) { witnesses["w\(i)"] = "secret \(rng.next())" }
        let secret = "bureau \(rng.next())"
        _ = try store.freezeRound("R\(n)", recipe: T.recipe(secret, witnesses: witnesses))
        store.cityDateOverride = "2026-12-0\(Int.random(in: 2...9, using: &rng))"
        _ = try store.drawRound("R\(n)", reveal: SeedReveal(bureauSecret: secret, publicValue: "\(rng.next() % 1000)", witnessSecrets: witnesses))
        return (store, try T.export(store, round: "R\(n)"), city)
    }

    @Test("on random rounds both verifiers accept the notices, which agree with round verify and anju solve")
    func randomRoundsAgree() throws {
        var rng = SplitMix64(seed: 2026)
        for n in 0..<6 {
            let mechanism = Mechanism.allCases[n % Mechanism.allCases.count]
            let (store, folder, city) = try Self.drawnRound(n, mechanism: mechanism, rng: &rng)
            defer {
                try? FileManager.default.removeItem(at: folder)
                city.remove()
            }
            #expect(try store.verifyRound("R\(n)").differences.isEmpty)
            #expect(T.swiftVerify(folder) == [], "round \(n)")
            #expect(try T.pythonVerify(folder).status == 0, "round \(n)")
            // The JSON downloads carry the CSV files' rows field for field (CSV read by the
            // test's own reader, JSON by Foundation's).
            for kind in NoticeKind.allCases {
                let files = T.read(folder, kind)!
                for table in kind.tables {
                    let csv = try CSVDocument(files[table]!)
                    let json = NoticeRowsJSON(csv: files[table]!, file: table, noticeSHA256: "x", chunkSize: 1 + Int(rng.next() % 5000))
                    let doc = try JSONSerialization.jsonObject(with: Data(Array(json.joined()))) as! [String: Any]
                    #expect(doc["columns"] as? [String] == csv.header)
                    let rows = doc["rows"] as! [[String: String]]
                    #expect(rows.count == csv.rows.count, "round \(n) \(table)")
                    #expect(zip(rows, csv.rows).allSatisfy { $0 == Dictionary(uniqueKeysWithValues: zip(csv.header, $1)) }, "round \(n) \(table)")
                }
            }
            // The result notice says, applicant by applicant, what re-solving the snapshot with
            // the notice's own seed gives.
            let notice = try JSONSerialization.jsonObject(
                with: Data(T.read(folder, .result)!["notice.json"]!)) as! [String: Any]
            let seed = notice["seed"] as! String
            let resolved = try Allocator.solve(try store.snapshot("R\(n)").parse(), mechanism: mechanism, seed: seed)
            let rows = try CSVDocument(T.read(folder, .result)!["results.csv"]!).records
            #expect(rows.map { $0["applicant_id"]! } == resolved.rows.map(\.applicantID))
            #expect(rows.map { $0["outcome"]! } == resolved.rows.map(\.outcome.rawValue))
            #expect(rows.map { $0["project_id"]! } == resolved.rows.map { $0.projectID ?? "" })
            #expect(rows.map { $0["lottery_number"]! } == resolved.rows.map { String(Lottery.number(seed: seed, applicantID: $0.applicantID)) })
        }
    }

    /// Rewrites a notice folder's manifest to match its (tampered) files, as a forger would.
    static func rehash(_ folder: URL, _ kind: NoticeKind) throws {
        var files = T.read(folder, kind)!
        files["manifest.json"] = nil
        let notice = PublishedNotice(kind: kind, content: files.map { NoticeFile(name: $0.key, bytes: $0.value) })
        try Data(notice.file("manifest.json")!.bytes).write(to: folder.appendingPathComponent(kind.folder).appendingPathComponent("manifest.json"))
    }

    static func edit(_ folder: URL, _ kind: NoticeKind, _ name: String, _ change: (inout [String]) -> Void) throws {
        let url = folder.appendingPathComponent(kind.folder).appendingPathComponent(name)
        var lines = String(decoding: try Data(contentsOf: url), as: UTF8.self).components(separatedBy: "\n")
        change(&lines)
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
    }

    @Test("tampering with any published file makes both verifiers fail, at the file")
    func tampering() throws {
        var rng = SplitMix64(seed: 99)
        let (_, original, city) = try Self.drawnRound(40, mechanism: .deferredAcceptance, rng: &rng)
        defer {
            try? FileManager.default.removeItem(at: original)
            city.remove()
        }
        try #require(T.swiftVerify(original) == [])
        let offers = String(decoding: T.read(original, .result)!["offers.csv"]!, as: UTF8.self).split(separator: "\n")
        // Two rows of one project, to reorder.
        let pair = offers.indices.dropFirst().first { i in
            i + 1 < offers.count && offers[i].split(separator: ",")[0] == offers[i + 1].split(separator: ",")[0]
        }
        try #require(pair != nil)
        func field(_ line: String, _ i: Int, _ value: String) -> String {
            var f = line.components(separatedBy: ","); f[i] = value; return f.joined(separator: ",")
        }
        let cases: [(String, String, (URL) throws -> Void)] = [
            ("a lottery number changed", "result/results.csv", { try Self.edit($0, .result, "results.csv") { $0[3] = field($0[3], 3, "12345") } }),
            ("a lottery number changed, manifest rehashed", "result/results.csv:4", {
                try Self.edit($0, .result, "results.csv") { $0[3] = field($0[3], 3, "12345") }
                try Self.rehash($0, .result)
            }),
            ("an unmatched applicant made offered, rehashed", "result/", {
                try Self.edit($0, .result, "results.csv") { lines in
                    let i = lines.firstIndex { $0.contains(",unmatched,") || $0.contains(",ineligible,") }!
                    lines[i] = field(field(lines[i], 4, "offered"), 5, lines.first { $0.contains(",offered,") }!.components(separatedBy: ",")[5])
                }
                try Self.rehash($0, .result)
            }),
            ("two offers of a project reordered, rehashed", "result/offers.csv", {
                try Self.edit($0, .result, "offers.csv") { $0.swapAt(pair!, pair! + 1) }
                try Self.rehash($0, .result)
            }),
            ("the public value changed, rehashed", "result/notice.json", {
                try Self.edit($0, .result, "notice.json") { lines in
                    let i = lines.firstIndex { $0.contains("\"public_value\"") && !$0.contains("seed_recipe") }!
                    lines[i] = lines[i].replacingOccurrences(of: "\": \"", with: "\": \"1")
                }
                try Self.rehash($0, .result)
            }),
            ("the seed changed, rehashed", "result/notice.json", {
                try Self.edit($0, .result, "notice.json") { lines in
                    let i = lines.firstIndex { $0.contains("\"seed\": ") }!
                    lines[i] = "  \"seed\": \"\(SeedCeremony.commitment("another"))\","
                }
                try Self.rehash($0, .result)
            }),
            ("a pool row's points changed before the draw, rehashed", "result/notice.json", {
                try Self.edit($0, .preDraw, "pool.csv") { $0[1] = field($0[1], 2, "99") }
                try Self.rehash($0, .preDraw)
            }),
            ("the bureau commitment changed, both notices rehashed", "notice.json", {
                let forged = SeedCeremony.commitment("forged")
                for kind in NoticeKind.allCases {
                    try Self.edit($0, kind, "notice.json") { lines in
                        let i = lines.firstIndex { $0.contains("\"bureau_commitment\"") }!
                        lines[i] = "    \"bureau_commitment\": \"\(forged)\","
                    }
                }
                try Self.rehash($0, .preDraw)
                try Self.rehash($0, .result)
            }),
            ("the manifest edited", "result/manifest.json", {
                try Self.edit($0, .result, "manifest.json") { lines in
                    let i = lines.firstIndex { $0.contains("notice_sha256") }!
                    lines[i] = "  \"notice_sha256\": \"\(SeedCeremony.commitment("x"))\""
                }
            }),
            ("a file's digest in the manifest edited", "result/results.csv", {
                let results = T.read($0, .result)!["results.csv"]!
                try Self.edit($0, .result, "manifest.json") { lines in
                    let i = lines.firstIndex { $0.contains(InputFolder.sha256Hex(results)) }!
                    lines[i] = lines[i].replacingOccurrences(of: InputFolder.sha256Hex(results), with: SeedCeremony.commitment("y"))
                }
            }),
            ("a pool row removed", "pre-draw/pool.csv", { try Self.edit($0, .preDraw, "pool.csv") { $0.remove(at: 2) } }),
        ]
        for (what, located, tamper) in cases {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("anju-tamper-\(UUID().uuidString.prefix(8))")
            try FileManager.default.copyItem(at: original, to: copy)
            defer { try? FileManager.default.removeItem(at: copy) }
            try tamper(copy)
            let swift = T.swiftVerify(copy)
            #expect(!swift.isEmpty, "\(what): the Swift verifier accepted it")
            #expect(swift.contains { $0.contains(located) }, "\(what): \(swift)")
            let python = try T.pythonVerify(copy)
            #expect(python.status == 1, "\(what): the Python verifier accepted it")
            #expect(!python.stderr.isEmpty, "\(what)")
        }
    }
}

@Suite("Applicant ids that look personal")
struct PublicReferenceImportTests {
    @Test("import warns, at the line, of applicant ids that look like identity or mobile numbers, and imports them")
    func importWarns() throws {
        let db = try StoreFixtures.migrated("idwarn")
        let file = """
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id
            ap-k3x9q2m7w4z8,general,1,female,1990-01-01,5000,31.2,121.4,Putuo,,,false,0,
            11010519491231002X,general,1,male,1949-12-31,5000,31.2,121.4,Putuo,,,false,0,
            A-13800138000,general,1,male,1990-01-01,5000,31.2,121.4,Putuo,,,false,0,
            110105194912310021,general,1,male,1990-01-01,5000,31.2,121.4,Putuo,,,false,0,

            """
        let report = try db.store().importFile(.applicants, bytes: Array(file.utf8))
        #expect(report.inserted == 4)
        #expect(report.warnings.map(\.id) == ["11010519491231002X", "A-13800138000"])
        #expect(report.warnings.map(\.line) == [3, 4])
        #expect(report.warnings[0].reason.contains("identity number") && report.warnings[1].reason.contains("mobile"))
        let audit = try db.connection.query("SELECT details->>'ids_like_personal_numbers' FROM audit_log WHERE action = 'import'")
        #expect(audit.first?[0] == #"["11010519491231002X", "A-13800138000"]"#)
    }
}
