import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

struct SlotsView: Decodable {
    struct Slot: Decodable {
        var slotId: String
        var projectId: String
        var status: String
        var version: Int64
    }
    struct Occupancy: Decodable {
        var projectId: String
        var slots: Int
        var available: Int
        var offered: Int
        var occupied: Int
        var maintenance: Int
    }
    var projects: [Occupancy]
    var slots: [Slot]
}

@Suite("HTTP API: operators")
struct OperatorRouteTests {
    @Test("an operator lists only their projects' slots, with versions and occupancy")
    func listSlots() async throws {
        let f = try ServerFixture.make("api_op_list")
        try await f.test { client in
            try await client.execute(uri: "/v1/operator/slots", method: .get, headers: bearer(f.operatorX)) { r in
                #expect(r.status == .ok)
                let view = try r.decoded(SlotsView.self)
                #expect(view.slots.map(\.slotId) == ["S1", "S9"])
                #expect(view.slots.map(\.status) == ["offered", "maintenance"])
                #expect(view.slots.allSatisfy { $0.version >= 1 })
                #expect(view.projects.map(\.projectId) == ["P1", "P3"])
                #expect(view.projects.first?.offered == 1)
                #expect(view.projects.last?.maintenance == 1)
            }
            try await client.execute(uri: "/v1/operator/slots?project=P2", method: .get, headers: bearer(f.operatorY)) { r in
                let view = try r.decoded(SlotsView.self)
                #expect(view.slots.map(\.slotId) == ["S2"])
            }
            // Another operator's project and an unknown one answer alike.
            for project in ["P2", "P404"] {
                try await client.execute(uri: "/v1/operator/slots?project=\(project)", method: .get, headers: bearer(f.operatorX)) { r in
                    r.expectProblem(.notFound, code: "project_not_found")
                }
            }
            for headers in [bearer(f.adminKey), applicant("A1", token: f.tokens["A1"]!)] {
                try await client.execute(uri: "/v1/operator/slots", method: .get, headers: headers) { r in
                    r.expectProblem(.forbidden, code: "forbidden")
                }
            }
            for headers in [HTTPFields(), bearer(f.revokedKey), bearer(f.operatorX + "0")] {
                try await client.execute(uri: "/v1/operator/slots", method: .get, headers: headers) { r in
                    r.expectProblem(.unauthorized, code: "unauthorized")
                }
            }
        }
    }

    @Test("set a slot's status with its version; a stale version is 409; another operator's slot is 404")
    func setStatus() async throws {
        let f = try ServerFixture.make("api_op_set")
        let version = try f.connection.query("SELECT version FROM slots WHERE slot_id = 'S9'").first?[0] ?? ""
        try await f.test { client in
            let body = #"{"status": "available", "expected_version": \#(version)}"#
            // Y cannot touch X's slot, nor learn it exists.
            for slot in ["S9", "S404"] {
                try await client.execute(uri: "/v1/operator/slots/\(slot)/status", method: .put, headers: bearer(f.operatorY), body: json(body)) { r in
                    r.expectProblem(.notFound, code: "slot_not_found")
                    #expect((r.object["detail"] as? String) == "no slot \(slot) in city c1")
                }
            }
            try await client.execute(uri: "/v1/operator/slots/S9/status", method: .put, headers: bearer(f.operatorX), body: json(body)) { r in
                #expect(r.status == .ok)
                #expect(r.object["from"] as? String == "maintenance")
                #expect(r.object["to"] as? String == "available")
                #expect(r.object["changed"] as? Bool == true)
                #expect(r.object["version"] as? Int == Int(version)! + 1)
            }
            // The same body again: the version is stale now.
            try await client.execute(uri: "/v1/operator/slots/S9/status", method: .put, headers: bearer(f.operatorX), body: json(body)) { r in
                r.expectProblem(.conflict, code: "stale_version")
                #expect((r.object["detail"] as? String)?.contains("version") == true)
            }
            // A live offer is refused unless withdrawn.
            let s1 = try f.connection.query("SELECT version FROM slots WHERE slot_id = 'S1'").first?[0] ?? ""
            try await client.execute(
                uri: "/v1/operator/slots/S1/status", method: .put, headers: bearer(f.operatorX),
                body: json(#"{"status": "maintenance", "expected_version": \#(s1)}"#)
            ) { r in
                r.expectProblem(.conflict, code: "slot_has_offer")
            }
            try await client.execute(
                uri: "/v1/operator/slots/S1/status", method: .put, headers: bearer(f.operatorX),
                body: json(#"{"status": "maintenance", "expected_version": \#(s1), "withdraw_offer": true}"#)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.object["withdrawn_offer_id"] is Int)
            }
            // Client mistakes are 4xx.
            let mistakes: [(String, HTTPResponse.Status, String)] = [
                (#"{"status": "offered", "expected_version": 1}"#, .unprocessableContent, "invalid_status"),
                (#"{"status": "gone", "expected_version": 1}"#, .unprocessableContent, "invalid_status"),
                (#"{"status": "available"}"#, .badRequest, "invalid_body"),
                (#"{"status": "available", "expected_version": "1"}"#, .badRequest, "invalid_body"),
                ("", .badRequest, "invalid_body"),
                ("[]", .badRequest, "invalid_body"),
            ]
            for (text, status, code) in mistakes {
                try await client.execute(uri: "/v1/operator/slots/S9/status", method: .put, headers: bearer(f.operatorX), body: json(text)) { r in
                    r.expectProblem(status, code: code)
                }
            }
        }
        let actors = try f.connection.query("SELECT DISTINCT actor FROM audit_log WHERE action = 'slot.set_status'").map { $0[0] ?? "" }
        #expect(actors.count == 1 && actors[0].hasPrefix("operator:key-"))
    }
}
