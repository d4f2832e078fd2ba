import Allocation
import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

/// Reasons in the applicant's language and times in the city's zone, end to end: a real
/// round run in PostgreSQL (the fixture's), read back through the JSON API and the status
/// page in zh-CN and en. Expected times are computed by PostgreSQL, not by the server's code.
@Suite("Applicant status in the reader's language and the city's time zone")
struct LocalizedStatusTests {
    @Test("zh-CN: the reason rendered in Chinese from the stored data; en: exactly results.csv's text")
    func reasonsInBothLanguages() async throws {
        let f = try ServerFixture.make("l10n_reason")
        let u = f.unmatched
        let stored = try Self.storedReasons(f)
        try await f.test { client in
            try await client.execute(uri: "/v1/applicants/A4", method: .get, headers: applicant("A4", token: f.tokens["A4"]!, language: "zh-CN")) { r in
                let status = try r.decoded(StatusView.self)
                #expect(status.reason == "没有月租金在您的上限 100 元以内的房源；向您开放的房源中最便宜的为 1,800 元。")
                #expect(status.reasonKind == "rent" && status.reasonLanguage == "zh-CN")
                #expect(status.history.first?.reason == status.reason)
                #expect(status.history.first?.reasonKind == "rent")
            }
            try await client.execute(uri: "/v1/applicants/A4", method: .get, headers: applicant("A4", token: f.tokens["A4"]!, language: "en")) { r in
                let status = try r.decoded(StatusView.self)
                #expect(status.reason == "No place open to you is within your rent limit of 100 yuan; the cheapest is 1,800 yuan.")
                #expect(status.reason == stored["A4"]?.text)
                #expect(status.reasonLanguage == "en")
            }
            for language in ["zh-CN", "en"] {
                try await client.execute(uri: "/v1/applicants/\(u)", method: .get, headers: applicant(u, token: f.tokens[u]!, language: language)) { r in
                    let status = try r.decoded(StatusView.self)
                    let data = try #require(stored[u]?.data)
                    #expect(status.reasonKind == "outranked")
                    #expect(status.reason == (language == "en" ? stored[u]?.text : data.chinese))
                    #expect(status.reasonLanguage == language)
                }
            }
            // The page: a Chinese reason in a zh-CN element, no English sentence anywhere.
            for id in [u, "A4", f.offered[0]] {
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": id, "token": f.tokens[id]!])) { r in
                    #expect(r.status == .ok)
                    if let data = stored[id]?.data {
                        #expect(r.text.contains(#"<blockquote lang="zh-CN">\#(StatusPageHTMLEscape.escape(data.chinese))</blockquote>"#), "\(id)")
                    }
                    let runs = Self.englishRuns(inPage: r.text, data: try Self.dataWords(f))
                    #expect(runs.isEmpty, "\(id): English in the zh-CN page: \(runs)")
                }
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "en"), body: form(["applicant_id": id, "token": f.tokens[id]!])) { r in
                    if let text = stored[id]?.text, !text.isEmpty {
                        #expect(r.text.contains(#"<blockquote lang="en">\#(StatusPageHTMLEscape.escape(text))</blockquote>"#), "\(id)")
                    }
                }
            }
        }
    }

    @Test("a round stored without reason data (before migration 008) shows its English text, marked as such")
    func storedEnglishFallback() async throws {
        let f = try ServerFixture.make("l10n_legacy")
        try f.connection.query("UPDATE round_results SET reason_data = NULL WHERE applicant_id = 'A4'")
        let english = try #require(try f.connection.query("SELECT reason FROM round_results WHERE applicant_id = 'A4'").first?[0])
        try await f.test { client in
            try await client.execute(uri: "/v1/applicants/A4", method: .get, headers: applicant("A4", token: f.tokens["A4"]!, language: "zh-CN")) { r in
                let status = try r.decoded(StatusView.self)
                #expect(status.language == "zh-CN")
                #expect(status.reason == english)
                #expect(status.reasonLanguage == "en")
                #expect(status.reasonKind == nil)
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": "A4", "token": f.tokens["A4"]!])) { r in
                #expect(r.text.contains(#"<blockquote lang="en">\#(StatusPageHTMLEscape.escape(english))</blockquote>"#))
                #expect(r.text.contains("仅保存了英文原文"))
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "en"), body: form(["applicant_id": "A4", "token": f.tokens["A4"]!])) { r in
                #expect(!r.text.contains("仅保存了英文原文"))
            }
        }
    }

    @Test("deadlines, history dates and tenancies in the city's zone: Asia/Shanghai by default, then another zone set for the city")
    func timesInTheCityZone() async throws {
        let f = try ServerFixture.make("l10n_time")
        let (a, b) = (f.offered[0], f.offered[1])
        #expect(try f.store().citySettings().timeZone == "Asia/Shanghai")
        try await f.test { client in
            try await Self.expectTimes(f, client, applicant: a, zone: "Asia/Shanghai", offset: "+08:00", zh: "北京时间，UTC+8", en: "Asia/Shanghai, UTC+8")
            // Accepting makes a tenancy: "since" in the city's zone too.
            try await client.execute(uri: "/v1/offers/\(f.offers[b]!)/accept", method: .post, headers: applicant(b, token: f.tokens[b]!), body: json("{}")) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/v1/applicants/\(b)", method: .get, headers: applicant(b, token: f.tokens[b]!)) { r in
                let status = try r.decoded(StatusView.self)
                let started = try Self.local("t.started_at", "tenancies t WHERE t.applicant_id = '\(b)'", zone: "Asia/Shanghai", f)
                #expect(status.tenancy?.startedAt == started.iso + "+08:00")
                // The history names the place by its project, not only by id.
                #expect(status.history.first?.projectName == status.tenancy?.place.projectName)
                #expect(status.history.first?.district == status.tenancy?.place.district)
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": b, "token": f.tokens[b]!])) { r in
                let started = try Self.local("t.started_at", "tenancies t WHERE t.applicant_id = '\(b)'", zone: "Asia/Shanghai", f)
                #expect(r.text.contains("<dd>\(started.zh)（北京时间，UTC+8）</dd>"), "since")
                let project = try #require(try f.connection.query(
                    "SELECT p.name FROM tenancies t JOIN slots s USING (city, slot_id) JOIN projects p USING (city, project_id) WHERE t.applicant_id = $1", [b]
                ).first?[0])
                #expect(r.text.contains("房源: \(StatusPageHTMLEscape.escape(project))"), "history names the project")
            }
            _ = try f.store(actor: "test:bureau").setTimeZone("Asia/Kathmandu")
            try await Self.expectTimes(f, client, applicant: a, zone: "Asia/Kathmandu", offset: "+05:45", zh: "Asia/Kathmandu，UTC+5:45", en: "Asia/Kathmandu, UTC+5:45")
        }
    }

    @Test("the city's time zone: IANA names only, one audit row per change")
    func settingTheTimeZone() throws {
        let f = try ServerFixture.make("l10n_set")
        let store = try f.store(actor: "test:bureau")
        for bad in ["Mars/Olympus", "CST", "+08:00", "", "asia/shanghai", "GMT+8"] {
            #expect(throws: StoreError.self, "\(bad)") { try store.setTimeZone(bad) }
        }
        #expect(try store.citySettings().timeZone == "Asia/Shanghai")
        #expect(try store.setTimeZone("Asia/Urumqi").timeZone == "Asia/Urumqi")
        #expect(try store.setTimeZone("UTC").timeZone == "UTC")
        let audit = try f.connection.query("SELECT details->>'time_zone', details->>'previous' FROM audit_log WHERE action = 'city.set' ORDER BY audit_id")
        #expect(audit.map { [$0[0] ?? "", $0[1] ?? ""] } == [["Asia/Urumqi", "Asia/Shanghai"], ["UTC", "Asia/Urumqi"]])
    }

    // MARK: Helpers

    /// The offer's deadline and the history's run time of `id`, in the API and on both pages.
    static func expectTimes(
        _ f: ServerFixture, _ client: any TestClientProtocol, applicant id: String, zone: String, offset: String, zh: String, en: String
    ) async throws {
        let deadline = try local("o.deadline", "offers o WHERE o.applicant_id = '\(id)' AND o.status = 'offered'", zone: zone, f)
        let run = try local("r.run_at", "rounds r WHERE r.round_id = 'R1'", zone: zone, f)
        try await client.execute(uri: "/v1/applicants/\(id)", method: .get, headers: applicant(id, token: f.tokens[id]!)) { r in
            let status = try r.decoded(StatusView.self)
            #expect(status.timeZone == zone)
            #expect(status.offer?.deadline == deadline.iso + offset)
            #expect(status.history.first?.runAt == run.iso + offset)
        }
        try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": id, "token": f.tokens[id]!])) { r in
            #expect(r.text.contains("<dd>\(deadline.zh)（\(zh)）</dd>"), "deadline: \(deadline.zh)")
            #expect(r.text.contains(" · \(run.zh)（\(zh)）"), "history date")
        }
        try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "en"), body: form(["applicant_id": id, "token": f.tokens[id]!])) { r in
            #expect(r.text.contains("<dd>\(deadline.en) (\(en))</dd>"), "deadline: \(deadline.en)")
        }
    }

    /// `column` of the row `from` selects, in `zone`, written by PostgreSQL: ISO without the
    /// offset, the Chinese date with minutes, the English date with minutes.
    static func local(_ column: String, _ from: String, zone: String, _ f: ServerFixture) throws -> (iso: String, zh: String, en: String) {
        let row = try #require(try f.connection.query(
            """
            SELECT to_char(\(column) AT TIME ZONE $1, 'YYYY-MM-DD"T"HH24:MI:SS'),
                   to_char(\(column) AT TIME ZONE $1, 'YYYY"年"FMMM"月"FMDD"日" HH24:MI'),
                   to_char(\(column) AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI')
            FROM \(from)
            """, [zone]).first)
        return (row[0] ?? "", row[1] ?? "", row[2] ?? "")
    }

    /// Each applicant's stored English reason and its data, as round run wrote them.
    static func storedReasons(_ f: ServerFixture) throws -> [String: (text: String, data: OutcomeReason?)] {
        var out: [String: (text: String, data: OutcomeReason?)] = [:]
        for row in try f.connection.query("SELECT applicant_id, reason, reason_data::text FROM round_results") {
            let data = try row[2].map { try JSONDecoder().decode(OutcomeReason.self, from: Data($0.utf8)) }
            out[row[0] ?? ""] = (row[1] ?? "", data)
        }
        return out
    }

    /// The city's own words (project names, districts, ids): data, not sentences of ours.
    static func dataWords(_ f: ServerFixture) throws -> [String] {
        let names = try f.connection.query("SELECT name, district, project_id FROM projects").flatMap { [$0[0] ?? "", $0[1] ?? "", $0[2] ?? ""] }
        return names + ["R1", "A1", "A2", "A3", "A4", "A5", "S1", "S2", "S9"]
    }

    /// Runs of three or more ASCII words in the page's text (tags, attribute values and
    /// `data` removed): what an English sentence left in a Chinese page looks like.
    static func englishRuns(inPage html: String, data: [String]) -> [String] {
        TestSupport.englishRuns(inPage: html, ignoring: data)
    }
}
