import Allocation
import PostgresTestSupport
import Store
import Testing

@Suite("Inventory: slot statuses in bulk")
struct InventoryBulkTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Slots S1…S5 available at version 1.
    private func fiveSlots(_ label: String) throws -> StoreFixtures {
        let db = try StoreFixtures.migrated(label)
        for k in 1...5 { try db.slot("S\(k)") }
        return db
    }

    @Test("every row is applied in one go; unchanged rows are reported, not audited")
    func appliesAll() throws {
        let db = try fiveSlots("bulkapply")
        try db.connection.query("UPDATE slots SET status = 'maintenance' WHERE slot_id = 'S3'")
        let csv = "slot_id,status,expected_version\nS1,maintenance,1\nS2,occupied,\nS3,maintenance,\n"
        let changes = try db.store().setSlotStatuses(csv: bytes(csv), fileName: "statuses.csv")
        #expect(changes.map(\.slotID) == ["S1", "S2", "S3"])
        #expect(changes.map(\.changed) == [true, true, false])
        #expect(changes.map(\.version) == [2, 2, 1])
        #expect(try db.slotState("S1") == ("maintenance", 2))
        #expect(try db.slotState("S2") == ("occupied", 2))
        #expect(try db.auditCount(action: "slot.set_status") == 2)
        let details = try #require(try db.value("SELECT details::text FROM audit_log WHERE entity_id = 'S2'"))
        #expect(details.contains(#""file": "statuses.csv""#) && details.contains(#""line": 3"#))
    }

    @Test("every problem in the file is listed as FILE:LINE: COLUMN: message, and nothing changes")
    func validation() throws {
        let db = try fiveSlots("bulkinvalid")
        let csv = """
            slot_id,status,expected_version
            S1,maintenance,
            S9,available,
            S2,offered,
            S3,broken,x
            S1,available,
            bad id,available,0
            S4,available
            "S5","",

            """
        let error = #expect(throws: StoreError.self) { try db.store().setSlotStatuses(csv: bytes(csv), fileName: "statuses.csv") }
        #expect(error?.code == .invalidFile)
        #expect(error?.problems.first?.location == .file("statuses.csv", line: 3, column: "slot_id"))
        #expect(error?.problems.map(\.description) == [
            "statuses.csv:3: slot_id: no slot S9 in city c1",
            "statuses.csv:4: status: offered cannot be set by hand; only a round makes offers (expected one of available, maintenance, occupied)",
            #"statuses.csv:5: status: "broken" is not one of available, maintenance, occupied"#,
            #"statuses.csv:5: expected_version: "x" is not a version; expected a whole number of at least 1"#,
            "statuses.csv:6: slot_id: slot S1 appears again (first at line 2); give each slot once",
            #"statuses.csv:7: slot_id: "bad id" is not a valid id; expected 1 to 64 characters from A-Z a-z 0-9 _ - ."#,
            #"statuses.csv:7: expected_version: "0" is not a version; expected a whole number of at least 1"#,
            "statuses.csv:8: -: the record has 2 fields but the header has 3 columns",
            "statuses.csv:9: status: missing value; expected one of available, maintenance, occupied",
        ])
        #expect(try db.int("SELECT count(*) FROM slots WHERE version <> 1 OR status <> 'available'") == 0)
        #expect(try db.auditCount() == 0)
    }

    @Test("header problems: missing or repeated columns, an empty file, broken quoting")
    func headerAndQuoting() throws {
        let db = try fiveSlots("bulkheader")
        let store = try db.store()
        #expect(throws: StoreError.file(.invalidFile, [#"f.csv:1: status: the header has no column "status"; it is required"#])) {
            try store.setSlotStatuses(csv: bytes("slot_id,state\nS1,available\n"), fileName: "f.csv")
        }
        #expect(throws: StoreError.file(.invalidFile, [#"f.csv:1: status: column "status" appears twice in the header (columns 2 and 3); keep only one"#])) {
            try store.setSlotStatuses(csv: bytes("slot_id,status,status\n"), fileName: "f.csv")
        }
        #expect(throws: StoreError.file(.invalidFile, ["f.csv:1: -: the file is empty; expected a header row slot_id,status[,expected_version]"])) {
            try store.setSlotStatuses(csv: bytes("\n\n"), fileName: "f.csv")
        }
        #expect(throws: StoreError.file(.invalidFile, [
            "f.csv:2: -: text after a closing double quote in field 1; quote the whole value",
            "f.csv:3: -: a double quote inside an unquoted field 2; quote the whole value and double the quote",
            "f.csv:4: -: a quoted field opened on line 4 is never closed; close it with a double quote",
        ])) {
            try store.setSlotStatuses(csv: bytes("slot_id,status\n\"S1\"x,available\nS2,avail\"able\nS3,\"maintenance\nS4,available\n"), fileName: "f.csv")
        }
        #expect(throws: StoreError.file(.invalidFile, ["f.csv:1: -: the file is not valid UTF-8; save it as UTF-8 (CSV UTF-8 in spreadsheets)"])) {
            try store.setSlotStatuses(csv: [0x73, 0xFF, 0x0A], fileName: "f.csv")
        }
        #expect(try db.auditCount() == 0)
    }

    @Test("the contract's dialect: BOM, CRLF, quotes, any column order, extra columns, empty lines, no version column")
    func dialect() throws {
        let db = try fiveSlots("bulkdialect")
        let csv = "\u{FEFF}note,status,slot_id\r\n\"a, \"\"quoted\"\"\r\nnote\",maintenance,\"S1\"\r\n\r\n,occupied,S2\r\n"
        let changes = try db.store().setSlotStatuses(csv: bytes(csv), fileName: "f.csv")
        #expect(changes.map(\.slotID) == ["S1", "S2"])
        #expect(try db.slotState("S1") == ("maintenance", 2))
        #expect(try db.slotState("S2") == ("occupied", 2))
        // Line numbers count physical lines, so the record after a quoted line break is on line 5.
        #expect(try db.value("SELECT details->>'line' FROM audit_log WHERE entity_id = 'S2'") == "5")
    }

    @Test("a header-only file changes nothing")
    func headerOnly() throws {
        let db = try fiveSlots("bulkempty")
        #expect(try db.store().setSlotStatuses(csv: bytes("slot_id,status\n"), fileName: "f.csv").isEmpty)
    }

    @Test("any refused row rolls back every row, and every refusal is listed")
    func allOrNothing() throws {
        let db = try fiveSlots("bulkconflict")
        try db.round("R1")
        try db.applicant("A1")
        let id = try db.offer(round: "R1", slot: "S4", applicant: "A1")
        let csv = "slot_id,status,expected_version\nS1,maintenance,1\nS2,maintenance,5\nS3,occupied,\nS4,maintenance,\n"
        let error = #expect(throws: StoreError.self) { try db.store().setSlotStatuses(csv: bytes(csv), fileName: "s.csv") }
        guard let error, error.code == .slotChangesRefused, error.subject == .file("s.csv") else {
            Issue.record("expected slot_changes_refused, got \(String(describing: error))")
            return
        }
        #expect(error.problems.first?.location == .file("s.csv", line: 3, column: "slot_id"))
        let lines = error.problems.map(\.description)
        #expect(lines.count == 3)
        #expect(lines[0] == "s.csv:3: slot_id: slot S2 is at version 1, not 5; read it again and retry")
        #expect(lines[1].hasPrefix("s.csv:5: slot_id: slot S4 has live offer \(id) (round R1, deadline "))
        #expect(lines[2] == "2 of 4 rows refused; nothing was changed")
        #expect(try db.int("SELECT count(*) FROM slots WHERE version <> 1") == 0)
        #expect(try db.slotState("S4") == ("offered", 1))
        #expect(try db.auditCount() == 0)
    }

    @Test("withdrawOffers withdraws every live offer in the file; a round left without offers closes")
    func withdrawsOffers() throws {
        let db = try fiveSlots("bulkwithdraw")
        try db.round("R1")
        try db.round("R2")
        for k in 1...3 { try db.applicant("A\(k)") }
        let a = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        let b = try db.offer(round: "R2", slot: "S2", applicant: "A2")
        try db.offer(round: "R2", slot: "S3", applicant: "A3")
        let csv = "slot_id,status\nS2,maintenance\nS1,maintenance\nS5,occupied\n"
        let changes = try db.store().setSlotStatuses(csv: bytes(csv), fileName: "s.csv", withdrawOffers: true)
        #expect(changes.map(\.withdrawnOfferID) == [b, a, nil])
        #expect(changes.map(\.closedRoundID) == [nil, "R1", nil])
        #expect(try db.roundStatus("R1") == "closed")
        #expect(try db.roundStatus("R2") == "run")
        #expect(try db.applicantState("A1") == ("waiting", 0))
        #expect(try db.applicantState("A2") == ("waiting", 0))
        #expect(try db.auditCount(action: "offer.withdraw") == 2)
        #expect(try db.auditCount(action: "slot.set_status") == 3)
    }

    @Test("bulk rows end tenancies like single changes")
    func endsTenancies() throws {
        let db = try fiveSlots("bulktenancy")
        try db.round("R1", status: "closed")
        try db.applicant("A1")
        let tenancy = try db.tenancy(slot: "S1", applicant: "A1", round: "R1")
        let changes = try db.store().setSlotStatuses(csv: bytes("slot_id,status\nS1,available\n"), fileName: "s.csv")
        #expect(changes.first?.endedTenancyID == tenancy)
        #expect(try db.applicantState("A1") == ("withdrawn", 0))
    }

    @Test("SlotStatusFile parses rows with their lines")
    func parser() {
        let parsed = SlotStatusFile.parse(bytes("expected_version,slot_id,status\n3,S1,available\n\n,S2,maintenance"), fileName: "x.csv")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows == [
            SlotStatusFile.Row(line: 2, slotID: "S1", status: .available, expectedVersion: 3),
            SlotStatusFile.Row(line: 4, slotID: "S2", status: .maintenance, expectedVersion: nil),
        ])
    }
}
