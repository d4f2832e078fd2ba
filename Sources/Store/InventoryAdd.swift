import Allocation
import AllocationFiles
import Postgres

extension Store {
    /// The most slots one `addSlots` call takes (an HTTP body of 64 KiB holds about 700).
    public static let maxSlotsPerAddition = 500

    /// Adds `slots` to project `projectID`, all or nothing, in one transaction with one
    /// `slot.add` audit row (the project, the slot ids, the rooms created). A bed's new
    /// `roomID` creates the room with the bed's gender; a bed may also join a room the
    /// project has, if it has the room's gender.
    ///
    /// Additions run beside each other and wait for an import of the city (its advisory
    /// lock, shared); between additions the primary key decides, so of two calls adding
    /// the same slot id one succeeds and the other gets the conflict.
    ///
    /// - Throws: `StoreError.notFound` when the city has no project `projectID`; else, with
    ///   every problem `slotProblems` finds, `StoreError.invalid` when one of them is
    ///   `.invalid`, or `StoreError.conflict` (one problem a line) when all are conflicts.
    ///   Nothing is written in any of these cases.
    public func addSlots(_ slots: [NewSlot], toProject projectID: String) throws -> SlotsAdded {
        do {
            return try retryingTransaction {
                try connection.query(
                    "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", ["anju import " + city])
                try Self.refuse(try slotProblems(slots, inProject: projectID), project: projectID)
                let roomsCreated = try createRooms(for: slots, in: projectID)
                let added = try insertSlots(slots, in: projectID)
                try audit(
                    "slot.add", entity: "project", id: projectID,
                    details: [
                        "slot_ids": .array(slots.map { .string($0.slotID) }),
                        "rooms_created": .array(roomsCreated.map { .string($0) }),
                    ])
                let occupancy = try projectOccupancy([projectID])
                return SlotsAdded(slots: added, roomsCreated: roomsCreated, occupancy: occupancy[0])
            }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            // Another addition inserted one of these ids after our check and committed first.
            let taken = try takenSlotIDs(slots)
            guard !taken.isEmpty else { throw error }
            throw StoreError(.slotConflict, subject: .project(projectID), problems: taken.map(\.storeProblem))
        }
    }

    /// Every problem that would stop `addSlots(slots, toProject: projectID)`, by slot in list
    /// order. Invalid: the list's size (1…`maxSlotsPerAddition`), ids (1–64 of
    /// `A–Z a–z 0–9 _ - .`), values (a bed's `max_household` is 1, rent ≥ 0, whole numbers
    /// that fit the database, a new slot `available` or in `maintenance`, no room for an
    /// apartment). Conflicts: a slot id given twice or already in the city (slot ids are
    /// unique city-wide; where it is, is not said), beds of one room of different genders
    /// (a room of the project: its gender; a new room: its first bed's), a reserved
    /// employer the city lacks. Reads only. A nil entry is a slot the caller could not read
    /// (and has reported): it keeps its position and is not checked.
    ///
    /// - Throws: `StoreError.notFound` when the city has no project `projectID`.
    public func slotProblems(_ slots: [NewSlot?], inProject projectID: String) throws -> [NewSlotProblem] {
        // Only identifiers reach the database: libpq would cut a value at a NUL byte.
        guard
            ContractRules.isIdentifier(projectID),
            try connection.query(
                "SELECT 1 FROM projects WHERE city = $1 AND project_id = $2", [city, projectID]
            ).first != nil
        else { throw StoreError(.projectNotFound, subject: .project(projectID), "no project \(projectID) in city \(city)") }
        var problems = Self.listProblems(slots)
        if problems.contains(where: { $0.index == nil }) { return problems }  // the list's size
        let checked = slots.enumerated().compactMap { k, slot in slot.map { (index: k, slot: $0) } }
        problems += try takenSlotIDs(checked.map(\.slot), at: checked.map(\.index))
        let roomIDs = checked.compactMap { $0.slot.kind == .bed ? $0.slot.roomID : nil }.filter(ContractRules.isIdentifier)
        let rooms = Dictionary(
            uniqueKeysWithValues: try connection.query(
                "SELECT room_id, gender FROM rooms WHERE city = $1 AND project_id = $2 AND room_id = ANY($3::text[])",
                [city, projectID, Self.textArray(Array(Set(roomIDs)))]
            ).map { (try $0.decode(String.self, "room_id"), try $0.decode(String.self, "gender")) })
        let employerIDs = checked.compactMap(\.slot.reservedEmployerID).filter(ContractRules.isIdentifier)
        let employers = Set(
            try connection.query(
                "SELECT employer_id FROM employers WHERE city = $1 AND employer_id = ANY($2::text[])",
                [city, Self.textArray(Array(Set(employerIDs)))]
            ).map { try $0.decode(String.self, "employer_id") })
        var firstBeds: [String: (index: Int, gender: Slot.Gender)] = [:]  // of new rooms
        for (k, slot) in checked {
            func conflict(_ field: String, _ message: String) {
                problems.append(NewSlotProblem(index: k, field: field, message: message, kind: .conflict))
            }
            let gender = slot.gender.rawValue
            if slot.kind == .bed, let room = slot.roomID, ContractRules.isIdentifier(room) {
                if let stored = rooms[room] {
                    if stored != gender {
                        conflict(
                            "gender",
                            "\"\(gender)\" differs from \"\(stored)\", the gender of room \"\(room)\" of project \(projectID); beds of one room share one gender")
                    }
                } else if let first = firstBeds[room] {
                    if first.gender != slot.gender {
                        conflict(
                            "gender",
                            "\"\(gender)\" differs from \"\(first.gender.rawValue)\", the gender of slots[\(first.index)], the first bed of the new room \"\(room)\"; beds of one room share one gender")
                    }
                } else {
                    firstBeds[room] = (k, slot.gender)
                }
            }
            if let employer = slot.reservedEmployerID, ContractRules.isIdentifier(employer), !employers.contains(employer) {
                conflict("reserved_employer_id", "no employer \(employer) in city \(city)")
            }
        }
        return Self.bySlot(problems)
    }

    /// Throws for `problems` of the slots to add to `projectID`, if any: `invalidSlots`
    /// listing all of them when one is invalid, else `slotConflict` listing them.
    static func refuse(_ problems: [NewSlotProblem], project projectID: String) throws {
        guard !problems.isEmpty else { return }
        let code: StoreError.Code = problems.contains(where: { $0.kind == .invalid }) ? .invalidSlots : .slotConflict
        throw StoreError(code, subject: .project(projectID), problems: problems.map(\.storeProblem))
    }

    /// The problems of the list and of each slot alone, and ids given twice.
    private static func listProblems(_ slots: [NewSlot?]) -> [NewSlotProblem] {
        if slots.isEmpty { return [NewSlotProblem(index: nil, field: nil, message: "empty; give at least one slot")] }
        if slots.count > maxSlotsPerAddition {
            return [
                NewSlotProblem(
                    index: nil, field: nil,
                    message: "\(slots.count) slots; at most \(maxSlotsPerAddition) may be added at once, send the rest in another request")
            ]
        }
        var problems: [NewSlotProblem] = []
        var firstIndex: [String: Int] = [:]
        for (k, slot) in slots.enumerated() {
            guard let slot else { continue }
            func report(_ field: String, _ message: String) {
                problems.append(NewSlotProblem(index: k, field: field, message: message))
            }
            func identifier(_ field: String, _ value: String) {
                if !ContractRules.isIdentifier(value) {
                    report(field, "\(shown(value)) is not an identifier (1-64 of A-Z a-z 0-9 _ - .)")
                }
            }
            identifier("slot_id", slot.slotID)
            if let first = firstIndex[slot.slotID] {
                problems.append(
                    NewSlotProblem(
                        index: k, field: "slot_id", message: "\(shown(slot.slotID)) is also slots[\(first)]; slot ids are unique in a city",
                        kind: .conflict))
            } else {
                firstIndex[slot.slotID] = k
            }
            if let room = slot.roomID {
                if slot.kind == .apartment {
                    report("room_id", "an apartment is in no dorm room; leave room_id out (rooms group beds)")
                } else {
                    identifier("room_id", room)
                }
            }
            if slot.maxHousehold < ContractRules.Minimum.maxHousehold {
                report("max_household", "\(slot.maxHousehold) is below \(ContractRules.Minimum.maxHousehold)")
            } else if let problem = ContractRules.bedHouseholdProblem(kind: slot.kind, maxHousehold: slot.maxHousehold) {
                report("max_household", problem)
            }
            if slot.rent < ContractRules.Minimum.rent {
                report("rent", "\(slot.rent) is below \(ContractRules.Minimum.rent); rent is whole yuan per month")
            }
            // The schema's integer columns: the same check (and words) as an import's.
            var sizes = ImportChecks(file: "slots")
            sizes.integer(slot.maxHousehold, line: k, column: "max_household")
            sizes.integer(slot.rent, line: k, column: "rent")
            for problem in sizes.problems { report(problem.column, problem.message) }
            if slot.status != .available, slot.status != .maintenance {
                report(
                    "status",
                    "\"\(slot.status.rawValue)\" is not allowed for a new slot; add it available or in maintenance (a round makes offers; occupied can be set afterwards)")
            }
            if let employer = slot.reservedEmployerID { identifier("reserved_employer_id", employer) }
        }
        return problems
    }

    /// `problems` by slot (the list's first), each slot's in the order found.
    public static func bySlot(_ problems: [NewSlotProblem]) -> [NewSlotProblem] {
        problems.enumerated().sorted { a, b in
            (a.element.index ?? -1, a.offset) < (b.element.index ?? -1, b.offset)
        }.map(\.element)
    }

    /// `value` quoted for a message, cut short when long.
    private static func shown(_ value: String) -> String {
        value.count <= 70 ? "\"\(value)\"" : "\"\(value.prefix(64))…\""
    }

    /// A conflict for each of `slots` whose id the city has already; `positions` are their
    /// indexes in the caller's list (default: their own).
    private func takenSlotIDs(_ slots: [NewSlot], at positions: [Int]? = nil) throws -> [NewSlotProblem] {
        let ids = slots.map(\.slotID).filter(ContractRules.isIdentifier)
        let taken = Set(
            try connection.query(
                "SELECT slot_id FROM slots WHERE city = $1 AND slot_id = ANY($2::text[])", [city, Self.textArray(ids)]
            ).map { try $0.decode(String.self, "slot_id") })
        return slots.enumerated().filter { taken.contains($0.element.slotID) }.map { k, slot in
            NewSlotProblem(
                index: positions?[k] ?? k, field: "slot_id",
                message: "\"\(slot.slotID)\" is already taken in city \(city); slot ids are unique in a city", kind: .conflict)
        }
    }

    /// Creates the project's rooms that the beds name and it lacks, each with its first
    /// bed's gender, in id order (so two additions lock rooms in one order); returns their
    /// ids. A room another addition created meanwhile is checked like a stored one.
    private func createRooms(for slots: [NewSlot], in projectID: String) throws -> [String] {
        var gender: [String: String] = [:]
        for slot in slots where slot.kind == .bed {
            if let room = slot.roomID, gender[room] == nil { gender[room] = slot.gender.rawValue }
        }
        guard !gender.isEmpty else { return [] }
        let ids = gender.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let created = try connection.query(
            """
            INSERT INTO rooms (city, project_id, room_id, gender)
            SELECT $1, $2, r.room_id, r.gender FROM unnest($3::text[], $4::text[]) AS r(room_id, gender)
            ORDER BY r.room_id COLLATE "C"
            ON CONFLICT (city, project_id, room_id) DO NOTHING
            RETURNING room_id
            """,
            [city, projectID, Self.textArray(ids), Self.textArray(ids.map { gender[$0]! })]
        ).map { try $0.decode(String.self, "room_id") }
        // The rooms not created here existed when checked, or were created since by another
        // addition (the insert waited for it to commit): their genders must still match.
        try Self.refuse(try slotProblems(slots, inProject: projectID), project: projectID)
        return created.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Inserts the slots (version 1) in id order and returns them as stored, in list order.
    private func insertSlots(_ slots: [NewSlot], in projectID: String) throws -> [AddedSlot] {
        let rows = try connection.query(
            """
            INSERT INTO slots (city, slot_id, project_id, kind, room_id, max_household, rent, gender, accessible, status,
                               reserved_employer_id)
            SELECT $1, s.slot_id, $2, s.kind, s.room_id, s.max_household, s.rent, s.gender, s.accessible, s.status, s.employer
            FROM unnest($3::text[], $4::text[], $5::text[], $6::integer[], $7::integer[], $8::text[], $9::boolean[],
                        $10::text[], $11::text[])
                 AS s(slot_id, kind, room_id, max_household, rent, gender, accessible, status, employer)
            ORDER BY s.slot_id COLLATE "C"
            RETURNING slot_id, version, \(Self.utc("updated_at")) AS updated_at
            """,
            [
                city, projectID, Self.textArray(slots.map(\.slotID)), Self.textArray(slots.map(\.kind.rawValue)),
                Self.textArray(slots.map { $0.kind == .bed ? $0.roomID : nil }),
                "{" + slots.map { String($0.maxHousehold) }.joined(separator: ",") + "}",
                "{" + slots.map { String($0.rent) }.joined(separator: ",") + "}",
                Self.textArray(slots.map(\.gender.rawValue)),
                "{" + slots.map { $0.accessible ? "t" : "f" }.joined(separator: ",") + "}",
                Self.textArray(slots.map(\.status.rawValue)), Self.textArray(slots.map(\.reservedEmployerID)),
            ])
        var stored: [String: (version: Int64, updatedAt: String)] = [:]
        for row in rows {
            stored[try row.decode(String.self, "slot_id")] = (
                Int64(try row.decode(Int.self, "version")), try row.decode(String.self, "updated_at")
            )
        }
        return slots.map { new in
            let row = stored[new.slotID]!  // every slot was inserted, or the statement failed
            return AddedSlot(
                slot: Slot(
                    id: new.slotID, projectID: projectID, kind: new.kind, roomID: new.kind == .bed ? new.roomID : nil,
                    maxHousehold: new.maxHousehold, rent: new.rent, gender: new.gender, accessible: new.accessible,
                    status: new.status, reservedEmployerID: new.reservedEmployerID),
                version: row.version, updatedAt: row.updatedAt)
        }
    }

    /// The slots by status of each of `projectIDs` the city has, in project id order.
    public func projectOccupancy(_ projectIDs: [String]) throws -> [ProjectOccupancy] {
        try connection.query(
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
            [city, Self.textArray(projectIDs)]
        ).map { row in
            ProjectOccupancy(
                projectID: try row.decode(String.self, "project_id"), name: try row.decode(String.self, "name"),
                slots: try row.decode(Int.self, "slots"), available: try row.decode(Int.self, "available"),
                offered: try row.decode(Int.self, "offered"), occupied: try row.decode(Int.self, "occupied"),
                maintenance: try row.decode(Int.self, "maintenance"))
        }
    }

}
