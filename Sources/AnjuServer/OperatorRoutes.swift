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

/// `POST /v1/operator/projects/{projectId}/slots` body, `{"slots": [...]}`. Each slot is kept
/// as raw JSON values and read field by field, so a missing field, a wrong type or an
/// unknown value is a 422 problem of that field, listed with every other one (not a 400).
struct AddSlotsRequest: Decodable {
    var slots: [SlotFields]

    /// Every slot read (nil where a field could not be), and the problems found reading them.
    func read() -> (slots: [NewSlot?], problems: [NewSlotProblem]) {
        var problems: [NewSlotProblem] = []
        let slots = self.slots.enumerated().map { index, fields in
            var reader = SlotFieldReader(index: index, fields: fields.values)
            let slot = reader.slot()
            problems += reader.problems
            return slot
        }
        return (slots, problems)
    }
}

/// One slot of the body: its fields as JSON values by camelCase name (the decoder turns
/// `max_household` into `maxHousehold`, and leaves `maxHousehold` as it is), or nil when the
/// slot is not a JSON object.
struct SlotFields: Decodable {
    var values: [String: JSONAny]?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else { return }
        var values: [String: JSONAny] = [:]
        for key in container.allKeys { values[key.stringValue] = try container.decode(JSONAny.self, forKey: key) }
        self.values = values
    }
}

/// Reads one slot's fields, noting each that is missing, of the wrong JSON type or not one
/// of its values, named as documented (`slots[2].rent`). An optional field may be null.
struct SlotFieldReader {
    let index: Int
    let fields: [String: JSONAny]?
    private(set) var problems: [NewSlotProblem] = []

    init(index: Int, fields: [String: JSONAny]?) {
        self.index = index
        self.fields = fields
    }

    mutating func slot() -> NewSlot? {
        guard fields != nil else {
            problems.append(NewSlotProblem(index: index, field: nil, message: "must be a JSON object"))
            return nil
        }
        let slotID = string("slot_id")
        let kind = choice("kind", [Slot.Kind.apartment, .bed])
        let roomID = string("room_id", required: false)
        let maxHousehold = integer("max_household")
        let rent = integer("rent")
        let gender = choice("gender", [Slot.Gender.any, .female, .male])
        let accessible = boolean("accessible")
        let status = choice("status", [Slot.Status.available, .maintenance], required: false)
        let employer = string("reserved_employer_id", required: false)
        guard problems.isEmpty, let slotID, let kind, let maxHousehold, let rent, let gender, let accessible else {
            return nil
        }
        return NewSlot(
            slotID: slotID, kind: kind, roomID: roomID, maxHousehold: maxHousehold, rent: rent, gender: gender,
            accessible: accessible, status: status ?? .available, reservedEmployerID: employer)
    }

    /// The value of `field` (sent in snake_case or camelCase); nil when absent or null,
    /// which is a problem when the field is required.
    private mutating func value(_ field: String, required: Bool) -> JSONAny? {
        let parts = field.split(separator: "_")
        let camel = parts.prefix(1).joined() + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let value = fields?[camel]
        if value == nil || value == .null {
            if required { report(field, "required") }
            return nil
        }
        return value
    }

    private mutating func report(_ field: String, _ message: String) {
        problems.append(NewSlotProblem(index: index, field: field, message: message))
    }

    private mutating func string(_ field: String, required: Bool = true) -> String? {
        guard let value = value(field, required: required) else { return nil }
        guard case .string(let text) = value else { report(field, "must be a string"); return nil }
        return text
    }

    private mutating func integer(_ field: String) -> Int? {
        switch value(field, required: true) {
        case .int(let number)?: return Int(number)
        case .double(let number)? where number.rounded() == number && abs(number) < 9.0e15: return Int(number)
        case nil: return nil
        default: report(field, "must be a whole number"); return nil
        }
    }

    private mutating func boolean(_ field: String) -> Bool? {
        guard let value = value(field, required: true) else { return nil }
        guard case .bool(let flag) = value else { report(field, "must be true or false"); return nil }
        return flag
    }

    private mutating func choice<T: RawRepresentable<String>>(_ field: String, _ allowed: [T], required: Bool = true) -> T? {
        guard let text = string(field, required: required) else { return nil }
        guard let choice = allowed.first(where: { $0.rawValue == text }) else {
            let shown = text.count <= 70 ? text : text.prefix(64) + "…"
            report(field, "\"\(shown)\" is not one of \(allowed.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return choice
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
                return try session.reader.slotListing(projects: projects)
            }
            return JSONBody.response(OperatorSlotsBody(body))
        }
        router.post("/v1/operator/projects/:projectId/slots") { request, context in
            var request = request
            let body = try await JSONBody.decode(AddSlotsRequest.self, from: &request)
            let projectID = context.parameters.get("projectId") ?? ""
            let (slots, readProblems) = body.read()
            do {
                let added = try await authenticated(request) { caller, session in
                    let key = try operatorKey(caller)
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
                    return try store.addSlots(slots.compactMap { $0 }, toProject: projectID)
                }
                return JSONBody.response(AddedSlotsBody(added), status: .created)
            }
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
                guard let project = try session.reader.projectOfSlot(slotID), key.projectIDs.contains(project) else {
                    throw StoreError(.slotNotFound, subject: .slot(slotID), "no slot \(slotID) in city \(session.reader.city)")
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
