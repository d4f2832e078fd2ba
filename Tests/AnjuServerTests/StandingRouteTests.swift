import Allocation
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// "Where you stand" end to end over the fixture's real round in PostgreSQL (deferred
/// acceptance, local priority): the JSON API and the status page in zh-CN and en, for the
/// unmatched applicant, the ineligible one, one never in a round and one with an offer.
/// Figures are checked against the fixture's own facts and the reason stored at the run.
@Suite("Where you stand: API and page")
struct StandingRouteTests {
    struct Body: Decodable {
        struct Line: Decodable {
            var projectId: String
            var places: Int
            var offered: Int
            var eligible: Int
            var position: Int?
            var cutoff: Int?
            var ahead: Int?
            var text: String
        }
        struct WhatIf: Decodable {
            var extraMin: Int?
            var extraYuan: Int?
            var projects: Int
            var likely: Int
            var text: String
        }
        var available: Bool
        var roundId: String?
        var mechanism: String?
        var order: String?
        var position: Int?
        var applicants: Int?
        var openProjects: Int?
        var nearest: [Line]?
        var longerCommute: [WhatIf]?
        var higherRent: [WhatIf]?
        var summary: String
        var caveat: String?
    }

    struct View: Decodable {
        var state: String
        var standing: Body?
    }

    @Test("the API: figures for unmatched and ineligible, none yet before a round, none with an offer")
    func api() async throws {
        let f = try ServerFixture.make("standing_api")
        let u = f.unmatched
        let reason = try #require(try LocalizedStatusTests.storedReasons(f)[u]?.data)
        guard case .outranked(_, _, let reasonPosition, let applicants, _, _) = reason else {
            Issue.record("the unmatched applicant's reason is \(reason.kind)")
            return
        }
        try await f.test { client in
            for language in ["zh-CN", "en"] {
                let mine = try await Self.view(client, f, u, language)
                let s = try #require(mine.standing)
                #expect(s.available && s.roundId == "R1" && s.mechanism == "deferred_acceptance" && s.order == "project")
                // The position the reason quotes, among the four applicants of the round.
                #expect(s.position == reasonPosition && s.applicants == applicants && applicants == 4)
                // P1 and P2 are open (P3's only slot is under maintenance), nearest first.
                #expect(s.openProjects == 2)
                #expect(s.nearest?.map(\.projectId) == ["P1", "P2"])
                for line in s.nearest ?? [] {
                    // One place each, offered; A1–A3 eligible (A4's rent cap is 100); the
                    // unmatched one is last of the three, so two were ahead of them.
                    #expect(line.places == 1 && line.offered == 1 && line.eligible == 3 && line.ahead == 2)
                    let cutoff = try #require(line.cutoff), position = try #require(line.position)
                    #expect(cutoff < position)
                }
                // Everyone works in Huangpu: first (local) in P1's order, only the global order in P2's.
                #expect(s.nearest?.first?.position == s.position)
                // P3's only slot is under maintenance: a longer commute opens nothing; no rent cap, no rent line.
                #expect(s.longerCommute?.map(\.projects) == [0, 0] && s.longerCommute?.map(\.extraMin) == [15, 30])
                #expect(s.higherRent?.isEmpty == true)
                let texts = [s.summary, s.caveat ?? ""] + (s.nearest ?? []).map(\.text) + (s.longerCommute ?? []).map(\.text)
                if language == "zh-CN" {
                    let runs = LocalizedStatusTests.englishRuns(inPage: texts.joined(separator: "\n"), data: try LocalizedStatusTests.dataWords(f))
                    #expect(runs.isEmpty, "English in zh-CN standing: \(runs)")
                    #expect(s.summary.contains("第 \(reasonPosition) 位"))
                } else {
                    #expect(s.summary.contains("priority position was \(reasonPosition) of 4"))
                }
            }
            // Ineligible (rent cap 100, cheapest 1,800): nothing open, and +200 / +500 yuan open nothing either.
            let a4 = try #require(try await Self.view(client, f, "A4", "en").standing)
            #expect(a4.openProjects == 0 && a4.nearest?.isEmpty == true)
            #expect(a4.higherRent?.map(\.projects) == [0, 0] && a4.higherRent?.map(\.extraYuan) == [200, 500])
            // Never in a round: said so, no figures.
            for language in ["zh-CN", "en"] {
                let a5 = try await Self.view(client, f, "A5", language)
                let s = try #require(a5.standing)
                #expect(!s.available && s.position == nil && s.nearest == nil)
                #expect(s.summary.contains(language == "en" ? "not been in an allocation round" : "尚未参加任何分配轮次"))
            }
            // A live offer: no standing.
            #expect(try await Self.view(client, f, f.offered[0], "en").standing == nil)
            // The bureau reads the same standing.
            try await client.execute(uri: "/v1/applicants/\(u)", method: .get, headers: bearer(f.adminKey)) { r in
                let view = try r.decoded(View.self)
                #expect(view.standing?.position == reasonPosition)
            }
        }
    }

    @Test("the page: the standing section in zh-CN (no English sentence) and en")
    func page() async throws {
        let f = try ServerFixture.make("standing_page")
        let words = try LocalizedStatusTests.dataWords(f)
        try await f.test { client in
            for id in [f.unmatched, "A4", "A5"] {
                let creds = ["applicant_id": id, "token": f.tokens[id]!]
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(creds)) { r in
                    #expect(r.status == .ok)
                    #expect(r.text.contains(#"<section class="standing">"#) && r.text.contains("<h3>您的排位</h3>"), "\(id)")
                    let runs = LocalizedStatusTests.englishRuns(inPage: r.text, data: words)
                    #expect(runs.isEmpty, "\(id): English in the zh-CN page: \(runs)")
                    #expect(!r.text.contains("<script"))
                }
                try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "en"), body: form(creds)) { r in
                    #expect(r.text.contains("<h3>Where you stand</h3>"), "\(id)")
                }
            }
            let unmatched = ["applicant_id": f.unmatched, "token": f.tokens[f.unmatched]!]
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(unmatched)) { r in
                #expect(r.text.contains("人民广场公寓（Huangpu，通勤"))
                #expect(r.text.contains("排在您前面的符合条件申请人有 2 位"))
            }
        }
    }

    static func view(_ client: any TestClientProtocol, _ f: ServerFixture, _ id: String, _ language: String) async throws -> View {
        try await client.execute(uri: "/v1/applicants/\(id)", method: .get, headers: applicant(id, token: f.tokens[id]!, language: language)) { r in
            #expect(r.status == .ok)
            return try r.decoded(View.self)
        }
    }
}
