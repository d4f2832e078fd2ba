import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// What an applicant's status body carries (decoded independently of the server's types).
struct StatusView: Decodable {
    struct Place: Decodable {
        var slotId: String
        var projectId: String
        var projectName: String
        var district: String
        var rent: Int
        var commuteMin: Int?
    }
    struct Offer: Decodable {
        var offerId: Int64
        var roundId: String
        var place: Place
        var deadline: String
    }
    struct Round: Decodable {
        var roundId: String
        var runAt: String?
        var outcome: String
        var outcomeLabel: String
        var projectId: String?
        var projectName: String?
        var district: String?
        var reason: String?
        var reasonKind: String?
        var reasonLanguage: String?
        var offerId: Int64?
        var offerStatus: String?
    }
    struct Tenancy: Decodable {
        var tenancyId: Int64
        var place: Place
        var startedAt: String
    }
    var applicantId: String
    var language: String
    var timeZone: String
    var state: String
    var stateLabel: String
    var offer: Offer?
    var tenancy: Tenancy?
    var reason: String?
    var reasonLabel: String?
    var reasonKind: String?
    var reasonLanguage: String?
    var history: [Round]
}

@Suite("HTTP API: applicants")
struct ApplicantRouteTests {
    @Test("an applicant reads their offer: project, district, rent, commute, deadline, round history")
    func offeredStatus() async throws {
        let f = try ServerFixture.make("api_app_offer")
        let a = f.offered[0]
        try await f.test { client in
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: applicant(a, token: f.tokens[a]!)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                let status = try r.decoded(StatusView.self)
                #expect(status.state == "offered")
                #expect(status.stateLabel == "You have an offer")
                #expect(status.offer?.offerId == f.offers[a])
                #expect(status.offer?.roundId == "R1")
                #expect(["S1", "S2"].contains(status.offer?.place.slotId ?? ""))
                #expect(status.offer?.place.rent == (status.offer?.place.slotId == "S1" ? 2000 : 1800))
                #expect(status.offer?.place.district == (status.offer?.place.slotId == "S1" ? "Huangpu" : "Putuo"))
                #expect((status.offer?.place.commuteMin ?? 0) > 0)
                #expect(status.offer?.deadline.hasSuffix("+08:00") == true, "the city's zone, Asia/Shanghai by default")
                #expect(status.history.count == 1)
                #expect(status.history.first?.outcome == "offered")
                #expect(status.history.first?.offerStatus == "offered")
            }
        }
    }

    @Test("unmatched and ineligible applicants get the engine's reason with a label in their language")
    func reasonsAndLanguage() async throws {
        let f = try ServerFixture.make("api_app_reason")
        try await f.test { client in
            try await client.execute(
                uri: "/v1/applicants/A4", method: .get, headers: applicant("A4", token: f.tokens["A4"]!, language: "zh-CN,zh;q=0.9,en;q=0.8")
            ) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentLanguage] == "zh-CN")
                let status = try r.decoded(StatusView.self)
                #expect(status.state == "ineligible")
                #expect(status.stateLabel == "上一轮没有符合条件的房源")
                #expect(status.reasonLabel?.contains("原因") == true)
                #expect(status.reason?.isEmpty == false)
                #expect(status.history.first?.outcomeLabel == "无符合条件的房源")
            }
            let u = f.unmatched
            try await client.execute(uri: "/v1/applicants/\(u)", method: .get, headers: applicant(u, token: f.tokens[u]!, language: "fr, en;q=0.5")) { r in
                let status = try r.decoded(StatusView.self)
                #expect(status.language == "en")
                #expect(status.state == "unmatched")
                #expect(status.reason?.isEmpty == false)
                let stored = try f.connection.query(
                    "SELECT reason FROM round_results WHERE applicant_id = $1", [u]).first?[0]
                #expect(status.reason == stored)
            }
            // Never in a round: waiting, no history.
            try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: applicant("A5", token: f.tokens["A5"]!)) { r in
                let status = try r.decoded(StatusView.self)
                #expect(status.state == "waiting")
                #expect(status.history.isEmpty)
                #expect(status.reason == nil)
            }
        }
    }

    @Test("another applicant's id is a 404 exactly like an unknown id; bad credentials are 401")
    func authorizationMatrix() async throws {
        let f = try ServerFixture.make("api_app_authz")
        let (a, b) = (f.offered[0], f.offered[1])
        try await f.test { client in
            var bodies: [String] = []
            for target in [b, "NOBODY"] {
                try await client.execute(uri: "/v1/applicants/\(target)", method: .get, headers: applicant(a, token: f.tokens[a]!)) { r in
                    r.expectProblem(.notFound, code: "applicant_not_found")
                    bodies.append((r.object["detail"] as? String ?? "").replacingOccurrences(of: target, with: "X"))
                }
            }
            #expect(bodies[0] == bodies[1], "the 404 for another's id reveals nothing more than for an unknown id")
            // Missing, malformed, wrong and mismatched credentials.
            let cases: [HTTPFields] = [
                [:],
                [.authorization: "Basic QTE6eA=="],
                bearer(f.tokens[a]!),  // token without X-Applicant-Id
                applicant(a, token: "wrong"),
                applicant(a, token: f.tokens[b]!),  // B's token with A's id
                applicant("NOBODY", token: f.tokens[a]!),
                applicant("bad id!", token: f.tokens[a]!),
                bearer("ak_999_" + String(repeating: "0", count: 64)),
                bearer("ak_x"),
                bearer(f.revokedKey),
            ]
            for headers in cases {
                try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: headers) { r in
                    r.expectProblem(.unauthorized, code: "unauthorized")
                    #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
            }
            // Operators may not read applicants; the bureau may read anyone.
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: bearer(f.operatorX)) { r in
                r.expectProblem(.forbidden, code: "forbidden")
            }
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: bearer(f.adminKey)) { r in
                #expect(r.status == .ok)
                let status = try r.decoded(StatusView.self)
                #expect(status.applicantId == a)
            }
            try await client.execute(uri: "/v1/applicants/NOBODY", method: .get, headers: bearer(f.adminKey)) { r in
                r.expectProblem(.notFound, code: "applicant_not_found")
            }
        }
    }

    @Test("accept: housed, idempotent; the other answer afterwards is 409; someone else's offer is 404")
    func acceptOffer() async throws {
        let f = try ServerFixture.make("api_app_accept")
        let (a, b) = (f.offered[0], f.offered[1])
        let offerA = f.offers[a]!
        try await f.test { client in
            // B cannot answer A's offer: 404, and nothing changes.
            for verb in ["accept", "decline"] {
                try await client.execute(uri: "/v1/offers/\(offerA)/\(verb)", method: .post, headers: applicant(b, token: f.tokens[b]!)) { r in
                    r.expectProblem(.notFound, code: "offer_not_found")
                }
            }
            #expect(try f.connection.query("SELECT status FROM offers WHERE offer_id = $1", [String(offerA)]).first?[0] == "offered")
            // Keys cannot answer for applicants.
            try await client.execute(uri: "/v1/offers/\(offerA)/accept", method: .post, headers: bearer(f.adminKey)) { r in
                r.expectProblem(.forbidden, code: "forbidden")
            }
            for uri in ["/v1/offers/999999/accept", "/v1/offers/abc/accept", "/v1/offers/-1/accept"] {
                try await client.execute(uri: uri, method: .post, headers: applicant(a, token: f.tokens[a]!)) { r in
                    r.expectProblem(.notFound, code: "offer_not_found")
                }
            }
            try await client.execute(uri: "/v1/offers/\(offerA)/accept", method: .post, headers: applicant(a, token: f.tokens[a]!)) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "accepted")
                #expect(r.object["already_answered"] as? Bool == false)
                #expect(r.object["applicant_status"] as? String == "housed")
                #expect(r.object["tenancy_id"] is Int)
            }
            try await client.execute(uri: "/v1/offers/\(offerA)/accept", method: .post, headers: applicant(a, token: f.tokens[a]!)) { r in
                #expect(r.status == .ok)
                #expect(r.object["already_answered"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/offers/\(offerA)/decline", method: .post, headers: applicant(a, token: f.tokens[a]!)) { r in
                r.expectProblem(.conflict, code: "offer_answered")
            }
            try await client.execute(uri: "/v1/applicants/\(a)", method: .get, headers: applicant(a, token: f.tokens[a]!)) { r in
                let status = try r.decoded(StatusView.self)
                #expect(status.state == "housed")
                #expect(status.history.first?.offerStatus == "accepted")
            }
        }
        let audit = try f.connection.query("SELECT actor FROM audit_log WHERE action = 'offer.accept'")
        #expect(audit.first?[0] == "applicant:\(a)")
    }

    @Test("decline with a reason; too long a reason is 422; bad JSON is 400; a body over 64 KiB is 413")
    func declineOffer() async throws {
        let f = try ServerFixture.make("api_app_decline")
        let a = f.offered[0]
        let offer = f.offers[a]!
        let headers = applicant(a, token: f.tokens[a]!)
        try await f.test { client in
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers, body: json("{\"reason\": 5}")) { r in
                r.expectProblem(.badRequest, code: "invalid_body")
                #expect((r.object["detail"] as? String)?.contains("reason") == true)
            }
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers, body: json("{not json")) { r in
                r.expectProblem(.badRequest, code: "invalid_body")
            }
            let long = String(repeating: "x", count: Store.maxReasonLength + 1)
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers, body: json("{\"reason\": \"\(long)\"}")) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_reason")
            }
            let huge = "{\"reason\": \"" + String(repeating: "y", count: ServerConfiguration.maxBodyBytes) + "\"}"
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers, body: json(huge)) { r in
                r.expectProblem(.contentTooLarge, code: "body_too_large")
            }
            #expect(try f.connection.query("SELECT status FROM offers WHERE offer_id = $1", [String(offer)]).first?[0] == "offered")
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers, body: json(#"{"reason": "太远了"}"#)) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "declined")
                #expect(r.object["applicant_status"] as? String == "waiting")
                #expect(r.object["refusals"] as? Int == 1)
            }
            // Over-long reasons are refused even when the answer would be a repeat (found by
            // schemathesis: 600 newlines trimmed to nothing used to pass the length check).
            let blank = String(repeating: "\\n", count: Store.maxReasonLength + 1)
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers, body: json("{\"reason\": \"\(blank)\"}")) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_reason")
            }
            try await client.execute(uri: "/v1/offers/\(offer)/decline", method: .post, headers: headers) { r in
                #expect(r.status == .ok)
                #expect(r.object["already_answered"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/offers/\(offer)/accept", method: .post, headers: headers) { r in
                r.expectProblem(.conflict, code: "offer_answered")
            }
        }
        #expect(try f.connection.query("SELECT answer_reason FROM offers WHERE offer_id = $1", [String(offer)]).first?[0] == "太远了")
    }

    @Test("an offer past its deadline cannot be accepted (409) but can be declined")
    func pastDeadline() async throws {
        let f = try ServerFixture.make("api_app_deadline")
        let (a, b) = (f.offered[0], f.offered[1])
        try f.connection.query("UPDATE offers SET deadline = now() - interval '1 minute'")
        try await f.test { client in
            try await client.execute(uri: "/v1/offers/\(f.offers[a]!)/accept", method: .post, headers: applicant(a, token: f.tokens[a]!)) { r in
                r.expectProblem(.conflict, code: "offer_deadline_passed")
                #expect((r.object["detail"] as? String)?.contains("deadline") == true)
            }
            try await client.execute(uri: "/v1/offers/\(f.offers[b]!)/decline", method: .post, headers: applicant(b, token: f.tokens[b]!)) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test("re-issuing a token revokes the old one")
    func reissuedToken() async throws {
        let f = try ServerFixture.make("api_app_reissue")
        let old = f.tokens["A5"]!
        let new = try f.store().issueTokens(applicants: ["A5"])[0].token
        #expect(new != old)
        try await f.test { client in
            try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: applicant("A5", token: old)) { r in
                r.expectProblem(.unauthorized, code: "unauthorized")
            }
            try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: applicant("A5", token: new)) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test("Accept-Language picks the highest-weighted Chinese or English tag")
    func languageChoice() {
        #expect(Language.preferred(by: nil) == .en)
        #expect(Language.preferred(by: "zh-CN") == .zhCN)
        #expect(Language.preferred(by: "zh-Hans-CN;q=0.8, en;q=0.9") == .en)
        #expect(Language.preferred(by: "en;q=0.2, zh;q=0.7") == .zhCN)
        #expect(Language.preferred(by: "fr, de") == .en)
        #expect(Language.preferred(by: "zh;q=0, en;q=0.1") == .en)
        #expect(Language.preferred(by: "zh-TW, en") == .zhCN)
    }
}
