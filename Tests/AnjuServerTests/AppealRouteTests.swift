import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// Suspends applicant `a` of the fixture (max_refusals 2): their live offer declined, then
/// a second offer left to expire. Returns the two offer ids.
func suspend(_ f: ServerFixture, _ a: String) throws -> [Int64] {
    let first = f.offers[a]!
    _ = try f.store(actor: "applicant:\(a)").decline(offer: first)
    let slot = try f.connection.query("SELECT slot_id FROM offers WHERE offer_id = $1", [String(first)])[0][0]!
    let row = try f.connection.query(
        """
        INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline) VALUES ('c1', 'R1', $1, $2, now() - interval '1 minute')
        RETURNING offer_id
        """, [slot, a])
    try f.connection.query("UPDATE slots SET status = 'offered' WHERE slot_id = $1", [slot])
    try f.connection.query("UPDATE applicants SET status = 'offered' WHERE applicant_id = $1", [a])
    _ = try f.store(actor: "system:expiry").expireDue()
    #expect(try f.connection.query("SELECT status, refusals FROM applicants WHERE applicant_id = $1", [a]).first.map { [$0[0], $0[1]] } == ["suspended", "2"])
    return [first, Int64(row[0][0]!)!]
}

@Suite("HTTP API and status page: appeals")
struct AppealRouteTests {
    @Test("file, list, uphold, answer twice, file again, reinstate, excuse: every rule over JSON")
    func jsonRoutes() async throws {
        let f = try ServerFixture.make("api_appeals")
        let a = f.offered[0]
        let other = f.offered[1]
        let me = applicant(a, token: f.tokens[a]!)
        let admin = bearer(f.adminKey).withJSON
        let mine = me.withJSON
        try await f.test { client in
            try await client.execute(uri: "/v1/applicants/\(a)/appeals", method: .post, headers: mine, body: json(#"{"reason": "x"}"#)) { r in
                r.expectProblem(.conflict, code: "applicant_not_suspended")
            }
        }
        let offers = try suspend(f, a)
        try await f.test { client in
            try await client.execute(
                uri: "/v1/applicants/\(a)/appeals", method: .post, headers: mine, body: json(#"{"reason": "x", "extra": 1}"#)
            ) { r in r.expectProblem(.unprocessableContent, code: "invalid_body") }
            try await client.execute(
                uri: "/v1/applicants/\(a)/appeals", method: .post, headers: mine, body: json(#"{"reason": "bad\u0000byte"}"#)
            ) { r in r.expectProblem(.unprocessableContent, code: "invalid_appeal") }
            try await client.execute(
                uri: "/v1/applicants/\(a)/appeals", method: .post,
                headers: applicant(other, token: f.tokens[other]!).withJSON,
                body: json(#"{"reason": "not mine"}"#)
            ) { r in r.expectProblem(.notFound, code: "applicant_not_found") }
            let filed = try await client.execute(
                uri: "/v1/applicants/\(a)/appeals", method: .post, headers: mine, body: json(#"{"reason": "我当时在住院。"}"#)
            ) { r in
                #expect(r.status == .created)
                return try r.decoded(AppealJSON.self)
            }
            #expect(filed.status == "open" && filed.refusalsAtFiling == 2)
            try await client.execute(uri: "/v1/applicants/\(a)/appeals", method: .post, headers: mine, body: json(#"{"reason": "again"}"#)) { r in
                r.expectProblem(.conflict, code: "appeal_open")
            }
            try await client.execute(uri: "/v1/appeals?status=open", method: .get, headers: bearer(f.adminKey)) { r in
                #expect(r.status == .ok)
                #expect((r.object["appeals"] as? [[String: Any]])?.map { $0["applicant_id"] as? String } == [a])
            }
            try await client.execute(uri: "/v1/appeals", method: .get, headers: me) { r in r.expectProblem(.forbidden, code: "forbidden") }
            try await client.execute(uri: "/v1/appeals?status=closed", method: .get, headers: bearer(f.adminKey)) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_argument")
            }
            // The applicant reads it in Chinese: labels, and no English sentence among them.
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: applicant(a, token: f.tokens[a]!, language: "zh-CN")) { r in
                let appeals = r.object["appeals"] as? [[String: Any]]
                #expect(appeals?.first?["status_label"] as? String == "申诉已收到：住房保障部门将作出答复")
                let refusals = r.object["refusal_history"] as? [[String: Any]]
                #expect(refusals?.map { $0["standing"] as? String } == ["counts", "counts"])
                #expect(refusals?.map { $0["kind_label"] as? String } == ["逾期未答复", "拒绝"])
                #expect(r.object["refusals"] as? Int == 2)
                for label in (appeals ?? []).compactMap({ $0["status_label"] as? String }) + (refusals ?? []).compactMap({ $0["standing_label"] as? String }) {
                    #expect(!hasEnglishSentence(label), "\(label)")
                }
            }
            try await client.execute(
                uri: "/v1/appeals/\(filed.appealId)/uphold", method: .post, headers: admin,
                body: json(#"{"reason": "no_good_cause", "note": "The commute was within your limit."}"#)
            ) { r in
                #expect(r.status == .ok)
                let body = try r.decoded(AppealJSON.self)
                #expect(body.status == "upheld")
            }
            try await client.execute(uri: "/v1/appeals/\(filed.appealId)/reinstate", method: .post, headers: admin, body: json("{}")) { r in
                r.expectProblem(.conflict, code: "appeal_answered")
            }
            try await client.execute(uri: "/v1/appeals/\(filed.appealId)/uphold", method: .post, headers: admin, body: json(#"{"reason": "maybe"}"#)) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_appeal")
            }
            try await client.execute(uri: "/v1/appeals/999999/reinstate", method: .post, headers: admin, body: json("{}")) { r in
                r.expectProblem(.notFound, code: "appeal_not_found")
            }
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: applicant(a, token: f.tokens[a]!, language: "en")) { r in
                let appeal = (r.object["appeals"] as? [[String: Any]])?.first
                #expect(appeal?["decision_reason"] as? String == "no_good_cause")
                #expect(appeal?["decision_reason_label"] as? String == "The reason you gave does not justify refusing the offers.")
                #expect(appeal?["note"] as? String == "The commute was within your limit.")
                #expect(appeal?["answered_by"] == nil)
            }
            let second = try await client.execute(
                uri: "/v1/applicants/\(a)/appeals", method: .post, headers: mine, body: json(#"{"reason": "new evidence"}"#)
            ) { r in try r.decoded(AppealJSON.self) }
            try await client.execute(uri: "/v1/appeals/\(second.appealId)/reinstate", method: .post, headers: admin, body: json(#"{"note": "ok"}"#)) { r in
                #expect(r.status == .ok)
                let body = try r.decoded(AppealJSON.self)
                #expect(body.status == "reinstated" && body.refusalsAfter == 0 && body.applicantStatus == "waiting")
            }
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: me) { r in
                #expect(r.object["state"] as? String == "waiting")
                #expect(r.object["refusals"] as? Int == 0)
                #expect((r.object["refusal_history"] as? [[String: Any]])?.map { $0["standing"] as? String } == ["forgiven", "forgiven"])
            }
            // Excusing a forgiven refusal: nothing left to drop, never below zero.
            try await client.execute(uri: "/v1/offers/\(offers[0])/excuse", method: .post, headers: admin, body: json(#"{"reason": "unsafe flat"}"#)) { r in
                #expect(r.status == .ok)
                #expect(r.object["refusals"] as? Int == 0 && r.object["refusals_before"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/offers/\(offers[0])/excuse", method: .post, headers: admin, body: json(#"{"reason": "again"}"#)) { r in
                r.expectProblem(.conflict, code: "refusal_excused")
            }
            try await client.execute(uri: "/v1/offers/\(offers[1])/excuse", method: .post, headers: mine, body: json(#"{"reason": "me"}"#)) { r in
                r.expectProblem(.forbidden, code: "forbidden")
            }
        }
        #expect(try f.connection.query("SELECT count(*) FROM audit_log WHERE action LIKE 'appeal.%'").first?[0] == "4")
    }

    @Test("the status page: a suspended applicant appeals by form; zh-CN holds no English sentence; en shows the answer")
    func statusPage() async throws {
        let f = try ServerFixture.make("page_appeals")
        let a = f.offered[0]
        _ = try suspend(f, a)
        let credentials = ["applicant_id": a, "token": f.tokens[a]!]
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(credentials)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains(#"<form method="post" action="/status/appeal">"#))
                #expect(r.text.contains("拒绝记录") && r.text.contains("当前计入的拒绝次数: 2"))
                #expect(ourSentences(r.text).isEmpty, "\(ourSentences(r.text))")
            }
            var fields = credentials
            fields["reason"] = "我当时在住院，无法按时答复。"
            try await client.execute(uri: "/status/appeal", method: .post, headers: formHeaders(language: "zh-CN"), body: form(fields)) { r in
                #expect(r.status == .created)
                r.expectPageHeaders()
                #expect(r.text.contains("申诉已提交"))
                #expect(r.text.contains("我当时在住院，无法按时答复。"))
                #expect(!r.text.contains(#"action="/status/appeal""#), "no second form while one is open")
                #expect(ourSentences(r.text).isEmpty, "\(ourSentences(r.text))")
            }
            try await client.execute(uri: "/status/appeal", method: .post, headers: formHeaders(language: "zh-CN"), body: form(fields)) { r in
                #expect(r.status == .conflict)
                #expect(r.text.contains("您已有一份待答复的申诉。"))
            }
            var wrong = fields
            wrong["token"] = "nope"
            try await client.execute(uri: "/status/appeal", method: .post, headers: formHeaders(), body: form(wrong)) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/status/appeal", method: .get) { r in #expect(r.status == .seeOther) }
        }
        let id = try #require(try f.store().appeals(status: .open).first?.id)
        _ = try f.store(actor: "cli:bureau").uphold(appeal: id, reason: "missing_evidence", note: "Send the hospital's letter.")
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "en"), body: form(credentials)) { r in
                #expect(r.text.contains("Appeal not granted: the suspension stays"))
                #expect(r.text.contains("Your reason may count, but the evidence for it is missing."))
                #expect(r.text.contains("Send the hospital&#39;s letter.") || r.text.contains("Send the hospital's letter."))
                #expect(r.text.contains(#"action="/status/appeal""#), "upheld: a new appeal may be filed")
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(credentials)) { r in
                #expect(r.text.contains("申诉未获支持：维持暂停资格"))
                #expect(r.text.contains("您的理由可能成立，但缺少相应证明材料。"))
                // The bureau's note is its own words; everything else is Chinese.
                let sentences = ourSentences(r.text).filter { !$0.contains("hospital") }
                #expect(sentences.isEmpty, "\(sentences)")
            }
        }
        // The bureau excuses the expiry: under the limit, so reinstated; the page says so in Chinese.
        let expired = try #require(try f.connection.query("SELECT offer_id FROM offers WHERE applicant_id = $1 AND status = 'expired'", [a]).first?[0])
        let excuse = try f.store(actor: "cli:bureau").excuse(offer: Int64(expired)!, reason: "住院证明已核实")
        #expect(excuse.reinstated)
        try await f.test { client in
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(credentials)) { r in
                #expect(r.text.contains("经住房保障部门认定为合理拒绝，不计入"))
                #expect(r.text.contains("住院证明已核实"))
                #expect(r.text.contains("当前计入的拒绝次数: 1"))
                #expect(!r.text.contains(#"action="/status/appeal""#), "waiting again: nothing to appeal")
                let sentences = ourSentences(r.text).filter { !$0.contains("hospital") }
                #expect(sentences.isEmpty, "\(sentences)")
            }
        }
    }
}

/// The bureau's view of an appeal, as the API sends it.
struct AppealJSON: Decodable {
    var appealId: Int64
    var status: String
    var refusalsAtFiling: Int
    var refusalsAfter: Int?
    var applicantStatus: String
}

extension HTTPFields {
    /// These headers with a JSON content type.
    var withJSON: HTTPFields {
        var fields = self
        fields[.contentType] = "application/json"
        return fields
    }
}

/// English sentences of a page that are Anju's own words: the fixture's place names ("Putuo
/// Court, Putuo", in the round history) are the city's data, not the page's language.
func ourSentences(_ html: String) -> [String] {
    englishSentences(html).filter { !$0.hasPrefix("Putuo Court") }
}
