import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

struct SubmittedView: Decodable {
    var applicantId: String
    var token: String
    var status: String
    var statusLabel: String
    var version: Int64
}

struct FieldProblemsView: Decodable {
    struct Field: Decodable {
        var field: String
        var message: String
    }
    var code: String
    var title: String
    var detail: String?
    var fields: [Field]?
}

struct DetailsView: Decodable {
    var applicantId: String
    var status: String
    var version: Int64
    var fields: [String: String]
    var phone: String?
}

/// A valid application body, with `extra` members added or replaced.
func applicationBody(identity: String = "310101199001011234", _ extra: [String: Any] = [:]) -> ByteBuffer {
    var body: [String: Any] = [
        "category": "frontline_worker", "household_size": 1, "gender": "male", "birth_date": "1990-01-01",
        "monthly_income": 6000, "work_lat": "31.2304", "work_lon": 121.4737, "work_district": "Huangpu",
        "max_commute_min": 60, "needs_accessible": false, "name": "王小明", "phone": "13800138000",
        "identity_number": identity,
    ]
    for (k, v) in extra { body[k] = v }
    body = body.filter { !($0.value is NSNull) }
    return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: body))
}

/// True when `text` holds a run of three or more English words (an untranslated sentence).
/// `YYYY-MM-DD` is the date format the contract spells, not words.
func hasEnglishSentence(_ text: String) -> Bool { !englishRuns(in: text, ignoring: ["YYYY-MM-DD"]).isEmpty }

@Suite("HTTP API: applications")
struct ApplicationRouteTests {
    @Test("apply: 201 with the id and a token that reads the status; pending review")
    func apply() async throws {
        let f = try ServerFixture.make("api_apply")
        try await f.test { client in
            let submitted = try await client.execute(
                uri: "/v1/applications", method: .post, headers: [.contentType: "application/json", .acceptLanguage: "zh-CN"],
                body: applicationBody()
            ) { r in
                #expect(r.status == .created)
                #expect(r.headers[.cacheControl] == "no-store")
                return try r.decoded(SubmittedView.self)
            }
            #expect(submitted.status == "pending_review")
            #expect(submitted.statusLabel == "已收到：住房保障部门正在审核您的申请")
            let id = submitted.applicantId
            try await client.execute(uri: "/v1/applicants/\(id)", method: .get, headers: applicant(id, token: submitted.token)) { r in
                #expect(r.status == .ok)
                let status = try r.decoded(StatusView.self)
                #expect(status.state == "pending_review")
            }
            try await client.execute(uri: "/v1/applicants/\(id)/details", method: .get, headers: applicant(id, token: submitted.token)) { r in
                let details = try r.decoded(DetailsView.self)
                #expect(details.fields["work_lon"] == "121.4737" && details.version == 1)
            }
        }
    }

    @Test("every problem at its field, in the applicant's language; a zh-CN answer holds no English sentence")
    func problemsInBothLanguages() async throws {
        let f = try ServerFixture.make("api_apply_invalid")
        let bad = applicationBody(identity: "1", [
            "household_size": 0, "birth_date": "1990-02-30", "category": "student", "phone": "abc", "name": "",
            "work_lat": 91, "surprise": "x",
        ])
        try await f.test { client in
            for language in ["zh-CN", "en"] {
                try await client.execute(
                    uri: "/v1/applications", method: .post, headers: [.contentType: "application/json", .acceptLanguage: language],
                    body: bad
                ) { r in
                    #expect(r.status == .unprocessableContent)
                    #expect(r.headers[.contentType] == "application/problem+json")
                    let problem = try r.decoded(FieldProblemsView.self)
                    #expect(problem.code == "invalid_application")
                    // The unknown member alone is reported first (nothing else is checked then).
                    #expect(problem.fields?.map(\.field) == ["surprise"])
                }
            }
            let fields = ["household_size", "birth_date", "category", "phone", "name", "work_lat", "identity_number"]
            let body = applicationBody(identity: "1", [
                "household_size": 0, "birth_date": "1990-02-30", "category": "student", "phone": "abc", "name": "", "work_lat": 91,
            ])
            for language in ["zh-CN", "en"] {
                try await client.execute(
                    uri: "/v1/applications", method: .post, headers: [.contentType: "application/json", .acceptLanguage: language],
                    body: body
                ) { r in
                    #expect(r.status == .unprocessableContent)
                    let problem = try r.decoded(FieldProblemsView.self)
                    #expect(Set(problem.fields?.map(\.field) ?? []) == Set(fields))
                    for field in problem.fields ?? [] {
                        if language == "zh-CN" {
                            #expect(!hasEnglishSentence(field.message), "\(field.field): \(field.message)")
                        } else {
                            #expect(field.message.range(of: #"\p{Han}"#, options: .regularExpression) == nil)
                        }
                    }
                    if language == "zh-CN" {
                        #expect(problem.title == "申请内容有误")
                        #expect(!hasEnglishSentence(problem.detail ?? ""))
                        #expect(problem.fields?.first { $0.field == "household_size" }?.message == "超出允许范围：应为不小于 1 的整数。")
                    } else {
                        #expect(problem.fields?.first { $0.field == "household_size" }?.message == "Out of range: expected a whole number of at least 1.")
                    }
                }
            }
            let count = try f.connection.query("SELECT count(*) FROM applicants WHERE source = 'application'").first?[0]
            #expect(count == "0")
        }
    }

    @Test("without an identity key the server takes no applications: 503, nothing stored")
    func noKey() async throws {
        let made = try ServerFixture.make("api_apply_nokey")
        var configuration = made.configuration
        configuration.identityKey = nil
        let f = ServerFixture(connection: made.connection, url: made.url, configuration: configuration)
        try await f.test { client in
            try await client.execute(uri: "/v1/applications", method: .post, headers: [.contentType: "application/json"], body: applicationBody()) { r in
                r.expectProblem(.serviceUnavailable, code: "applications_closed")
            }
        }
    }

    @Test("an applicant updates with the version they read, withdraws; others get 404, stale versions 409")
    func updateAndWithdraw() async throws {
        let f = try ServerFixture.make("api_update")
        try await f.test { client in
            let s = try await client.execute(
                uri: "/v1/applications", method: .post, headers: [.contentType: "application/json"], body: applicationBody()
            ) { try $0.decoded(SubmittedView.self) }
            let me = applicant(s.applicantId, token: s.token)
            try await client.execute(
                uri: "/v1/applicants/\(s.applicantId)", method: .patch, headers: me,
                body: json(#"{"version": 1, "monthly_income": 7000, "phone": "13911112222"}"#)
            ) { r in
                #expect(r.status == .ok)
                let d = try r.decoded(DetailsView.self)
                #expect(d.version == 2 && d.fields["monthly_income"] == "7000" && d.phone == "13911112222")
            }
            try await client.execute(
                uri: "/v1/applicants/\(s.applicantId)", method: .patch, headers: me, body: json(#"{"version": 1, "monthly_income": 1}"#)
            ) { r in r.expectProblem(.conflict, code: "stale_version") }
            // No version: a problem at the field, like every other.
            try await client.execute(
                uri: "/v1/applicants/\(s.applicantId)", method: .patch, headers: me, body: json(#"{"monthly_income": 1}"#)
            ) { r in
                #expect(r.status == .unprocessableContent)
                let p = try r.decoded(FieldProblemsView.self)
                #expect(p.fields?.map(\.field) == ["version"])
            }
            // JSON numbers for coordinates: decimal text, never an exponent.
            try await client.execute(
                uri: "/v1/applicants/\(s.applicantId)", method: .patch, headers: me,
                body: json(#"{"version": 2, "work_lat": 31.23040000001, "work_lon": 1e-7, "work_district": "Putuo"}"#)
            ) { r in
                #expect(r.status == .ok)
                let d = try r.decoded(DetailsView.self)
                #expect(d.fields["work_lat"] == "31.2304" && d.fields["work_lon"] == "0.0000001")
                #expect(d.version == 3)
            }
            try await client.execute(
                uri: "/v1/applicants/\(s.applicantId)", method: .patch, headers: applicant(s.applicantId, token: s.token, language: "zh-CN"),
                body: json(#"{"version": 3, "category": "general"}"#)
            ) { r in
                #expect(r.status == .unprocessableContent)
                let p = try r.decoded(FieldProblemsView.self)
                #expect(p.fields?.first?.field == "category")
                #expect(p.fields?.first?.message == "提交申请后不能修改此项。")
            }
            // Another applicant's token: like an unknown id.
            try await client.execute(
                uri: "/v1/applicants/\(s.applicantId)", method: .patch, headers: applicant("A1", token: f.tokens["A1"]!),
                body: json(#"{"version": 3, "monthly_income": 1}"#)
            ) { r in r.expectProblem(.notFound, code: "applicant_not_found") }
            // An applicant with a live offer cannot change.
            let offered = f.offered[0]
            let version = try f.store().applicantDetails(offered).version
            try await client.execute(
                uri: "/v1/applicants/\(offered)", method: .patch, headers: applicant(offered, token: f.tokens[offered]!),
                body: json(#"{"version": \#(version), "monthly_income": 1}"#)
            ) { r in r.expectProblem(.conflict, code: "applicant_not_changeable") }
            try await client.execute(uri: "/v1/applicants/\(s.applicantId)/withdraw", method: .post, headers: me, body: json(#"{"version": 3}"#)) { r in
                #expect(r.status == .ok)
                let details = try r.decoded(DetailsView.self)
                #expect(details.status == "withdrawn")
            }
        }
    }

    @Test("the bureau lists, approves, rejects (all or nothing) and resolves duplicate sets; others may not")
    func review() async throws {
        let f = try ServerFixture.make("api_review")
        try await f.test { client in
            var ids: [String] = []
            for identity in ["ID000001", "ID000001", "ID000003"] {
                ids.append(try await client.execute(
                    uri: "/v1/applications", method: .post, headers: [.contentType: "application/json"],
                    body: applicationBody(identity: identity, ["phone": "1380000\(ids.count)000"])
                ) { try $0.decoded(SubmittedView.self).applicantId })
            }
            let admin = bearer(f.adminKey)
            try await client.execute(uri: "/v1/applications", method: .get, headers: bearer(f.operatorX)) { r in
                r.expectProblem(.forbidden, code: "forbidden")
            }
            try await client.execute(uri: "/v1/applications", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let text = String(buffer: r.body)
                for id in ids { #expect(text.contains(id)) }
            }
            try await client.execute(
                uri: "/v1/applications/review", method: .post, headers: admin,
                body: json(#"{"decisions": [{"applicant_id": "\#(ids[2])", "decision": "approve"}, {"applicant_id": "\#(ids[1])", "decision": "reject"}]}"#)
            ) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("decisions[1].reason"))
            }
            try await client.execute(uri: "/v1/applications/\(ids[2])", method: .get, headers: admin) { r in
                #expect(String(buffer: r.body).contains(#""status":"pending_review""#))
            }
            try await client.execute(uri: "/v1/applications/\(ids[2])/approve", method: .post, headers: admin, body: json("{}")) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains(#""status":"waiting""#))
            }
            try await client.execute(
                uri: "/v1/applications/\(ids[2])/reject", method: .post, headers: admin, body: json(#"{"reason": "other"}"#)
            ) { r in r.expectProblem(.conflict, code: "application_not_pending") }
            let setID = try await client.execute(uri: "/v1/duplicate-sets", method: .get, headers: admin) { r in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                let sets = body?["duplicate_sets"] as? [[String: Any]]
                #expect(sets?.count == 1)
                return (sets?.first?["set_id"] as? Int) ?? 0
            }
            try await client.execute(
                uri: "/v1/duplicate-sets/\(setID)/resolve", method: .post, headers: admin, body: json(#"{"keep": "\#(ids[0])"}"#)
            ) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains(#""status":"resolved""#))
            }
            try await client.execute(uri: "/v1/applications/\(ids[1])", method: .get, headers: admin) { r in
                #expect(String(buffer: r.body).contains(#""review_reason":"duplicate""#))
            }
        }
    }

    @Test("a rejected applicant reads the bureau's reason in their language, and its note")
    func rejectionInStatus() async throws {
        let f = try ServerFixture.make("api_rejection")
        try await f.test { client in
            let s = try await client.execute(
                uri: "/v1/applications", method: .post, headers: [.contentType: "application/json"], body: applicationBody()
            ) { try $0.decoded(SubmittedView.self) }
            try await client.execute(
                uri: "/v1/applications/\(s.applicantId)/reject", method: .post, headers: bearer(f.adminKey),
                body: json(#"{"reason": "incomplete", "note": "请补充收入证明"}"#)
            ) { r in #expect(r.status == .ok) }
            for (language, label) in [("zh-CN", "申请材料不完整。"), ("en", "The application is incomplete.")] {
                try await client.execute(
                    uri: "/v1/applicants/\(s.applicantId)", method: .get, headers: applicant(s.applicantId, token: s.token, language: language)
                ) { r in
                    #expect(r.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                    #expect(body?["state"] as? String == "rejected")
                    let rejection = body?["rejection"] as? [String: Any]
                    #expect(rejection?["reason"] as? String == "incomplete")
                    #expect(rejection?["reason_label"] as? String == label)
                    #expect(rejection?["note"] as? String == "请补充收入证明")
                }
            }
        }
    }
}
