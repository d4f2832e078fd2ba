import Allocation
import AllocationFiles
import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// The public notice pages: no sign-in, both languages, pages and search, downloads byte for
/// byte, superseded notices marked, and no personal field anywhere.
@Suite("Public notice pages")
struct NoticePageTests {
    struct Town: Sendable {
        let configuration: ServerConfiguration
        let notices: [NoticeInfo]
        let files: [Int64: [NoticeFile]]
        let applicants: [String]
        /// Values of personal fields that must never be shown.
        let personal: [String]
    }

    /// 450 applicants, 40 places in two projects; frozen, corrected and frozen again, drawn.
    static func town(_ label: String, corrected: Bool = false) throws -> Town {
        let (connection, url) = try TestDatabase.migratedWithURL(label)
        var store = try Store(connection: connection, city: "c1", actor: "test:bureau")
        store.cityDateOverride = "2026-12-01"
        var rng = SplitMix64(seed: 450)
        _ = try store.importFile(.projects, bytes: Array("""
            project_id,name,district,lat,lon,programme
            P1,人民广场公寓,Huangpu,31.2304,121.4737,general
            P2,Putuo Court,Putuo,31.2494,121.3970,general

            """.utf8))
        var slots = "slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id\n"
        for i in 0..<40 { slots += "S\(i),P\(i % 2 + 1),apartment,,3,\(1500 + i * 10),any,false,available,\n" }
        _ = try store.importFile(.slots, bytes: Array(slots.utf8))
        var applicants = "applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id\n"
        var ids: [String] = []
        var personal: [String] = []
        for i in 0..<450 {
            let id = String(format: "ap-%05d", i)
            let birth = String(format: "19%02d-%02d-%02d", 70 + Int(rng.next() % 30), 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
            let lat = String(format: "31.%05d", 10000 + Int(rng.next() % 80000))
            let lon = String(format: "121.%05d", 30000 + Int(rng.next() % 60000))
            ids.append(id)
            personal += [birth, lat, lon]
            applicants += "\(id),general,1,\(i % 2 == 0 ? "female" : "male"),\(birth),\(3000 + i),\(lat),\(lon),Workdistrict\(i % 7),90,,false,\(rng.next() % 4),\n"
        }
        personal += (0..<7).map { "Workdistrict\($0)" }
        _ = try store.importFile(.applicants, bytes: Array(applicants.utf8))
        _ = try store.createRound(id: "R9", policy: Array(#"{"round_date": "2026-12-01", "seed": "unused"}"#.utf8))
        let recipe = SeedRecipe(
            bureauCommitment: SeedCeremony.commitment("s1"), publicSource: "SSE Composite close", publicDate: "2026-12-02")
        _ = try store.freezeRound("R9", recipe: recipe)
        try connection.query("UPDATE applicants SET priority_points = 9 WHERE city = 'c1' AND applicant_id = 'ap-00003'")
        let recipe2 = SeedRecipe(
            bureauCommitment: SeedCeremony.commitment("s2"), publicSource: "SSE Composite close", publicDate: "2026-12-02",
            witnesses: [.init(name: "notary", commitment: SeedCeremony.commitment("n"))])
        _ = try store.freezeRound("R9", recipe: recipe2)
        store.cityDateOverride = "2026-12-02"
        _ = try store.drawRound("R9", reveal: SeedReveal(bureauSecret: "s2", publicValue: "3412.08", witnessSecrets: ["notary": "n"]))
        if corrected {
            // ap-00001's outcome changed after the draw, answering their upheld objection.
            let objection = try store.fileObjection(applicant: "ap-00001", notice: nil, round: "R9", kind: .outcome, text: "Wrong income.")
            _ = try store.answerObjection(objection.id, decision: .upheld, reply: "Corrected.")
            let current = try store.notices("R9").last!
            let results = String(decoding: try store.noticeFiles(current.noticeID).first { $0.name == "results.csv" }!.bytes, as: UTF8.self)
            let was = results.split(separator: "\n").first { $0.hasPrefix("ap-00001,") }!.split(separator: ",", omittingEmptySubsequences: false)[4]
            _ = try store.correctResult("R9", corrections: [.init(
                applicantID: "ap-00001", after: was == "offered" ? .init(.unmatched) : .init(.offered, project: "P2"),
                objectionID: objection.id, reason: .dataCorrected)])
        }
        let notices = try store.notices("R9")
        var files: [Int64: [NoticeFile]] = [:]
        for n in notices { files[n.noticeID] = try store.noticeFiles(n.noticeID) }
        return Town(
            configuration: ServerConfiguration(
                databaseURL: url, city: "c1", poolSize: 2, acquireTimeout: .seconds(5),
                identityKey: try IdentityKey(bytes: Array(repeating: 7, count: 32))),
            notices: notices, files: files, applicants: ids, personal: personal)
    }

    static func rows(_ html: String) -> Int { html.components(separatedBy: "<tr>").count - 2 }

    @Test("indexes, a notice a page at a time, search, tables, superseded marked, errors as pages")
    func pages() async throws {
        let town = try Self.town("notice_pages")
        let (old, current, result) = (town.notices[0], town.notices[1], town.notices[2])
        #expect(old.supersededBy == current.noticeID && result.kind == .result)
        try await testApplication(town.configuration) { client in
            try await client.execute(uri: "/notices", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentLanguage] == "en")
                #expect(r.text.contains(#"href="/notices/R9""#))
            }
            try await client.execute(uri: "/notices", method: .get, headers: [.acceptLanguage: "zh-CN"]) { r in
                #expect(r.text.contains("住房分配公示") && r.text.contains(#"<html lang="zh-CN">"#))
            }
            try await client.execute(uri: "/notices/R9", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text.components(separatedBy: "superseded by a corrected notice").count == 2)
                for n in town.notices { #expect(r.text.contains(n.sha256)) }
            }
            try await client.execute(uri: "/notices/R9/\(old.noticeID)", method: .get) { r in
                #expect(r.status == .ok && r.text.contains("has been superseded") && r.text.contains("/notices/R9/\(current.noticeID)"))
            }
            try await client.execute(uri: "/notices/R9/\(current.noticeID)", method: .get) { r in
                #expect(!r.text.contains("has been superseded"))
                for name in ["pool.csv", "pool.json", "places.csv", "places.json", "notice.json", "manifest.json"] {
                    #expect(r.text.contains("href=\"/notices/R9/\(current.noticeID)/\(name)\""), "\(name) linked")
                }
                #expect(r.text.contains("Page 1 of 5, 450 rows") && Self.rows(r.text) == 100)
                #expect(r.text.contains(SeedCeremony.commitment("s2")) && r.text.contains("notary"))
            }
            try await client.execute(uri: "/notices/R9/\(result.noticeID)?table=results.csv&page=5", method: .get) { r in
                #expect(r.text.contains("Page 5 of 5, 450 rows") && Self.rows(r.text) == 50)
                #expect(r.text.contains(#"rel="prev""#) && !r.text.contains(#"rel="next""#))
                #expect(r.text.contains("3412.08"))
            }
            try await client.execute(uri: "/notices/R9/\(result.noticeID)?table=results.csv&page=99", method: .get) { r in
                #expect(r.status == .ok && r.text.contains("Page 5 of 5"))
            }
            try await client.execute(uri: "/notices/R9/\(result.noticeID)?table=offers.csv", method: .get) { r in
                #expect(r.text.contains("Page 1 of 1, 40 rows") && Self.rows(r.text) == 40)
            }
            try await client.execute(uri: "/notices/R9/\(result.noticeID)?table=results.csv&ref=ap-00123", method: .get) { r in
                #expect(Self.rows(r.text) == 1 && r.text.contains("<td>ap-00123</td>"))
            }
            try await client.execute(uri: "/notices/R9/\(result.noticeID)?ref=ap-99999", method: .get) { r in
                #expect(Self.rows(r.text) == 0 && r.text.contains("No row has the public reference ap-99999"))
            }
            try await client.execute(uri: "/notices/R9/\(result.noticeID)?ref=%3Cb%3E", method: .get) { r in
                #expect(r.text.contains("&lt;b&gt;") && !r.text.contains("<b>"))
            }
            for bad in ["0", "-1", "abc", "1.5"] {
                try await client.execute(uri: "/notices/R9/\(result.noticeID)?page=\(bad)", method: .get) { r in
                    #expect(r.status == .badRequest, "page=\(bad)")
                }
            }
            for missing in ["/notices/R8", "/notices/R9/999999", "/notices/R9/abc", "/notices/R8/\(result.noticeID)",
                            "/notices/R9/\(result.noticeID)?table=pool.csv", "/notices/R9/\(result.noticeID)/pool.csv",
                            "/notices/R9/\(result.noticeID)/pool.json", "/notices/R8/\(result.noticeID)/results.json",
                            "/notices/R9/999999/results.json", "/notices/R9/abc/results.json"] {
                try await client.execute(uri: missing, method: .get) { r in
                    #expect(r.status == .notFound, "\(missing)")
                    #expect(r.headers[.contentType] == "text/html; charset=utf-8", "\(missing)")
                }
            }
            // A path no route has is the API's 404 problem, as anywhere else.
            try await client.execute(uri: "/notices/R9/\(result.noticeID)/x/manifest.json", method: .get) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/notices.css", method: .get) { r in
                #expect(r.status == .ok && r.text.contains("@page { size: A4"))
            }
        }
    }

    @Test("a corrected result notice: says what it supersedes and why, lists the corrections in zh-CN and en; the old one marked and linked; no personal field")
    func correctedNotice() async throws {
        let town = try Self.town("notice_corrected", corrected: true)
        let (old, corrected) = (town.notices[2], town.notices[3])
        #expect(old.supersededBy == corrected.noticeID && corrected.supersedes == old.noticeID && corrected.kind == .result)
        let forbidden = town.personal + ["birth_date", "monthly_income", "Wrong income", "Corrected."]
        try await testApplication(town.configuration) { client in
            try await client.execute(uri: "/notices/R9/\(old.noticeID)", method: .get) { r in
                #expect(r.text.contains("has been superseded") && r.text.contains("href=\"/notices/R9/\(corrected.noticeID)\""))
            }
            try await client.execute(uri: "/notices/R9/\(corrected.noticeID)", method: .get) { r in
                #expect(r.text.contains("This notice supersedes (corrects)") && r.text.contains("href=\"/notices/R9/\(old.noticeID)\""))
                #expect(r.text.contains("the draw itself (seed, lottery numbers, priority order) is unchanged; the 1 outcome(s)"))
                #expect(r.text.contains("?table=corrections.csv") && r.text.contains("/corrections.json"))
                #expect(!r.text.contains("has been superseded"))
            }
            for (language, reason, heading) in [("en", String(CorrectionReason.dataCorrected.english.drop { $0 != "'" }.dropFirst()), "Corrections after the draw"),
                                                ("zh-CN", CorrectionReason.dataCorrected.chinese, "摇号后更正")] {
                try await client.execute(
                    uri: "/notices/R9/\(corrected.noticeID)?table=corrections.csv", method: .get, headers: [.acceptLanguage: language]
                ) { r in
                    #expect(r.status == .ok && Self.rows(r.text) == 1, "\(language)")
                    #expect(r.text.contains("<td>ap-00001</td>") && r.text.contains(reason) && r.text.contains(heading), "\(language): \(r.text.suffix(700))")
                    #expect(!r.text.contains("data_corrected"), "\(language): the reason is rendered, not its code")
                    for value in forbidden { #expect(!r.text.contains(value), "\(language) shows \(value)") }
                }
            }
            try await client.execute(uri: "/notices/R9/\(corrected.noticeID)/corrections.json", method: .get) { r in
                let doc = try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any] ?? [:]
                let rows = doc["rows"] as? [[String: String]] ?? []
                #expect(rows.count == 1 && rows.first?["applicant_id"] == "ap-00001" && rows.first?["reason"] == "data_corrected")
                let text = String(decoding: r.body.readableBytesView, as: UTF8.self)
                for value in forbidden { #expect(!text.contains(value)) }
            }
            // The draw's own tables are the superseded notice's, byte for byte.
            for name in ["results.csv", "offers.csv"] {
                #expect(town.files[corrected.noticeID]!.first { $0.name == name } == town.files[old.noticeID]!.first { $0.name == name })
            }
            try await client.execute(uri: "/notices/R9/\(old.noticeID)?table=corrections.csv", method: .get) { r in
                #expect(r.status == .notFound, "the draw's notice has no corrections")
            }
        }
    }

    @Test("every download is the stored file byte for byte, and no page or download shows a personal field")
    func downloadsAndPersonalFields() async throws {
        let town = try Self.town("notice_scan", corrected: true)
        #expect(town.notices.last?.tables.contains("corrections.csv") == true)
        let forbidden = town.personal + ["birth_date", "monthly_income", "work_lat", "work_lon", "work_district", "max_commute",
                                         "household", "employer", "phone", "email"]
        try await testApplication(town.configuration) { client in
            var uris = ["/notices", "/notices/R9"]
            for n in town.notices {
                for file in town.files[n.noticeID]! {
                    try await client.execute(uri: "/notices/R9/\(n.noticeID)/\(file.name)", method: .get) { r in
                        #expect(r.status == .ok)
                        #expect(Array(r.body.readableBytesView) == file.bytes, "\(file.name) is not the stored bytes")
                        #expect(r.headers[.contentType] == (file.name.hasSuffix(".csv") ? "text/csv; charset=utf-8" : "application/json"))
                        let text = String(decoding: file.bytes, as: UTF8.self)
                        for value in forbidden { #expect(!text.contains(value), "\(file.name) shows \(value)") }
                    }
                }
                // Each table's rows as JSON: the stored CSV's rows field for field (read by the
                // test's own CSV reader), and no personal value either.
                for table in n.tables {
                    let name = NoticeRowsJSON.name(forTable: table)
                    let csv = try CSVDocument(town.files[n.noticeID]!.first { $0.name == table }!.bytes)
                    try await client.execute(uri: "/notices/R9/\(n.noticeID)/\(name)", method: .get) { r in
                        #expect(r.status == .ok && r.headers[.contentType] == "application/json", "\(name)")
                        let text = String(decoding: r.body.readableBytesView, as: UTF8.self)
                        for value in forbidden { #expect(!text.contains(value), "\(name) shows \(value)") }
                        let doc = try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any] ?? [:]
                        #expect(doc["notice_sha256"] as? String == n.sha256 && doc["file"] as? String == table)
                        #expect(doc["columns"] as? [String] == csv.header)
                        let rows = doc["rows"] as? [[String: String]] ?? []
                        #expect(rows.count == csv.rows.count && rows.count > 0, "\(name)")
                        for (got, want) in zip(rows, csv.rows) {
                            #expect(got == Dictionary(uniqueKeysWithValues: zip(csv.header, want)), "\(name)")
                        }
                    }
                }
                for table in n.tables {
                    let pages = (n.kind == .preDraw && table == "pool.csv") || table == "results.csv" ? 5 : 1
                    uris += (1...pages).map { "/notices/R9/\(n.noticeID)?table=\(table)&page=\($0)" }
                    uris.append("/notices/R9/\(n.noticeID)?table=\(table)&ref=ap-00007")
                }
            }
            for uri in uris {
                for language in ["en", "zh-CN"] {
                    try await client.execute(uri: uri, method: .get, headers: [.acceptLanguage: language]) { r in
                        #expect(r.status == .ok, "\(uri)")
                        #expect(!r.text.lowercased().contains("<script") && !r.text.contains("style="), "\(uri)")
                        for value in forbidden { #expect(!r.text.contains(value), "\(uri) shows \(value)") }
                    }
                }
            }
            // Every applicant appears on the pool's pages, one page at a time.
            var seen: Set<String> = []
            for page in 1...5 {
                try await client.execute(uri: "/notices/R9/\(town.notices[1].noticeID)?table=pool.csv&page=\(page)", method: .get) { r in
                    for id in town.applicants where r.text.contains("<td>\(id)</td>") { seen.insert(id) }
                }
            }
            #expect(seen.count == town.applicants.count)
        }
    }
}
