import Foundation
import Postgres
import PostgresTestSupport
import Store
import Testing

/// The reads Store offers the server, the CLI and the benchmarks instead of their own SQL:
/// each checked against rows the test wrote itself.
@Suite("Store reads for the server and checks")
struct StoreReadsTests {
    @Test("schemaVersion is the newest migration; checkSchema tells bare, migrated and outdated databases apart")
    func schema() throws {
        let files = try Migrator(folder: TestDatabase.sqlFolder).migrations()
        #expect(Store.schemaVersion == files.last?.version)
        let bare = try TestDatabase.fresh("schemabare")
        #expect(throws: SchemaMismatch(applied: nil, required: Store.schemaVersion)) { try Store.checkSchema(bare) }
        let migrated = try TestDatabase.migrated("schemaok")
        try Store.checkSchema(migrated)
        try migrated.query("DELETE FROM schema_migrations WHERE version = $1", [String(Store.schemaVersion)])
        // The previous file's number: numbers may skip (008 was written beside another
        // branch's 007), and the runner applies whatever files there are, in order.
        #expect(throws: SchemaMismatch(applied: files.dropLast().last?.version, required: Store.schemaVersion)) {
            try Store.checkSchema(migrated)
        }
    }

    @Test("DATABASE_URL wins when set and not empty; otherwise the private cluster")
    func databaseChoice() {
        let cluster = PrivateCluster(folder: URL(fileURLWithPath: "/tmp/anju-choice"), port: 5999)
        guard case .url(let url) = StoreDatabase.choose(environment: ["DATABASE_URL": "postgresql:///x"], cluster: cluster).source
        else { Issue.record("DATABASE_URL was not chosen"); return }
        #expect(url == "postgresql:///x")
        for environment in [[:], ["DATABASE_URL": ""]] {
            let chosen = StoreDatabase.choose(environment: environment, cluster: cluster)
            #expect(chosen.privateCluster?.folder.path == "/tmp/anju-choice")
            #expect(chosen.privateCluster?.port == 5999)
        }
    }

    @Test("the operator listing, a slot's project, slot states and free slots read what is stored, city by city")
    func slotReads() throws {
        let db = try StoreFixtures.migrated("storereadsslots")
        try db.slot("S2", project: "P2", rent: 900)
        try db.slot("S1", project: "P1", status: "maintenance", version: 4)
        try db.slot("S3", project: "P1")
        try db.slot("S4", project: "P1")
        try db.slot("S5", project: "P1")
        try db.applicant("A1")
        try db.applicant("A2")
        try db.round("R1")
        try db.offer(round: "R1", slot: "S3", applicant: "A1")
        try db.tenancy(slot: "S4", applicant: "A2", round: "R1")
        try db.inCity("c2").slot("S9", project: "P1")
        let store = try db.store()

        let listing = try store.slotListing(projects: ["P1", "P404"])
        #expect(listing.slots.map(\.slotID) == ["S1", "S3", "S4", "S5"])
        #expect(listing.slots[0].status == "maintenance" && listing.slots[0].version == 4 && listing.slots[0].rent == 2500)
        #expect(listing.projects.map(\.projectID) == ["P1"])
        #expect(listing.projects.first.map { [$0.slots, $0.available, $0.offered, $0.occupied, $0.maintenance] } == [4, 1, 1, 1, 1])

        #expect(try store.projectOfSlot("S2") == "P2")
        #expect(try store.projectOfSlot("S9") == nil)  // another city's
        #expect(try store.slotStates(["S1", "S3", "S9"]) == [
            "S1": SlotState(version: 4, status: "maintenance"), "S3": SlotState(version: 1, status: "offered"),
        ])
        // S3 has a live offer, S4 a tenant: neither is free.
        let free = try store.freeSlots(limit: 10)
        #expect(free.map(\.slotID) == ["S1", "S2", "S5"])
        #expect(free.map(\.projectID) == ["P1", "P2", "P1"])
        #expect(try store.freeSlots(limit: 1).map(\.slotID) == ["S1"])
    }

    @Test("round counts by status, audit counts by entity and token counts")
    func counts() throws {
        let db = try StoreFixtures.migrated("storereadscounts")
        try db.round("R1")
        try db.round("R2")
        try db.round("R3", status: "draft")
        try db.inCity("c2").round("R4")
        try db.slot("S1")
        try db.slot("S2")
        let store = try db.store()
        #expect(try store.roundCountsByStatus() == ["run": 2, "draft": 1])
        try store.setSlotStatus("S1", to: .maintenance)
        try store.setSlotStatus("S1", to: .available)
        try store.setSlotStatus("S2", to: .maintenance)
        #expect(try store.auditCounts(action: "slot.set_status", entity: "slot", ids: ["S1", "S2", "S3"]) == ["S1": 2, "S2": 1])
        #expect(try store.auditCounts(action: "slot.add", entity: "slot", ids: ["S1"]) == [:])
        #expect(try store.tokenCount() == 0)
        try db.applicant("A1")
        try db.applicant("A2")
        _ = try store.issueTokens(applicants: ["A1", "A2"])
        #expect(try store.tokenCount() == 2)
        #expect(try db.inCity("c2").store().tokenCount() == 0)
    }

    @Test("acting(as:) keeps the connection and city and names the new actor in the audit log")
    func acting() throws {
        let db = try StoreFixtures.migrated("storereadsacting")
        try db.slot("S1")
        let operatorStore = try db.store().acting(as: "operator:key-7")
        #expect(operatorStore.city == "c1" && operatorStore.actor == "operator:key-7")
        try operatorStore.setSlotStatus("S1", to: .maintenance)
        #expect(try db.value("SELECT actor FROM audit_log WHERE action = 'slot.set_status'") == "operator:key-7")
        #expect(throws: StoreError(.invalidArgument, problems: [StoreProblem("must not be empty", at: .field("actor"))])) {
            try db.store().acting(as: "")
        }
    }

    @Test("a store error's text is its problems, one a line, each at its place")
    func errorText() {
        let error = StoreError(
            .invalidFile, subject: .file("f.csv"),
            problems: [
                StoreProblem("bad", at: .file("f.csv", line: 3, column: "rent")), StoreProblem("worse", at: .field("slots[1].kind")),
                StoreProblem("2 problems"),
            ])
        #expect(error.description == "f.csv:3: rent: bad\nslots[1].kind: worse\n2 problems")
        #expect(error.kind == .invalid && StoreError.Code.staleVersion.kind == .conflict)
        #expect(StoreError.Code.offerNotFound.rawValue == "offer_not_found")
    }
}
