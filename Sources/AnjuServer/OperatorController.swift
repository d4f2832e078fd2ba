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

extension OperatorSlotsBody {
    init(_ listing: SlotListing) {
        self.init(projects: listing.projects.map(Occupancy.init), slots: listing.slots.map(Slot.init))
    }
}

extension OperatorSlotsBody.Slot {
    init(_ slot: ListedSlot) {
        self.init(
            slotId: slot.slotID, projectId: slot.projectID, kind: slot.kind, roomId: slot.roomID, rent: slot.rent,
            gender: slot.gender, accessible: slot.accessible, status: slot.status, version: slot.version,
            updatedAt: slot.updatedAt)
    }

    init(_ added: AddedSlot) {
        let slot = added.slot
        self.init(
            slotId: slot.id, projectId: slot.projectID, kind: slot.kind.rawValue, roomId: slot.roomID, rent: slot.rent,
            gender: slot.gender.rawValue, accessible: slot.accessible, status: slot.status.rawValue,
            version: added.version, updatedAt: added.updatedAt)
    }
}

extension OperatorSlotsBody.Occupancy {
    init(_ occupancy: ProjectOccupancy) {
        self.init(
            projectId: occupancy.projectID, projectName: occupancy.name, slots: occupancy.slots,
            available: occupancy.available, offered: occupancy.offered, occupied: occupancy.occupied,
            maintenance: occupancy.maintenance)
    }
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

/// `POST /v1/operator/projects/{projectId}/slots`: what was added, and the project after it.
struct AddedSlotsBody: Codable, Equatable {
    var project: OperatorSlotsBody.Occupancy
    var roomsCreated: [String]
    var slots: [OperatorSlotsBody.Slot]

    init(_ added: SlotsAdded) {
        project = .init(added.occupancy)
        roomsCreated = added.roomsCreated
        slots = added.slots.map(OperatorSlotsBody.Slot.init)
    }
}

/// The operators' routes: their slots, adding slots to a project, setting a slot's status.
/// An operator key sees only its own projects; another's answers like one that does not exist.
struct OperatorController {
    let pool: ConnectionPool<DatabaseSession>

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/v1/operator/slots", use: slots)
        router.post("/v1/operator/projects/:projectId/slots", use: addSlots)
        router.put("/v1/operator/slots/:id/status", use: setSlotStatus)
    }

    /// `GET /v1/operator/slots[?project=]`: the key's slots and each project's occupancy.
    @Sendable func slots(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let project = request.uri.queryParameters.get("project")
        let body = try await pool.authenticated(request) { caller, session in
            let key = try Self.operatorKey(caller)
            var projects = key.projectIDs
            if let project {
                // Another operator's project answers like one that does not exist.
                guard projects.contains(project) else {
                    throw Problem.notFound("project_not_found", "no project \(project) in city \(session.reader.city)")
                }
                projects = [project]
            }
            return try session.reader.slotListing(projects: projects)
        }
        return JSONBody.response(OperatorSlotsBody(body))
    }

    /// `POST /v1/operator/projects/{projectId}/slots`: adds every slot or none; every problem
    /// found is listed at once (422), conflicts with the current inventory are a 409.
    @Sendable func addSlots(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        var request = request
        let body = try await JSONBody.decode(AddSlotsRequest.self, from: &request)
        let projectID = context.parameters.get("projectId") ?? ""
        let (slots, readProblems) = body.read()
        let added = try await pool.authenticated(request) { caller, session in
            let key = try Self.operatorKey(caller)
            // Another operator's project answers like one that does not exist.
            guard key.projectIDs.contains(projectID) else {
                throw StoreError(
                    .projectNotFound, subject: .project(projectID), "no project \(projectID) in city \(session.reader.city)")
            }
            let store = try session.store(actor: caller.actor)
            guard readProblems.isEmpty else {
                // Still check what could be read, so that every problem is listed at once.
                let rules = try store.slotProblems(slots, inProject: projectID)
                let list = rules.filter { $0.index == nil }
                let all = list.isEmpty ? Store.bySlot(readProblems + rules) : list
                throw StoreError(.invalidSlots, subject: .project(projectID), problems: all.map(\.storeProblem))
            }
            // invalid_slots (422), slot_conflict (409) and project_not_found (404) come
            // from the store with every problem at its `slots[INDEX].FIELD`.
            return try store.addSlots(slots.compactMap { $0 }, toProject: projectID)
        }
        return JSONBody.response(AddedSlotsBody(added), status: .created)
    }

    /// `PUT /v1/operator/slots/{id}/status`: sets the status if the version the operator read
    /// is still current (else 409).
    @Sendable func setSlotStatus(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        var request = request
        let body = try await JSONBody.decode(SlotStatusRequest.self, from: &request)
        let slotID = context.parameters.get("id") ?? ""
        guard let status = Slot.Status(rawValue: body.status) else {
            throw Problem(
                .unprocessableContent, code: "invalid_status", title: "Invalid request",
                detail: "status: \"\(body.status)\" is not one of available, maintenance, occupied")
        }
        let change = try await pool.authenticated(request) { caller, session in
            let key = try Self.operatorKey(caller)
            // Another operator's slot answers like one that does not exist.
            guard let project = try session.reader.projectOfSlot(slotID), key.projectIDs.contains(project) else {
                throw StoreError(.slotNotFound, subject: .slot(slotID), "no slot \(slotID) in city \(session.reader.city)")
            }
            return try session.store(actor: caller.actor).setSlotStatus(
                slotID, to: status, expectedVersion: body.expectedVersion, withdrawOffer: body.withdrawOffer ?? false)
        }
        return JSONBody.response(SlotChangeBody(change))
    }

    private static func operatorKey(_ caller: Caller) throws -> APIKey {
        guard case .operator(let key) = caller else {
            throw Problem.forbidden("these routes need an operator key")
        }
        return key
    }
}
