import Allocation
import AllocationFiles
import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import TestSupport
import Testing

@Suite("HTTP API: objections to public notices")
struct ObjectionRouteTests {
    static let recipe = SeedRecipe(bureauCommitment: SeedCeremony.commitment("s"), publicSource: "SSE close", publicDate: "2099-01-01")

    @Test("file (every refusal), list, answer once, and the applicant reads it in zh-CN and en")
    func jsonRoutes() async throws {
        let f = try ServerFixture.make("api_objections")
        let store = try f.store(actor: "test:bureau")
        _ = try store.createRound(id: "R2", policy: Array(ServerFixture.policyJSON.utf8))
        let first = try store.freezeRound("R2", recipe: Self.recipe, objectionDays: 5).notice
        let me = "A5"  // waiting, so in R2's pool
        let outsider = f.offered[0]  // offered in R1, not in R2's pool
        let mine = applicant(me, token: f.tokens[me]!).withJSON
        let admin = bearer(f.adminKey).withJSON
        let path = "/v1/applicants/\(me)/objections"
        try await f.test { client in
            func refused(uri: String = path, headers: HTTPFields = mine, _ body: String, _ status: HTTPResponse.Status, _ code: String) async throws {
                try await client.execute(uri: uri, method: .post, headers: headers, body: json(body)) { r in r.expectProblem(status, code: code) }
            }
            try await refused(
                uri: "/v1/applicants/\(outsider)/objections", headers: applicant(outsider, token: f.tokens[outsider]!).withJSON,
                #"{"round": "R2", "kind": "pool", "text": "x"}"#, .unprocessableContent, "not_in_notice")
            try await refused(headers: applicant(me, token: f.tokens[outsider]!).withJSON, #"{"round": "R2", "kind": "pool", "text": "x"}"#, .unauthorized, "unauthorized")
            try await refused(
                headers: applicant(outsider, token: f.tokens[outsider]!).withJSON, #"{"round": "R2", "kind": "pool", "text": "x"}"#,
                .notFound, "applicant_not_found")
            try await refused(headers: admin, #"{"round": "R2", "kind": "pool", "text": "x"}"#, .forbidden, "forbidden")
            // No credentials: 401 whatever the body.
            try await refused(headers: [.contentType: "application/json"], #"{"round": "", "notice_id": 1, "kind": "x", "text": "x"}"#, .unauthorized, "unauthorized")
            try await refused(#"{"round": "R2", "text": "x"}"#, .unprocessableContent, "invalid_argument")
            try await refused(#"{"round": "R2", "kind": "place", "text": "x"}"#, .unprocessableContent, "invalid_argument")
            try await refused(#"{"round": "R2", "notice_id": \#(first.noticeID), "kind": "pool", "text": "x"}"#, .unprocessableContent, "invalid_argument")
            try await refused(#"{"round": "R2", "kind": "pool", "text": "x", "extra": 1}"#, .unprocessableContent, "invalid_body")
            try await refused(#"{"round": "R2", "kind": "pool", "text": "  "}"#, .unprocessableContent, "invalid_objection")
            try await refused(
                #"{"round": "R2", "kind": "pool", "text": "\#(String(repeating: "a", count: 2001))"}"#, .unprocessableContent, "invalid_objection")
            try await refused(#"{"round": "R2", "kind": "outcome", "text": "x"}"#, .notFound, "notice_not_found")
            try await refused(#"{"notice_id": \#(first.noticeID), "kind": "outcome", "text": "x"}"#, .unprocessableContent, "objection_kind_mismatch")
            try await refused(#"{"round": "R404", "kind": "pool", "text": "x"}"#, .notFound, "notice_not_found")

            let filed = try await client.execute(
                uri: path, method: .post, headers: mine, body: json(#"{"notice_id": \#(first.noticeID), "kind": "pool", "text": "我的积分应为 3 分。"}"#)
            ) { r in
                #expect(r.status == .created)
                return r.object
            }
            let id = filed["objection_id"] as? Int ?? 0
            #expect(filed["status"] as? String == "open" && filed["notice_id"] as? Int == Int(first.noticeID))
            #expect(filed["window_closes_at"] as? String == first.objectionsCloseAt)
            try await refused(#"{"round": "R2", "kind": "pool", "text": "again"}"#, .conflict, "objection_open")

            try await client.execute(uri: "/v1/objections?status=open", method: .get, headers: bearer(f.adminKey)) { r in
                #expect(r.status == .ok)
                #expect((r.object["objections"] as? [[String: Any]])?.map { $0["objection_id"] as? Int } == [id])
            }
            try await client.execute(uri: "/v1/objections", method: .get, headers: mine) { r in r.expectProblem(.forbidden, code: "forbidden") }
            try await client.execute(uri: "/v1/objections?status=closed", method: .get, headers: bearer(f.adminKey)) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_argument")
            }

            // The notice's page shows its window, in both languages.
            try await client.execute(uri: "/notices/R2/\(first.noticeID)", method: .get, headers: [.acceptLanguage: "zh-CN"]) { r in
                #expect(r.status == .ok && r.text.contains("异议受理截止（公示后 5 日）") && r.text.contains(first.objectionsCloseAt))
            }
            try await client.execute(uri: "/notices/R2/\(first.noticeID)", method: .get, headers: [.acceptLanguage: "en"]) { r in
                #expect(r.status == .ok && r.text.contains("Open for objections until (5 days after publication)"))
            }
            // Open, in both languages.
            try await client.execute(uri: "/v1/applicants/\(me)", method: .get, headers: applicant(me, token: f.tokens[me]!, language: "zh-CN")) { r in
                let objections = r.object["objections"] as? [[String: Any]]
                #expect(objections?.first?["status_label"] as? String == "异议已收到：住房保障部门将作出答复")
                #expect(objections?.first?["kind_label"] as? String == "您在摇号名单中的信息（摇号前公示）")
                #expect((objections?.first?["window_closes_at"] as? String)?.hasSuffix("T00:00:00+08:00") == true)
                #expect(r.object["appeals"] == nil)
            }

            try await client.execute(uri: "/v1/objections/\(id)/answer", method: .post, headers: admin, body: json(#"{"decision": "maybe", "reply": "x"}"#)) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_argument")
            }
            try await client.execute(uri: "/v1/objections/\(id)/answer", method: .post, headers: admin, body: json(#"{"decision": "upheld"}"#)) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_objection")
            }
            try await client.execute(uri: "/v1/objections/\(id)/answer", method: .post, headers: mine, body: json(#"{"decision": "upheld", "reply": "x"}"#)) { r in
                r.expectProblem(.forbidden, code: "forbidden")
            }
            try await client.execute(uri: "/v1/objections/999999/answer", method: .post, headers: admin, body: json(#"{"decision": "upheld", "reply": "x"}"#)) { r in
                r.expectProblem(.notFound, code: "objection_not_found")
            }
            try await client.execute(uri: "/v1/objections/x/answer", method: .post, headers: admin, body: json(#"{"decision": "upheld", "reply": "x"}"#)) { r in
                r.expectProblem(.notFound, code: "objection_not_found")
            }
            try await client.execute(
                uri: "/v1/objections/\(id)/answer", method: .post, headers: admin, body: json(#"{"decision": "upheld", "reply": "积分有误，将予更正。"}"#)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "upheld" && r.object["reply"] as? String == "积分有误，将予更正。")
            }
            try await client.execute(
                uri: "/v1/objections/\(id)/answer", method: .post, headers: admin, body: json(#"{"decision": "rejected", "reply": "no"}"#)
            ) { r in r.expectProblem(.conflict, code: "objection_answered") }
            for language in ["zh-CN", "en"] {
                try await client.execute(uri: "/v1/applicants/\(me)", method: .get, headers: applicant(me, token: f.tokens[me]!, language: language)) { r in
                    let o = (r.object["objections"] as? [[String: Any]])?.first ?? [:]
                    let next = o["next_step"] as? String ?? ""
                    if language == "en" {
                        #expect(o["status_label"] as? String == "Objection upheld: the housing bureau will correct it")
                        #expect(next.contains("pool frozen again") && next.contains("notice \(first.noticeID)"))
                    } else {
                        #expect(o["status_label"] as? String == "异议成立：住房保障部门将予以更正")
                        for label in ["status_label", "kind_label", "next_step"] {
                            #expect(englishRuns(in: o[label] as? String ?? "").isEmpty, "\(o[label] ?? "")")
                        }
                    }
                    #expect(o["reply"] as? String == "积分有误，将予更正。" && o["notice_superseded_by"] == nil)
                }
            }
        }

        // The correction and the re-freeze: the old notice is superseded, and the status says so.
        try f.connection.query("UPDATE applicants SET priority_points = 3 WHERE city = 'c1' AND applicant_id = 'A5'")
        let second = try store.freezeRound("R2", recipe: Self.recipe).notice
        try await f.test { client in
            try await client.execute(
                uri: path, method: .post, headers: mine, body: json(#"{"notice_id": \#(first.noticeID), "kind": "pool", "text": "x"}"#)
            ) { r in r.expectProblem(.conflict, code: "notice_superseded") }
            for (language, words) in [("en", "notice \(second.noticeID) replaces notice \(first.noticeID)"), ("zh-CN", "第 \(second.noticeID) 号公示取代第 \(first.noticeID) 号公示")] {
                try await client.execute(uri: "/v1/applicants/\(me)", method: .get, headers: applicant(me, token: f.tokens[me]!, language: language)) { r in
                    let o = (r.object["objections"] as? [[String: Any]])?.first ?? [:]
                    #expect(o["notice_superseded_by"] as? Int == Int(second.noticeID))
                    #expect((o["next_step"] as? String)?.contains(words) == true, "\(o)")
                }
            }
            // Someone without objections has no list.
            try await client.execute(uri: "/v1/applicants/\(f.unmatched)", method: .get, headers: applicant(f.unmatched, token: f.tokens[f.unmatched]!)) { r in
                #expect(r.status == .ok && r.object["objections"] == nil)
            }
        }
    }

    @Test("the status page: a form for each open notice, objecting by form, the answer shown; zh-CN holds no English sentence")
    func statusPage() async throws {
        let f = try ServerFixture.make("page_objections")
        let store = try f.store(actor: "test:bureau")
        _ = try store.createRound(id: "R2", policy: Array(ServerFixture.policyJSON.utf8))
        let notice = try store.freezeRound("R2", recipe: Self.recipe, objectionDays: 7).notice
        let me = "A5"
        let outsider = f.offered[0]
        let credentials = ["applicant_id": me, "token": f.tokens[me]!]
        let action = #"<form method="post" action="/status/objection">"#
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(credentials)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains(action) && r.text.contains(#"name="notice_id" value="\#(notice.noticeID)""#))
                #expect(r.text.contains("对公示的异议") && r.text.contains(#"name="kind" value="pool""#))
                #expect(ourSentences(r.text).isEmpty, "\(ourSentences(r.text))")
            }
            // Not in the pool: no form.
            try await client.execute(
                uri: "/status", method: .post, headers: formHeaders(language: "en"),
                body: form(["applicant_id": outsider, "token": f.tokens[outsider]!])
            ) { r in
                #expect(r.status == .ok && !r.text.contains(action))
            }
            var fields = credentials
            fields["notice_id"] = String(notice.noticeID)
            fields["kind"] = "pool"
            fields["text"] = ""
            try await client.execute(uri: "/status/objection", method: .post, headers: formHeaders(language: "zh-CN"), body: form(fields)) { r in
                #expect(r.status == .unprocessableContent && r.text.contains("请填写异议内容"))
                #expect(ourSentences(r.text).isEmpty, "\(ourSentences(r.text))")
            }
            fields["text"] = "我的积分应为 3 分。"
            try await client.execute(uri: "/status/objection", method: .post, headers: formHeaders(language: "zh-CN"), body: form(fields)) { r in
                #expect(r.status == .created)
                r.expectPageHeaders()
                #expect(r.text.contains("异议已提交") && r.text.contains("我的积分应为 3 分。") && r.text.contains("异议已收到"))
                #expect(!r.text.contains(action), "no second form while one is open")
                #expect(ourSentences(r.text).isEmpty, "\(ourSentences(r.text))")
            }
            try await client.execute(uri: "/status/objection", method: .post, headers: formHeaders(language: "en"), body: form(fields)) { r in
                #expect(r.status == .conflict && r.text.contains("awaiting its answer"))
            }
            var wrong = fields
            wrong["token"] = f.tokens[outsider]!
            try await client.execute(uri: "/status/objection", method: .post, headers: formHeaders(), body: form(wrong)) { r in
                #expect(r.status == .unauthorized)
            }
            var stranger = fields
            stranger["applicant_id"] = outsider
            stranger["token"] = f.tokens[outsider]!
            try await client.execute(uri: "/status/objection", method: .post, headers: formHeaders(language: "en"), body: form(stranger)) { r in
                #expect(r.status == .unprocessableContent && r.text.contains("You do not appear in this notice."))
            }
            try await client.execute(uri: "/status/objection", method: .get) { r in #expect(r.status == .seeOther) }
        }
        let objection = try #require(try store.objections(ofApplicant: me).first)
        _ = try store.answerObjection(objection.id, decision: .upheld, reply: "积分有误，将予更正。")
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(credentials)) { r in
                #expect(r.text.contains("异议成立") && r.text.contains("积分有误，将予更正。") && r.text.contains("重新冻结"))
                #expect(r.text.contains(action), "answered: the notice is open to a new objection")
                #expect(ourSentences(r.text).isEmpty, "\(ourSentences(r.text))")
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "en"), body: form(credentials)) { r in
                #expect(r.text.contains("Objection upheld") && r.text.contains("pool frozen again"))
            }
        }
    }
}
