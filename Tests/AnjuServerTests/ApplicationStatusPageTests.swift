import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@Suite("Status page: an applicant's application (pending, rejected, change my details, withdraw)")
struct ApplicationStatusPageTests {
    @Test("a pending applicant sees 'being reviewed' and the change and withdraw forms, in both languages")
    func pendingStatus() async throws {
        let f = try ServerFixture.make("apppage_pending")
        try f.addWorkplaceSites()
        try await f.test { client in
            let (id, token) = try await client.apply(ApplyPageTests.valid, language: "en")
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": id, "token": token])) { r in
                #expect(r.status == .ok)
                r.expectPageHeaders()
                #expect(r.text.contains("Received: the housing bureau is reviewing your application"))
                #expect(r.text.contains("You enter allocation rounds once the bureau approves your application."))
                #expect(r.text.contains(#"action="/status/details""#) && r.text.contains(#"action="/status/withdraw""#))
                r.expectTokenOnlyInHiddenFields(token, forms: 2)
            }
            try await client.execute(
                uri: "/status", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": id, "token": token])
            ) { r in
                #expect(r.text.contains("已收到：住房保障部门正在审核您的申请"))
                #expect(r.text.contains("申请审核通过后，您将参加分配轮次。"))
                #expect(r.text.contains("修改我的信息") && r.text.contains("撤回申请…"))
                #expect(englishSentences(r.text).isEmpty, "\(englishSentences(r.text))")
            }
            // The JSON status says the same.
            try await client.execute(uri: "/v1/applicants/\(id)", method: .get, headers: applicant(id, token: token)) { r in
                #expect(r.status == .ok)
                #expect(r.object["state"] as? String == "pending_review")
            }
        }
    }

    @Test("a rejected applicant reads the reason in their language and the bureau's note, and has no forms")
    func rejectedStatus() async throws {
        let f = try ServerFixture.make("apppage_rejected")
        try f.addWorkplaceSites()
        let note = "请携带身份证原件到窗口核验 <b>"
        try await f.test { client in
            let (id, token) = try await client.apply(ApplyPageTests.valid, language: "zh-CN")
            _ = try f.store(actor: "test:bureau").review([ReviewDecision(applicantID: id, decision: .reject, reason: "unverified", note: note)])
            let body = form(["applicant_id": id, "token": token])
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: body) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("Not approved"))
                #expect(r.text.contains("Reason for the decision") && r.text.contains("Your identity or documents could not be verified."))
                #expect(r.text.contains("Note from the housing bureau"))
                #expect(r.text.contains(StatusPageHTMLEscape.escape(note)))
                r.expectTokenOnlyInHiddenFields(token, forms: 0)
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(language: "zh"), body: body) { r in
                #expect(r.text.contains("未通过审核") && r.text.contains("审核意见") && r.text.contains("您的身份或证明材料未能核实。"))
                #expect(r.text.contains("住房保障部门的说明"))
                #expect(englishSentences(r.text).isEmpty, "\(englishSentences(r.text))")
            }
            // Neither form works for a rejected application: 409, nothing changed.
            try await client.execute(uri: "/status/details", method: .post, headers: formHeaders(), body: body) { r in
                #expect(r.status == .conflict)
                #expect(r.text.contains("cannot be changed or withdrawn"))
            }
            try await client.execute(
                uri: "/status/withdraw", method: .post, headers: formHeaders(),
                body: form(["applicant_id": id, "token": token, "confirm": "yes", "version": "2"])
            ) { r in
                #expect(r.status == .conflict)
            }
        }
    }

    @Test("change my details: prefilled with the version; saved, audited as the applicant, version bumped, what changed named")
    func changeDetails() async throws {
        let f = try ServerFixture.make("apppage_change")
        try f.addWorkplaceSites()
        let token = f.tokens["A5"]!
        let version = try #require(try f.connection.query("SELECT version FROM applicants WHERE applicant_id = 'A5'").first?[0])
        try await f.test { client in
            try await client.execute(
                uri: "/status/details", method: .post, headers: formHeaders(), body: form(["applicant_id": "A5", "token": token])
            ) { r in
                #expect(r.status == .ok)
                r.expectPageHeaders()
                let html = r.text
                #expect(html.contains(#"<form method="post" action="/status/update">"#))
                #expect(html.contains(#"<input type="hidden" name="version" value="\#(version)">"#))
                #expect(html.contains(#"name="household_size" type="text" value="1""#))
                #expect(html.contains(#"name="monthly_income" type="text" value="8000""#))
                #expect(html.contains(#"name="max_commute_min" type="text" value="60""#))
                #expect(html.contains(#"name="work_district" type="text" value="Huangpu""#))
                #expect(html.contains(#"name="max_rent" type="text" value="""#))
                #expect(!html.contains(#"name="category""#) && !html.contains(#"name="identity_number""#), "fixed once applied")
                r.expectTokenOnlyInHiddenFields(token, forms: 2)
            }
            var fields = [
                "applicant_id": "A5", "token": token, "version": version, "household_size": "3", "monthly_income": "7000",
                "workplace_site": "", "work_lat": "31.2300", "work_lon": "121.4700", "work_district": "Huangpu", "max_commute_min": "",
                "max_rent": "2500", "employer_id": "", "name": "", "phone": "", "email": "", "language": "en",
            ]
            try await client.execute(uri: "/status/update", method: .post, headers: formHeaders(), body: form(fields)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains(
                    "Saved. Changed: Household size (people); Monthly income (yuan); Longest commute you accept (minutes); Highest rent you can pay (yuan a month)."),
                    "\(r.text)")
                #expect(r.text.contains(#"<input type="hidden" name="version" value="\#(Int(version)! + 1)">"#))
                #expect(r.text.contains(#"name="max_rent" type="text" value="2500""#))
            }
            let row = try #require(try f.connection.query(
                "SELECT household_size, monthly_income, max_commute_min, max_rent, version FROM applicants WHERE applicant_id = 'A5'").first)
            #expect((0..<5).map { row[$0] } == ["3", "7000", nil, "2500", String(Int(version)! + 1)])
            let audit = try f.connection.query("SELECT actor, details::text FROM audit_log WHERE action = 'applicant.update'")
            #expect(audit.count == 1 && audit.first?[0] == "applicant:A5")
            #expect(audit.first?[1]?.contains("household_size") == true)

            // The same form again, from the version it was read at: 409 with the details as they are now.
            fields["household_size"] = "4"
            try await client.execute(uri: "/status/update", method: .post, headers: formHeaders(), body: form(fields)) { r in
                #expect(r.status == .conflict)
                #expect(r.text.contains("Your details changed since you opened this page; here they are now."))
                #expect(r.text.contains(#"name="household_size" type="text" value="3""#))
                #expect(r.text.contains(#"<input type="hidden" name="version" value="\#(Int(version)! + 1)">"#))
            }
            // Problems are shown at their fields in the page's language, the values kept.
            fields["version"] = String(Int(version)! + 1)
            fields["household_size"] = "0"
            fields["workplace_site"] = "W1"
            try await client.execute(uri: "/status/update", method: .post, headers: formHeaders(language: "zh-CN"), body: form(fields)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.text.contains(#"id="household_size-error">超出允许范围：应为不小于 1 的整数。"#))
                #expect(r.text.contains(#"id="workplace_site-error">请在列表选择与填写位置之间二选一，不要同时填写。"#))
                #expect(r.text.contains(#"name="household_size" type="text" value="0""#))
                #expect(r.text.contains(#"<option value="W1" selected>"#))
                #expect(englishSentences(r.text).isEmpty, "\(englishSentences(r.text))")
            }
            // A site instead of the point, and contact details: saved.
            fields.merge(["household_size": "3", "work_lat": "", "work_lon": "", "work_district": "", "name": "王强", "phone": "+86 139 0000 1111"]) { $1 }
            try await client.execute(uri: "/status/update", method: .post, headers: formHeaders(language: "zh-CN"), body: form(fields)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("已保存。修改了：工作地点（登记的地点）、用人单位编号、姓名、手机号码、通知语言。"), "\(r.text)")
                #expect(r.text.contains(#"<option value="W1" selected>"#))
            }
            #expect(try f.connection.query("SELECT workplace_site, work_district, employer_id FROM applicants WHERE applicant_id = 'A5'")
                .first.map { [$0[0], $0[1], $0[2]] } == ["W1", "Putuo", "E1"])
            #expect(try f.connection.query("SELECT version FROM applicants WHERE applicant_id = 'A5'").first?[0] == String(Int(version)! + 2))
        }
    }

    @Test("the forms check id and token on every POST; refused during a live offer; GET leads back to sign-in")
    func refusals() async throws {
        let f = try ServerFixture.make("apppage_refused")
        let a = f.offered[0]
        try await f.test { client in
            for path in ["/status/details", "/status/update", "/status/withdraw"] {
                try await client.execute(
                    uri: path, method: .post, headers: formHeaders(),
                    body: form(["applicant_id": "A5", "token": f.tokens[a]!, "version": "1", "confirm": "yes", "household_size": "9"])
                ) { r in
                    #expect(r.status == .unauthorized, "\(path)")
                    r.expectPageHeaders()
                    #expect(r.text.contains("The applicant id and token do not match."))
                    #expect(!r.text.contains(f.tokens[a]!))
                }
                try await client.execute(uri: path, method: .post, headers: formHeaders(), body: form(["applicant_id": "A5"])) { r in
                    #expect(r.status == .badRequest, "\(path)")
                }
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .seeOther && r.headers[.location] == "/", "\(path)")
                }
                // An offered applicant can neither change nor withdraw.
                try await client.execute(
                    uri: path, method: .post, headers: formHeaders(),
                    body: form(["applicant_id": a, "token": f.tokens[a]!, "version": "1", "confirm": "yes", "household_size": "2",
                                "monthly_income": "1", "work_lat": "31.2", "work_lon": "121.4", "work_district": "Huangpu"])
                ) { r in
                    #expect(r.status == .conflict, "\(path)")
                    #expect(r.text.contains("Answer your offer first"))
                }
            }
            try await client.execute(
                uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": a, "token": f.tokens[a]!])
            ) { r in
                #expect(!r.text.contains(#"action="/status/details""#), "no change form during an offer")
            }
        }
        #expect(try f.connection.query("SELECT count(*) FROM audit_log WHERE action LIKE 'applicant.%'").first?[0] == "0")
        #expect(try f.connection.query("SELECT household_size FROM applicants WHERE applicant_id = 'A5'").first?[0] == "1")
    }

    @Test("withdraw: a confirmation step first, a stale version refused, then withdrawn and audited as the applicant")
    func withdraw() async throws {
        let f = try ServerFixture.make("apppage_withdraw")
        let token = f.tokens["A5"]!
        let version = try #require(try f.connection.query("SELECT version FROM applicants WHERE applicant_id = 'A5'").first?[0])
        try await f.test { client in
            try await client.execute(
                uri: "/status/withdraw", method: .post, headers: formHeaders(language: "zh-CN"), body: form(["applicant_id": "A5", "token": token])
            ) { r in
                #expect(r.status == .ok)
                r.expectPageHeaders()
                #expect(r.text.contains("确认撤回申请？") && r.text.contains("无法恢复"))
                #expect(r.text.contains(#"<input type="hidden" name="confirm" value="yes">"#))
                #expect(r.text.contains(#"<input type="hidden" name="version" value="\#(version)">"#))
                r.expectTokenOnlyInHiddenFields(token, forms: 2)
                #expect(englishSentences(r.text).isEmpty, "\(englishSentences(r.text))")
            }
            #expect(try f.connection.query("SELECT status FROM applicants WHERE applicant_id = 'A5'").first?[0] == "waiting", "not yet")
            try await client.execute(
                uri: "/status/withdraw", method: .post, headers: formHeaders(),
                body: form(["applicant_id": "A5", "token": token, "confirm": "yes", "version": String(Int(version)! + 5)])
            ) { r in
                #expect(r.status == .conflict)
                #expect(r.text.contains("Your details changed since you opened this page."))
                #expect(r.text.contains(#"<input type="hidden" name="version" value="\#(version)">"#))
            }
            try await client.execute(
                uri: "/status/withdraw", method: .post, headers: formHeaders(),
                body: form(["applicant_id": "A5", "token": token, "confirm": "yes", "version": version])
            ) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("Your application has been withdrawn."))
            }
            try await client.execute(uri: "/status", method: .post, headers: formHeaders(), body: form(["applicant_id": "A5", "token": token])) { r in
                #expect(r.text.contains("Withdrawn from the scheme"))
                r.expectTokenOnlyInHiddenFields(token, forms: 0)
            }
        }
        #expect(try f.connection.query("SELECT status FROM applicants WHERE applicant_id = 'A5'").first?[0] == "withdrawn")
        let audit = try f.connection.query("SELECT actor FROM audit_log WHERE action = 'applicant.withdraw'")
        #expect(audit.map { $0[0] } == ["applicant:A5"])
    }
}
