import Allocation
import Foundation
import Hummingbird
import Postgres
import Store

/// `GET /v1/operator/slots`: an operator's slots and each project's occupancy.
struct OperatorSlotsBody: Codable, Equatable {
    struct Slot: Codable, Equatable {
        var slotId: String
        var projectId: String
        var kind: String
        var roomId: String?
        var rent: Int
        var gender: String
        var accessible: Bool
        var status: String
        var version: Int64
        var updatedAt: String
    }

    struct Occupancy: Codable, Equatable {
        var projectId: String
        var projectName: String
        var slots: Int
        var available: Int
        var offered: Int
        var occupied: Int
        var maintenance: Int
    }

    var projects: [Occupancy]
    var slots: [Slot]
}

/// `PUT /v1/operator/slots/{id}/status` body.
struct SlotStatusRequest: Codable {
    var status: String
    /// Required: the version the operator last read (a stale one is 409).
    var expectedVersion: Int64
    var withdrawOffer: Bool?
}

/// What setting a slot's status did.
struct SlotChangeBody: Codable, Equatable {
    var slotId: String
    var from: String
    var to: String
    var version: Int64
    var changed: Bool
    var withdrawnOfferId: Int64?
    var endedTenancyId: Int64?
    var closedRoundId: String?

    init(_ change: SlotChange) {
        slotId = change.slotID
        from = change.from.rawValue
        to = change.to.rawValue
        version = change.version
        changed = change.changed
        withdrawnOfferId = change.withdrawnOfferID
        endedTenancyId = change.endedTenancyID
        closedRoundId = change.closedRoundID
    }
}

extension Routes {
    func addOperatorRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/operator/slots") { request, _ in
            let project = request.uri.queryParameters.get("project")
            let body = try await authenticated(request) { caller, session in
                let key = try operatorKey(caller)
                var projects = key.projectIDs
                if let project {
                    // Another operator's project answers like one that does not exist.
                    guard projects.contains(project) else {
                        throw Problem.notFound("project_not_found", "no project \(project) in city \(session.reader.city)")
                    }
                    projects = [project]
                }
                return try session.reader.operatorSlots(projects: projects)
            }
            return JSONBody.response(body)
        }
        router.put("/v1/operator/slots/:id/status") { request, context in
            var request = request
            let body = try await JSONBody.decode(SlotStatusRequest.self, from: &request)
            let slotID = context.parameters.get("id") ?? ""
            guard let status = Slot.Status(rawValue: body.status) else {
                throw Problem(
                    .unprocessableContent, code: "invalid_status", title: "Invalid request",
                    detail: "status: \"\(body.status)\" is not one of available, maintenance, occupied")
            }
            let change = try await authenticated(request) { caller, session in
                let key = try operatorKey(caller)
                let project = try session.connection.query(
                    "SELECT project_id FROM slots WHERE city = $1 AND slot_id = $2", [session.reader.city, slotID]
                ).first?[0]
                guard let project, key.projectIDs.contains(project) else {
                    throw StoreError.notFound("no slot \(slotID) in city \(session.reader.city)")
                }
                return try session.store(actor: caller.actor).setSlotStatus(
                    slotID, to: status, expectedVersion: body.expectedVersion, withdrawOffer: body.withdrawOffer ?? false)
            }
            return JSONBody.response(SlotChangeBody(change))
        }
    }

    private func operatorKey(_ caller: Caller) throws -> APIKey {
        guard case .operator(let key) = caller else {
            throw Problem.forbidden("these routes need an operator key")
        }
        return key
    }
}

extension Store {
    /// The slots of `projects` (in project and slot id order) and each project's occupancy.
    func operatorSlots(projects: [String]) throws -> OperatorSlotsBody {
        let array = "{" + projects.map { "\"" + $0 + "\"" }.joined(separator: ",") + "}"  // identifiers: no quoting needed
        let slots = try connection.query(
            """
            SELECT slot_id, project_id, kind, room_id, rent, gender, accessible, status, version,
                   to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
            FROM slots WHERE city = $1 AND project_id = ANY($2::text[])
            ORDER BY project_id COLLATE "C", slot_id COLLATE "C"
            """,
            [city, array]
        ).map { row in
            OperatorSlotsBody.Slot(
                slotId: try row.decode(String.self, "slot_id"), projectId: try row.decode(String.self, "project_id"),
                kind: try row.decode(String.self, "kind"), roomId: try row.decode(String?.self, "room_id"),
                rent: try row.decode(Int.self, "rent"), gender: try row.decode(String.self, "gender"),
                accessible: try row.decode(Bool.self, "accessible"), status: try row.decode(String.self, "status"),
                version: Int64(try row.decode(Int.self, "version")), updatedAt: try row.decode(String.self, "updated_at"))
        }
        let occupancy = try connection.query(
            """
            SELECT p.project_id, p.name, count(s.slot_id) AS slots,
                   count(*) FILTER (WHERE s.status = 'available') AS available,
                   count(*) FILTER (WHERE s.status = 'offered') AS offered,
                   count(*) FILTER (WHERE s.status = 'occupied') AS occupied,
                   count(*) FILTER (WHERE s.status = 'maintenance') AS maintenance
            FROM projects p LEFT JOIN slots s ON s.city = p.city AND s.project_id = p.project_id
            WHERE p.city = $1 AND p.project_id = ANY($2::text[])
            GROUP BY p.project_id, p.name ORDER BY p.project_id COLLATE "C"
            """,
            [city, array]
        ).map { row in
            OperatorSlotsBody.Occupancy(
                projectId: try row.decode(String.self, "project_id"), projectName: try row.decode(String.self, "name"),
                slots: try row.decode(Int.self, "slots"), available: try row.decode(Int.self, "available"),
                offered: try row.decode(Int.self, "offered"), occupied: try row.decode(Int.self, "occupied"),
                maintenance: try row.decode(Int.self, "maintenance"))
        }
        return OperatorSlotsBody(projects: occupancy, slots: slots)
    }
}
