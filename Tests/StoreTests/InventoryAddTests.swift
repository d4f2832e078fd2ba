import Allocation
import Foundation
import Postgres
import PostgresTestSupport
import Store
import TestSupport
import Testing

/// The rows `addSlots` may write, as text, to tell "nothing written" from anything else.
private func inventory(_ db: StoreFixtures) throws -> [String] {
    try db.connection.query(
        """
        SELECT 'slot ' || slot_id || ' ' || project_id || ' ' || kind || ' ' || coalesce(room_id, '-') || ' ' || status
        FROM slots UNION ALL
        SELECT 'room ' || project_id || '/' || room_id || ' ' || gender FROM rooms UNION ALL
        SELECT 'audit ' || action || ' ' || entity_id FROM audit_log
        ORDER BY 1
        """
    ).map { $0[0] ?? "" }
}

private func apartment(_ id: String, rent: Int = 2500, household: Int = 3) -> NewSlot {
    NewSlot(slotID: id, kind: .apartment, maxHousehold: household, rent: rent)
}

private func bed(_ id: String, room: String? = nil, gender: Slot.Gender = .female, rent: Int = 800) -> NewSlot {
    NewSlot(slotID: id, kind: .bed, roomID: room, maxHousehold: 1, rent: rent, gender: gender)
}

/// Blocks until another session of this database waits for a lock (at most 10 s).
private func waitForLockWaiter(_ db: StoreFixtures) throws {
    for _ in 0..<1000 {
        let waiting = try db.int(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
            """)
        if waiting > 0 { return }
        usleep(10_000)
    }
    throw PostgresError(message: "no session started waiting for a lock", operation: "test")
}

@Suite("Inventory: adding slots and rooms")
struct InventoryAddTests {
    @Test("apartments and beds are added with version 1; a new room takes its beds' gender; one audit row")
    func addsSlotsAndRooms() throws {
        let db = try StoreFixtures.migrated("addslots")
        try db.project("P1")
        try db.room("R-old", gender: "male")
        try db.slot("S0", kind: "bed", room: "R-old")
        try db.connection.query("INSERT INTO employers (city, employer_id, name) VALUES ('c1', 'E1', 'Courier Co')")
        let slots = [
            NewSlot(
                slotID: "A1", kind: .apartment, maxHousehold: 4, rent: 3200, gender: .any, accessible: true,
                status: .maintenance, reservedEmployerID: "E1"),
            bed("B1", room: "R-new", gender: .female),
            bed("B2", room: "R-new", gender: .female),
            bed("B3", room: "R-old", gender: .male),
            bed("B4", gender: .any),
        ]
        let added = try db.store(actor: "operator:key-7").addSlots(slots, toProject: "P1")

        #expect(added.slots.map(\.slot.id) == ["A1", "B1", "B2", "B3", "B4"])
        #expect(added.slots.allSatisfy { $0.version == 1 && $0.slot.projectID == "P1" })
        #expect(added.slots[0].slot == Slot(
            id: "A1", projectID: "P1", kind: .apartment, maxHousehold: 4, rent: 3200, gender: .any, accessible: true,
            status: .maintenance, reservedEmployerID: "E1"))
        #expect(added.slots[3].slot.roomID == "R-old")
        #expect(added.slots[0].updatedAt.hasSuffix("Z"))
        #expect(added.roomsCreated == ["R-new"])
        #expect(added.occupancy == ProjectOccupancy(
            projectID: "P1", name: "P1", slots: 6, available: 5, offered: 0, occupied: 0, maintenance: 1))

        #expect(try db.value("SELECT gender FROM rooms WHERE room_id = 'R-new'") == "female")
        #expect(try db.value("SELECT gender FROM rooms WHERE room_id = 'R-old'") == "male")
        let row = try #require(try db.connection.query(
            """
            SELECT kind, room_id, max_household, rent, gender, accessible, status, reserved_employer_id, version
            FROM slots WHERE slot_id = 'A1'
            """).first)
        #expect(row.values == ["apartment", nil, "4", "3200", "any", "t", "maintenance", "E1", "1"])
        #expect(try db.value("SELECT room_id FROM slots WHERE slot_id = 'B4'") == nil)
        #expect(try db.auditCount() == 1)
        #expect(try db.value("SELECT actor || ' ' || action || ' ' || entity || ' ' || entity_id FROM audit_log")
            == "operator:key-7 slot.add project P1")
        #expect(try db.lastAuditDetails(action: "slot.add")
            == #"{"slot_ids": ["A1", "B1", "B2", "B3", "B4"], "rooms_created": ["R-new"]}"#)
    }

    @Test("every problem of a batch is listed at once, by index and field, and nothing is written")
    func everyProblemAtOnce() throws {
        let db = try StoreFixtures.migrated("addslotsinvalid")
        try db.project("P1")
        try db.room("R1", gender: "male")
        let before = try inventory(db)
        let long = String(repeating: "x", count: 65)
        let slots = [
            NewSlot(slotID: "bad id", kind: .apartment, roomID: "R1", maxHousehold: 0, rent: -5),
            NewSlot(slotID: "B1", kind: .bed, roomID: "R 2", maxHousehold: 2, rent: 2_147_483_648, status: .offered),
            bed("B2", room: "R1", gender: .female),
            bed("B3", room: "R9", gender: .female),
            bed("B4", room: "R9", gender: .male),
            NewSlot(slotID: long, kind: .apartment, maxHousehold: 3, rent: 0, status: .occupied, reservedEmployerID: "E9"),
            apartment("B1"),
            NewSlot(slotID: "A3", kind: .apartment, maxHousehold: 1, rent: 10, reservedEmployerID: "E/1"),
        ]
        let expected = [
            #"slots[0].slot_id: "bad id" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)"#,
            "slots[0].room_id: an apartment is in no dorm room; leave room_id out (rooms group beds)",
            "slots[0].max_household: 0 is below 1",
            "slots[0].rent: -5 is below 0; rent is whole yuan per month",
            #"slots[1].room_id: "R 2" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)"#,
            "slots[1].max_household: 2 is not allowed for a bed; a bed is for one person, so max_household must be 1",
            "slots[1].rent: 2147483648 is too large to store; expected at most 2147483647",
            #"slots[1].status: "offered" is not allowed for a new slot; add it available or in maintenance (a round makes offers; occupied can be set afterwards)"#,
            #"slots[2].gender: "female" differs from "male", the gender of room "R1" of project P1; beds of one room share one gender"#,
            #"slots[4].gender: "male" differs from "female", the gender of slots[3], the first bed of the new room "R9"; beds of one room share one gender"#,
            "slots[5].slot_id: \"\(long)\" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)",
            #"slots[5].status: "occupied" is not allowed for a new slot; add it available or in maintenance (a round makes offers; occupied can be set afterwards)"#,
            "slots[5].reserved_employer_id: no employer E9 in city c1",
            #"slots[6].slot_id: "B1" is also slots[1]; slot ids are unique in a city"#,
            #"slots[7].reserved_employer_id: "E/1" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)"#,
        ]
        let store = try db.store()
        #expect(try store.slotProblems(slots, inProject: "P1").map(\.description) == expected)
        let error = #expect(throws: StoreError.self) { try store.addSlots(slots, toProject: "P1") }
        #expect(error?.code == .invalidSlots)
        #expect(error?.subject == .project("P1"))
        #expect(error?.problems.map(\.description) == expected)
        #expect(error?.problems.first?.location == .field("slots[0].slot_id"))
        #expect(try inventory(db) == before)
    }

    @Test("well-formed slots that clash with each other or the city are one conflict, every clash a line")
    func conflictsOnly() throws {
        let db = try StoreFixtures.migrated("addslotsconflicts")
        try db.room("R1", gender: "male")
        try db.slot("S1", project: "P2")
        let before = try inventory(db)
        let slots = [
            bed("B1", room: "R1", gender: .female),
            apartment("S1"),
            bed("B2", room: "R2", gender: .male),
            bed("B3", room: "R2", gender: .female),
            NewSlot(slotID: "A1", kind: .apartment, maxHousehold: 2, rent: 900, reservedEmployerID: "E9"),
            apartment("A1"),
        ]
        let store = try db.store()
        let problems = try store.slotProblems(slots, inProject: "P1")
        #expect(problems.allSatisfy { $0.kind == .conflict })
        #expect(throws: StoreError.slots(.slotConflict, project: "P1",
            #"""
            slots[0].gender: "female" differs from "male", the gender of room "R1" of project P1; beds of one room share one gender
            slots[1].slot_id: "S1" is already taken in city c1; slot ids are unique in a city
            slots[3].gender: "female" differs from "male", the gender of slots[2], the first bed of the new room "R2"; beds of one room share one gender
            slots[4].reserved_employer_id: no employer E9 in city c1
            slots[5].slot_id: "A1" is also slots[4]; slot ids are unique in a city
            """#
        )) { try store.addSlots(slots, toProject: "P1") }
        #expect(try inventory(db) == before)
    }

    @Test("the list must hold 1 to 500 slots; unread slots keep their positions")
    func listSize() throws {
        let db = try StoreFixtures.migrated("addslotssize")
        try db.project("P1")
        let store = try db.store()
        #expect(throws: StoreError(.invalidSlots, subject: .project("P1"), problems: [StoreProblem("empty; give at least one slot", at: .field("slots"))])) {
            try store.addSlots([], toProject: "P1")
        }
        let many = (0...Store.maxSlotsPerAddition).map { apartment("A\($0)") }
        #expect(
            throws: StoreError(
                .invalidSlots, subject: .project("P1"),
                problems: [
                    StoreProblem("501 slots; at most 500 may be added at once, send the rest in another request", at: .field("slots"))
                ])
        ) { try store.addSlots(many, toProject: "P1") }
        let exactly = Array(many.prefix(Store.maxSlotsPerAddition))
        #expect(try store.addSlots(exactly, toProject: "P1").slots.count == 500)
        // nil: a slot the caller could not read; it is skipped, not renumbered.
        let problems = try store.slotProblems([nil, apartment("X", rent: -1), nil], inProject: "P1")
        #expect(problems == [NewSlotProblem(index: 1, field: "rent", message: "-1 is below 0; rent is whole yuan per month")])
    }

    @Test("a project the city lacks is not found, whatever the slots")
    func unknownProject() throws {
        let db = try StoreFixtures.migrated("addslotsproject")
        try db.project("P1")
        try db.inCity("c2").project("P2")
        let store = try db.store()
        for project in ["P2", "P404", "P1\u{0}"] {
            #expect(throws: StoreError(.projectNotFound, subject: .project(project), "no project \(project) in city c1")) {
                try store.addSlots([apartment("A1", rent: -1)], toProject: project)
            }
        }
        #expect(try db.int("SELECT count(*) FROM slots") == 0)
    }

    @Test("beds of one room share one gender: rooms are per project; bedless ids are fine")
    func roomGender() throws {
        let db = try StoreFixtures.migrated("addslotsrooms")
        try db.project("P1")
        try db.project("P2")
        try db.room("R1", project: "P1", gender: "female")
        let store = try db.store()
        // R1 of P2 is another room than R1 of P1: new, so male is fine.
        let added = try store.addSlots([bed("B1", room: "R1", gender: .male), bed("B2", room: "R1", gender: .male)], toProject: "P2")
        #expect(added.roomsCreated == ["R1"])
        #expect(try db.value("SELECT gender FROM rooms WHERE project_id = 'P2' AND room_id = 'R1'") == "male")
        // Joining P1's R1: its gender, and the room is not created again.
        let joined = try store.addSlots([bed("B3", room: "R1", gender: .female)], toProject: "P1")
        #expect(joined.roomsCreated == [])
        #expect(throws: StoreError.slots(.slotConflict, project: "P1",
            #"slots[0].gender: "any" differs from "female", the gender of room "R1" of project P1; beds of one room share one gender"#
        )) { try store.addSlots([bed("B4", room: "R1", gender: .any)], toProject: "P1") }
        #expect(try db.int("SELECT count(*) FROM rooms") == 2)
    }

    @Test("slot ids are unique in the city: a taken one is a conflict naming it, not where it is")
    func takenIDs() throws {
        let db = try StoreFixtures.migrated("addslotstaken")
        try db.slot("S1", project: "P1")
        try db.slot("S2", project: "P2")
        try db.inCity("c2").slot("S3", project: "P9")
        let before = try inventory(db)
        let store = try db.store()
        #expect(throws: StoreError.slots(.slotConflict, project: "P1",
            """
            slots[0].slot_id: "S2" is already taken in city c1; slot ids are unique in a city
            slots[2].slot_id: "S1" is already taken in city c1; slot ids are unique in a city
            """
        )) {
            try store.addSlots([apartment("S2"), bed("N1", room: "R1"), apartment("S1")], toProject: "P1")
        }
        #expect(try inventory(db) == before)
        // Another city's id is free here.
        #expect(try store.addSlots([apartment("S3")], toProject: "P1").slots.count == 1)
    }

    @Test("a new slot takes status changes like any other")
    func newSlotChanges() throws {
        let db = try StoreFixtures.migrated("addslotsthenstatus")
        try db.project("P1")
        let store = try db.store()
        _ = try store.addSlots([bed("B1", room: "R1")], toProject: "P1")
        let change = try store.setSlotStatus("B1", to: .maintenance, expectedVersion: 1)
        #expect(change.version == 2)
        #expect(try db.slotState("B1") == ("maintenance", 2))
    }
}

/// Two connections adding at once.
@Suite("Inventory: concurrent additions", .serialized)
struct InventoryAddRaceTests {
    @Test("an id inserted and committed while the addition waits on it: the primary key decides, a conflict")
    func uniqueViolationIsConflict() throws {
        let db = try StoreFixtures.migrated("addslotspk")
        try db.project("P1")
        let other = try TestDatabase.connect(sameAs: db.connection)
        try other.query("BEGIN")
        try other.query(
            "INSERT INTO slots (city, slot_id, project_id, kind, max_household, rent) VALUES ('c1', 'S1', 'P1', 'apartment', 2, 900)")
        let store = try db.storeOnNewConnection(actor: "operator:key-1")
        let outcome = Locked<Result<SlotsAdded, StoreError>?>(nil)
        let failures = TestThreads.run(1, { _ in
            do {
                let added = try store.addSlots([apartment("S0"), apartment("S1"), apartment("S2")], toProject: "P1")
                outcome.withLock { $0 = .success(added) }
            } catch let error as StoreError {
                outcome.withLock { $0 = .failure(error) }
            }
        }, before: {
            // Commit only once the addition waits on the uncommitted S1: its check has passed.
            do { try waitForLockWaiter(db) } catch { Issue.record(error) }
            _ = try? other.query("COMMIT")
        })
        #expect(failures == [])
        let result = outcome.withLock { $0 }
        #expect(result == .failure(.slots(.slotConflict, project: "P1",
            #"slots[1].slot_id: "S1" is already taken in city c1; slot ids are unique in a city"#)))
        #expect(try db.connection.query("SELECT slot_id FROM slots ORDER BY slot_id").map { $0[0] } == ["S1"])
        #expect(try db.auditCount() == 0)
    }

    @Test("a room created meanwhile with another gender is checked like a stored one")
    func roomCreatedMeanwhile() throws {
        let db = try StoreFixtures.migrated("addslotsroomrace")
        try db.project("P1")
        let other = try TestDatabase.connect(sameAs: db.connection)
        try other.query("BEGIN")
        try other.query("INSERT INTO rooms (city, project_id, room_id, gender) VALUES ('c1', 'P1', 'R1', 'male')")
        let store = try db.storeOnNewConnection(actor: "operator:key-1")
        let outcome = Locked<StoreError?>(nil)
        let failures = TestThreads.run(1, { _ in
            do { _ = try store.addSlots([bed("B1", room: "R1", gender: .female)], toProject: "P1") } catch let error as StoreError {
                outcome.withLock { $0 = error }
            }
        }, before: {
            do { try waitForLockWaiter(db) } catch { Issue.record(error) }
            _ = try? other.query("COMMIT")
        })
        #expect(failures == [])
        #expect(outcome.withLock { $0 } == .slots(.slotConflict, project: "P1",
            #"slots[0].gender: "female" differs from "male", the gender of room "R1" of project P1; beds of one room share one gender"#
        ))
        #expect(try db.int("SELECT count(*) FROM slots") == 0)
    }

    @Test("two connections adding the same id at once, 30 times: one addition, one conflict, nothing half-written")
    func sameIDRace() throws {
        let db = try StoreFixtures.migrated("addslotsrace")
        try db.project("P1")
        let stores = try (0..<2).map { try db.storeOnNewConnection(actor: "operator:key-\($0)") }
        for round in 0..<30 {
            let wins = Locked<[Int]>([])
            let conflicts = Locked<[String]>([])
            let failures = TestThreads.run(2) { k in
                // Each adds a slot of its own besides the shared one, in a different order.
                let own = apartment("own-\(round)-\(k)")
                let shared = bed("shared-\(round)", room: "R\(round)")
                do {
                    _ = try stores[k].addSlots(k == 0 ? [own, shared] : [shared, own], toProject: "P1")
                    wins.withLock { $0.append(k) }
                } catch let error as StoreError where error.kind == .conflict {
                    let message = error.description
                    conflicts.withLock { $0.append(message) }
                }
            }
            #expect(failures == [])
            let winners = wins.withLock { $0 }
            #expect(winners.count == 1 && conflicts.withLock { $0 }.count == 1, "round \(round)")
            guard let winner = winners.first else { continue }
            #expect(conflicts.withLock { $0 }.first?.contains("shared-\(round)") == true)
            // The loser wrote nothing, not even its own slot; the room exists once.
            #expect(try db.int("SELECT count(*) FROM slots WHERE slot_id LIKE 'own-\(round)-%'") == 1)
            #expect(try db.value("SELECT slot_id FROM slots WHERE slot_id LIKE 'own-\(round)-%'") == "own-\(round)-\(winner)")
            #expect(try db.int("SELECT count(*) FROM rooms WHERE room_id = 'R\(round)'") == 1)
        }
        #expect(try db.auditCount(action: "slot.add") == 30)
    }
}

extension StoreError {
    /// A slot addition's error as its lines read (`slots[INDEX].FIELD: message`, one a
    /// line), each located at its field path — what `addSlots` throws for project `project`.
    static func slots(_ code: Code, project: String, _ lines: String) -> StoreError {
        StoreError(
            code, subject: .project(project),
            problems: lines.split(separator: "\n").map { line in
                let colon = line.range(of: ": ")!
                return StoreProblem(String(line[colon.upperBound...]), at: .field(String(line[..<colon.lowerBound])))
            })
    }
}
