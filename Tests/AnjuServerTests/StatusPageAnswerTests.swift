import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@Suite("Status page: accepting and declining through the forms")
struct StatusPageAnswerTests {
    @Test("accept through the form: housed, audited as the applicant; again is harmless; declining after is 409")
    func acceptThroughForm() async throws {
        let f = try ServerFixture.make("page_accept")
        let a = f.offered[0]
        let offer = String(f.offers[a]!)
        let fields = ["applicant_id": a, "token": f.tokens[a]!, "offer_id": offer]
        try await f.test { client in
            try await client.execute(uri: "/status/accept", method: .post, headers: formHeaders(), body: form(fields)) { r in
                #expect(r.status == .ok)
                r.expectPageHeaders()
                #expect(r.text.contains("You accepted the place. Welcome home!"))
                #expect(r.text.contains("Housed: you accepted a place"))
                #expect(r.text.contains("Your home"))
                r.expectTokenOnlyInHiddenFields(f.tokens[a]!, forms: 0)
            }
            try await client.execute(uri: "/status/accept", method: .post, headers: formHeaders(language: "zh"), body: form(fields)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("您此前已接受该房源。"))
            }
            try await client.execute(uri: "/status/decline", method: .post, headers: formHeaders(), body: form(fields)) { r in
                #expect(r.status == .conflict)
                r.expectPageHeaders()
                #expect(r.text.contains("can no longer be answered"))
                #expect(r.text.contains("Housed: you accepted a place"), "the status is still shown")
            }
        }
        #expect(try f.connection.query("SELECT status FROM offers WHERE offer_id = $1", [offer]).first?[0] == "accepted")
        #expect(try f.connection.query("SELECT status FROM applicants WHERE applicant_id = $1", [a]).first?[0] == "housed")
        let audit = try f.connection.query("SELECT actor FROM audit_log WHERE action = 'offer.accept'")
        #expect(audit.map { $0[0] } == ["applicant:\(a)"])
    }

    @Test("decline with a reason (Chinese, spaces, + and &) through the form; the refusal is counted")
    func declineThroughForm() async throws {
        let f = try ServerFixture.make("page_decline")
        let a = f.offered[0]
        let offer = String(f.offers[a]!)
        let reason = "太远了 + 通勤 & 房租 100%"
        try await f.test { client in
            let fields = ["applicant_id": a, "token": f.tokens[a]!, "offer_id": offer, "reason": reason]
            try await client.execute(uri: "/status/decline", method: .post, headers: formHeaders(), body: form(fields)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("You declined the offer."))
                #expect(r.text.contains("Refusals so far: 1"))
                #expect(r.text.contains("Offer: declined"))
            }
        }
        let row = try f.connection.query("SELECT status, answer_reason FROM offers WHERE offer_id = $1", [offer]).first
        #expect(row?[0] == "declined")
        #expect(row?[1] == reason)
        #expect(try f.connection.query("SELECT refusals FROM applicants WHERE applicant_id = $1", [a]).first?[0] == "1")
    }

    @Test("refused answers change nothing: too long a reason (422), another's or an unknown offer (404), wrong token (401)")
    func refusedAnswers() async throws {
        let f = try ServerFixture.make("page_refused")
        let (a, b) = (f.offered[0], f.offered[1])
        let offerA = String(f.offers[a]!)
        try await f.test { client in
            let long = String(repeating: "长", count: Store.maxReasonLength + 1)
            try await client.execute(
                uri: "/status/decline", method: .post, headers: formHeaders(),
                body: form(["applicant_id": a, "token": f.tokens[a]!, "offer_id": offerA, "reason": long])
            ) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.text.contains("The reason is too long: at most 500 characters."))
                #expect(r.text.contains("You have an offer"), "the status and the forms are shown again")
                r.expectTokenOnlyInHiddenFields(f.tokens[a]!, forms: 2)
            }
            for (verb, offerID) in [("accept", offerA), ("decline", offerA), ("accept", "999999"), ("accept", "abc"), ("decline", "")] {
                try await client.execute(
                    uri: "/status/\(verb)", method: .post, headers: formHeaders(),
                    body: form(["applicant_id": b, "token": f.tokens[b]!, "offer_id": offerID])
                ) { r in
                    #expect(r.status == .notFound, "\(verb) \(offerID)")
                    #expect(r.text.contains("That offer is not among your offers."))
                    #expect(r.text.contains("You have an offer"), "B still sees their own status")
                }
            }
            for verb in ["accept", "decline"] {
                try await client.execute(
                    uri: "/status/\(verb)", method: .post, headers: formHeaders(),
                    body: form(["applicant_id": a, "token": f.tokens[b]!, "offer_id": offerA])
                ) { r in
                    #expect(r.status == .unauthorized)
                    #expect(!r.text.contains(f.tokens[b]!))
                    #expect(!r.text.contains(#"action="/status/accept""#))
                }
            }
        }
        #expect(try f.connection.query("SELECT status FROM offers WHERE offer_id = $1", [offerA]).first?[0] == "offered")
        #expect(try f.connection.query("SELECT count(*) FROM audit_log WHERE action LIKE 'offer.%'").first?[0] == "0")
    }

    @Test("past its deadline an offer cannot be accepted through the form (409) but can be declined")
    func pastDeadline() async throws {
        let f = try ServerFixture.make("page_deadline")
        let (a, b) = (f.offered[0], f.offered[1])
        try f.connection.query("UPDATE offers SET deadline = now() - interval '1 minute'")
        try await f.test { client in
            try await client.execute(
                uri: "/status/accept", method: .post, headers: formHeaders(),
                body: form(["applicant_id": a, "token": f.tokens[a]!, "offer_id": String(f.offers[a]!)])
            ) { r in
                #expect(r.status == .conflict)
                #expect(r.text.contains("its deadline has passed"))
            }
            try await client.execute(
                uri: "/status/decline", method: .post, headers: formHeaders(),
                body: form(["applicant_id": b, "token": f.tokens[b]!, "offer_id": String(f.offers[b]!)])
            ) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("You declined the offer."))
            }
        }
    }
}
