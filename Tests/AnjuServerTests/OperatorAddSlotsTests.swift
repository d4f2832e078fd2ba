import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// `POST /v1/operator/projects/{projectId}/slots` on the shared fixture city: operator X
/// holds P1 and P3, Y holds P2; slots S1 (P1), S2 (P2) and S9 (P3) exist.
@Suite("HTTP API: operators add slots")
struct OperatorAddSlotsTests {
    static let twoBeds = #"""
        {"slots": [
          {"slot_id": "B1", "kind": "bed", "room_id": "R1", "max_household": 1, "rent": 800, "gender": "female", "accessible": false},
          {"slot_id": "B2", "kind": "bed", "room_id": "R1", "max_household": 1, "rent": 850, "gender": "female", "accessible": true, "status": "maintenance"},
          {"slotId": "A1", "kind": "apartment", "maxHousehold": 3, "rent": 2600, "gender": "any", "accessible": false, "reservedEmployerId": null}
        ]}
        """#

    /// The slots, rooms and audit rows of the city, to tell "nothing written".
    static func inventory(_ f: ServerFixture) throws -> [String] {
        try f.connection.query(
            """
            SELECT 'slot ' || slot_id || ' ' || status || ' ' || version FROM slots UNION ALL
            SELECT 'room ' || project_id || '/' || room_id FROM rooms UNION ALL
            SELECT 'audit ' || count(*) FROM audit_log ORDER BY 1
            """
        ).map { $0[0] ?? "" }
    }

    @Test("201 with the slots as stored and the occupancy; the listing shows them with version 1; one audit row")
    func addSlots() async throws {
        let f = try ServerFixture.make("api_add_ok")
        let keyID = try f.connection.query("SELECT key_id FROM api_keys WHERE name = 'X'").first?[0] ?? ""
        try await f.test { client in
            try await client.execute(
                uri: "/v1/operator/projects/P3/slots", method: .post, headers: bearer(f.operatorX), body: json(Self.twoBeds)
            ) { r in
                #expect(r.status == .created)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                let object = r.object
                #expect(object["rooms_created"] as? [String] == ["R1"])
                let project = object["project"] as? [String: Any] ?? [:]
                #expect(project["project_id"] as? String == "P3")
                #expect(project["project_name"] as? String == "Huangpu Dorm")
                #expect(project["slots"] as? Int == 4)
                #expect(project["available"] as? Int == 2)
                #expect(project["maintenance"] as? Int == 2)
                let slots = object["slots"] as? [[String: Any]] ?? []
                #expect(slots.map { $0["slot_id"] as? String } == ["B1", "B2", "A1"])
                #expect(slots.map { $0["room_id"] as? String } == ["R1", "R1", nil])
                #expect(slots.map { $0["status"] as? String } == ["available", "maintenance", "available"])
                #expect(slots.allSatisfy { $0["version"] as? Int == 1 && $0["project_id"] as? String == "P3" })
                #expect(slots.allSatisfy { ($0["updated_at"] as? String)?.hasSuffix("Z") == true })
            }
            try await client.execute(uri: "/v1/operator/slots?project=P3", method: .get, headers: bearer(f.operatorX)) { r in
                let view = try r.decoded(SlotsView.self)
                #expect(view.slots.map(\.slotId) == ["A1", "B1", "B2", "S9"])
                #expect(view.slots.map(\.version) == [1, 1, 1, 1])
                #expect(view.projects.first?.slots == 4)
            }
            // A new slot takes a status change with the version it was given.
            try await client.execute(
                uri: "/v1/operator/slots/B2/status", method: .put, headers: bearer(f.operatorX),
                body: json(#"{"status": "available", "expected_version": 1}"#)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.object["version"] as? Int == 2)
            }
        }
        let audit = try f.connection.query(
            "SELECT actor, entity, entity_id, details->>'slot_ids' FROM audit_log WHERE action = 'slot.add'")
        #expect(audit.count == 1)
        #expect(audit.first?.values == ["operator:key-\(keyID)", "project", "P3", #"["B1", "B2", "A1"]"#])
        #expect(try f.connection.query("SELECT gender FROM rooms WHERE project_id = 'P3' AND room_id = 'R1'").first?[0] == "female")
    }

    @Test("who may add: another operator's project is 404 like an unknown one; admin and applicant 403; bad keys 401")
    func authorization() async throws {
        let f = try ServerFixture.make("api_add_auth")
        let before = try Self.inventory(f)
        try await f.test { client in
            // Y does not hold P1; nobody holds P404. The same body but for the id named.
            var bodies: [String] = []
            for project in ["P1", "P404"] {
                bodies.append(
                    try await client.execute(
                        uri: "/v1/operator/projects/\(project)/slots", method: .post, headers: bearer(f.operatorY),
                        body: json(Self.twoBeds)
                    ) { r in
                        r.expectProblem(.notFound, code: "project_not_found")
                        #expect(r.object["detail"] as? String == "no project \(project) in city c1")
                        return r.text.replacingOccurrences(of: project, with: "<id>")
                    })
            }
            #expect(bodies[0] == bodies[1])
            // Invalid slots do not tell a stranger's project apart either.
            try await client.execute(
                uri: "/v1/operator/projects/P1/slots", method: .post, headers: bearer(f.operatorY),
                body: json(#"{"slots": []}"#)
            ) { r in
                r.expectProblem(.notFound, code: "project_not_found")
            }
            for headers in [bearer(f.adminKey), applicant("A1", token: f.tokens["A1"]!)] {
                try await client.execute(
                    uri: "/v1/operator/projects/P1/slots", method: .post, headers: headers, body: json(Self.twoBeds)
                ) { r in
                    r.expectProblem(.forbidden, code: "forbidden")
                }
            }
            for headers in [HTTPFields(), bearer(f.revokedKey), bearer(f.operatorX + "0")] {
                try await client.execute(
                    uri: "/v1/operator/projects/P1/slots", method: .post, headers: headers, body: json(Self.twoBeds)
                ) { r in
                    r.expectProblem(.unauthorized, code: "unauthorized")
                }
            }
        }
        #expect(try Self.inventory(f) == before)
    }

    @Test("422 lists every problem by index and field — unreadable fields and broken rules alike — and writes nothing")
    func everyProblem() async throws {
        let f = try ServerFixture.make("api_add_invalid")
        try f.connection.query("INSERT INTO rooms (city, project_id, room_id, gender) VALUES ('c1', 'P1', 'R1', 'male')")
        let before = try Self.inventory(f)
        let body = #"""
            {"slots": [
              {"slot_id": "B1", "kind": "bed", "room_id": "R1", "max_household": 2, "rent": -5, "gender": "female", "accessible": false},
              {"slot_id": "B2", "kind": "house", "max_household": "one", "rent": 1.5, "gender": "female", "accessible": 1, "status": "offered"},
              7,
              {"slot_id": "B1", "kind": "apartment", "room_id": "R2", "max_household": 2, "rent": 0, "gender": "any", "accessible": true, "reserved_employer_id": "E9"},
              {"kind": "bed", "max_household": 1, "rent": 0, "gender": null, "accessible": false, "room_id": 5}
            ]}
            """#
        let expected = [
            "slots[0].max_household: 2 is not allowed for a bed; a bed is for one person, so max_household must be 1",
            "slots[0].rent: -5 is below 0; rent is whole yuan per month",
            #"slots[0].gender: "female" differs from "male", the gender of room "R1" of project P1; beds of one room share one gender"#,
            #"slots[1].kind: "house" is not one of apartment, bed"#,
            "slots[1].max_household: must be a whole number",
            "slots[1].rent: must be a whole number",
            "slots[1].accessible: must be true or false",
            #"slots[1].status: "offered" is not one of available, maintenance"#,
            "slots[2]: must be a JSON object",
            #"slots[3].slot_id: "B1" is also slots[0]; slot ids are unique in a city"#,
            "slots[3].room_id: an apartment is in no dorm room; leave room_id out (rooms group beds)",
            "slots[3].reserved_employer_id: no employer E9 in city c1",
            "slots[4].slot_id: required",
            "slots[4].room_id: must be a string",
            "slots[4].gender: required",
        ]
        try await f.test { client in
            try await client.execute(
                uri: "/v1/operator/projects/P1/slots", method: .post, headers: bearer(f.operatorX), body: json(body)
            ) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_slots")
                #expect(r.object["errors"] as? [String] == expected)
                #expect(r.object["detail"] as? String == expected.joined(separator: "; "))
                #expect(r.object["instance"] as? String == "/v1/operator/projects/P1/slots")
            }
            // Rules alone (every slot readable) are listed the same way.
            try await client.execute(
                uri: "/v1/operator/projects/P1/slots", method: .post, headers: bearer(f.operatorX),
                body: json(#"{"slots": [{"slot_id": "B 1", "kind": "bed", "max_household": 1, "rent": 3000000000, "gender": "any", "accessible": false}]}"#)
            ) { r in
                r.expectProblem(.unprocessableContent, code: "invalid_slots")
                #expect(r.object["errors"] as? [String] == [
                    #"slots[0].slot_id: "B 1" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)"#,
                    "slots[0].rent: 3000000000 is too large to store; expected at most 2147483647",
                ])
            }
        }
        #expect(try Self.inventory(f) == before)
    }

    @Test("the body: not JSON or no slots array is 400; an empty or too long list 422; over 64 KiB 413")
    func bodyLimits() async throws {
        let f = try ServerFixture.make("api_add_body")
        let before = try Self.inventory(f)
        let slot = #"{"slot_id": "A%d", "kind": "apartment", "max_household": 1, "rent": 0, "gender": "any", "accessible": false}"#
        let many = #"{"slots": ["# + (0...500).map { String(format: slot, $0) }.joined(separator: ",") + "]}"
        #expect(many.utf8.count < ServerConfiguration.maxBodyBytes)
        let huge = #"{"slots": [], "pad": ""# + String(repeating: "x", count: ServerConfiguration.maxBodyBytes) + #""}"#
        let cases: [(String, HTTPResponse.Status, String)] = [
            ("not json", .badRequest, "invalid_body"),
            ("", .badRequest, "invalid_body"),
            (#"{"slot": []}"#, .badRequest, "invalid_body"),
            (#"{"slots": {}}"#, .badRequest, "invalid_body"),
            (#"[]"#, .badRequest, "invalid_body"),
            (#"{"slots": []}"#, .unprocessableContent, "invalid_slots"),
            (many, .unprocessableContent, "invalid_slots"),
            (huge, .contentTooLarge, "body_too_large"),
        ]
        try await f.test { client in
            for (text, status, code) in cases {
                try await client.execute(
                    uri: "/v1/operator/projects/P1/slots", method: .post, headers: bearer(f.operatorX), body: json(text)
                ) { r in
                    r.expectProblem(status, code: code)
                    if status == .unprocessableContent {
                        #expect((r.object["errors"] as? [String])?.count == 1)
                        #expect((r.object["errors"] as? [String])?.first?.hasPrefix("slots: ") == true)
                    }
                }
            }
        }
        #expect(try Self.inventory(f) == before)
    }

    @Test("409 lists every clash — ids taken anywhere in the city (without saying where), room genders, employers")
    func conflicts() async throws {
        let f = try ServerFixture.make("api_add_taken")
        try f.connection.query("INSERT INTO rooms (city, project_id, room_id, gender) VALUES ('c1', 'P1', 'R1', 'male')")
        let before = try Self.inventory(f)
        let body = #"""
            {"slots": [
              {"slot_id": "N1", "kind": "apartment", "max_household": 2, "rent": 100, "gender": "any", "accessible": false},
              {"slot_id": "S2", "kind": "apartment", "max_household": 2, "rent": 100, "gender": "any", "accessible": false},
              {"slot_id": "N2", "kind": "bed", "room_id": "R1", "max_household": 1, "rent": 100, "gender": "female", "accessible": false},
              {"slot_id": "N3", "kind": "apartment", "max_household": 2, "rent": 100, "gender": "any", "accessible": false, "reserved_employer_id": "E9"}
            ]}
            """#
        let expected = [
            #"slots[1].slot_id: "S2" is already taken in city c1; slot ids are unique in a city"#,
            #"slots[2].gender: "female" differs from "male", the gender of room "R1" of project P1; beds of one room share one gender"#,
            "slots[3].reserved_employer_id: no employer E9 in city c1",
        ]
        try await f.test { client in
            try await client.execute(
                uri: "/v1/operator/projects/P1/slots", method: .post, headers: bearer(f.operatorX), body: json(body)
            ) { r in
                r.expectProblem(.conflict, code: "slot_conflict")
                #expect(r.object["errors"] as? [String] == expected)
                #expect(r.object["detail"] as? String == expected.joined(separator: "; "))
                #expect(!r.text.contains("P2"))  // S2 is Y's: its project is not named
            }
        }
        #expect(try Self.inventory(f) == before)
    }

    @Test("/openapi.yaml documents the route with the limit the store enforces")
    func documented() async throws {
        let f = try ServerFixture.make("api_add_doc", poolSize: 1)
        try await f.test { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.text.contains("\n  /v1/operator/projects/{projectId}/slots:\n    post:\n"))
                #expect(r.text.contains("minItems: 1, maxItems: \(Store.maxSlotsPerAddition),"))
                #expect(r.text.contains("At most \(Store.maxSlotsPerAddition) slots per request"))
                for code in ["'201':", "'400':", "'401':", "'403':", "'404':", "'409':", "'413':", "'422':"] {
                    #expect(r.text.contains(code), "\(code)")
                }
            }
        }
    }

    @Test("two requests adding the same slot id at once: one 201, one 409")
    func concurrentAdds() async throws {
        let f = try ServerFixture.make("api_add_race", poolSize: 4)
        try await f.test { client in
            for round in 0..<5 {
                func add(_ other: String) async throws -> HTTPResponse.Status {
                    let body = #"{"slots": [{"slot_id": "own-\#(round)-\#(other)", "kind": "bed", "max_household": 1, "rent": 700, "gender": "male", "accessible": false}, {"slot_id": "same-\#(round)", "kind": "bed", "room_id": "R\#(round)", "max_household": 1, "rent": 700, "gender": "male", "accessible": false}]}"#
                    return try await client.execute(
                        uri: "/v1/operator/projects/P1/slots", method: .post, headers: bearer(f.operatorX), body: json(body)
                    ) { r in
                        if r.status == .conflict { r.expectProblem(.conflict, code: "slot_conflict") }
                        return r.status
                    }
                }
                async let first = add("a")
                async let second = add("b")
                let statuses = try await [first, second].map(\.code).sorted()
                #expect(statuses == [201, 409], "round \(round)")
            }
        }
        #expect(try f.connection.query("SELECT count(*) FROM slots WHERE slot_id LIKE 'own-%'").first?[0] == "5")
        #expect(try f.connection.query("SELECT count(*) FROM audit_log WHERE action = 'slot.add'").first?[0] == "5")
    }
}
