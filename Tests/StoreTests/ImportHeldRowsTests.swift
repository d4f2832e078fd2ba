import Foundation
import Store
import Testing

/// An applicant or slot that a round, offer or tenancy holds is never silently changed by
/// a re-import: a differing row is skipped and reported, the rest of the file goes in.
@Suite("Import: held rows are skipped, not changed")
struct ImportHeldRowsTests {
    /// The three applicants with A1 and A2 changed (and A3 as it was).
    static let changedApplicants = ImportDB.applicantsCSV
        .replacingOccurrences(of: "A1,youth_talent,1,female", with: "A1,youth_talent,2,female")
        .replacingOccurrences(of: "A2,general,2,male", with: "A2,general,3,male")

    @Test("an applicant with a live offer keeps their row; the others update; the audit names the skip")
    func applicantWithLiveOffer() throws {
        let db = try ImportDB.make("importheldoffer")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.liveOffer(slot: "S2", applicant: "A2")
        let before = try db.rows("SELECT a.*, xmin FROM applicants a WHERE applicant_id = 'A2'")

        let report = try db.importText(.applicants, Self.changedApplicants)
        #expect((report.inserted, report.updated, report.unchanged) == (0, 1, 1))
        #expect(report.skipped.map(\.description) == ["applicants.csv:3: applicant_id: A2 has a live offer; not changed"])
        #expect(try db.rows("SELECT a.*, xmin FROM applicants a WHERE applicant_id = 'A2'") == before)
        #expect(try db.value("SELECT household_size::text FROM applicants WHERE applicant_id = 'A1'") == "2")
        #expect(try db.value("SELECT details->>'skipped' FROM audit_log ORDER BY audit_id DESC LIMIT 1") == #"["A2"]"#)
        #expect(report.summary().hasSuffix("0 inserted, 1 updated, 1 unchanged, 1 skipped"))
    }

    @Test("a held applicant whose row is the same is counted unchanged, not skipped")
    func heldButEqual() throws {
        let db = try ImportDB.make("importheldequal")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.liveOffer(slot: "S2", applicant: "A2")
        let report = try db.importText(.applicants, ImportDB.applicantsCSV)
        #expect((report.unchanged, report.skipped) == (3, []))
    }

    @Test("tenancies and statuses other than waiting hold an applicant, each with its reason")
    func applicantReasons() throws {
        let db = try ImportDB.make("importheldreasons")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.tenancy(slot: "S1", applicant: "A1")
        try db.connection.query("UPDATE applicants SET status = 'withdrawn' WHERE applicant_id = 'A2'")
        let report = try db.importText(.applicants, Self.changedApplicants)
        #expect(report.skipped.map(\.description) == [
            "applicants.csv:2: applicant_id: A1 has an active tenancy; not changed",
            "applicants.csv:3: applicant_id: A2 has status withdrawn, not waiting; not changed",
        ])
        #expect((report.updated, report.unchanged) == (0, 1))
        #expect(try db.rows("SELECT applicant_id, household_size::text, status FROM applicants ORDER BY applicant_id") == [
            ["A1", "1", "housed"], ["A2", "2", "withdrawn"], ["A3", "1", "waiting"],
        ])
    }

    @Test("a slot with a live offer or an active tenancy keeps its row; a file's own 'offered' holds nothing")
    func heldSlots() throws {
        let db = try ImportDB.make("importheldslots")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.liveOffer(slot: "S2", applicant: "A2")
        try db.tenancy(slot: "S5", applicant: "A3")
        let before = try db.rows("SELECT s.*, xmin FROM slots s WHERE slot_id IN ('S2', 'S5') ORDER BY slot_id")
        // Every slot's rent changes; S4 was 'offered' by the file (outside Anju): it updates.
        let changed = ImportDB.slotsCSV
            .replacingOccurrences(of: ",2000,", with: ",2100,").replacingOccurrences(of: ",2500,", with: ",2600,")
            .replacingOccurrences(of: ",800,", with: ",810,").replacingOccurrences(of: ",600,", with: ",610,")
            .replacingOccurrences(of: "false,offered,", with: "false,available,")
        let report = try db.importText(.slots, changed)
        #expect(report.skipped.map(\.description) == [
            "slots.csv:3: slot_id: S2 has a live offer; not changed",
            "slots.csv:6: slot_id: S5 has an active tenancy; not changed",
        ])
        #expect((report.updated, report.unchanged) == (3, 0))
        #expect(try db.rows("SELECT s.*, xmin FROM slots s WHERE slot_id IN ('S2', 'S5') ORDER BY slot_id") == before)
        #expect(try db.rows("SELECT slot_id, rent::text, status, version::text FROM slots WHERE slot_id IN ('S3', 'S4') ORDER BY slot_id") == [
            ["S3", "810", "available", "2"], ["S4", "810", "available", "2"],
        ])
    }

    @Test("a held bed stays in its room: changing the room's gender around it is refused")
    func heldBedKeepsRoomGender() throws {
        let db = try ImportDB.make("importheldroom")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.tenancy(slot: "S3", applicant: "A1")
        let before = try db.snapshot()
        let flipped = ImportDB.slotsCSV.replacingOccurrences(of: "R1,1,800,female", with: "R1,1,800,male")
        #expect(throws: StoreError.file(.invalidImport, subject: .file("slots.csv"), [
            #"slots.csv:5: gender: "male" differs from "female", the gender of bed "S3" already in room "R1" of project "P2" in the database; beds of one room share one gender"#
        ])) { try db.importText(.slots, flipped) }
        #expect(try db.snapshot() == before)
    }

    @Test("a dry run reports the skips too, and writes nothing")
    func dryRunSkips() throws {
        let db = try ImportDB.make("importhelddry")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.liveOffer(slot: "S2", applicant: "A2")
        let before = try db.snapshot()
        let report = try db.importText(.applicants, Self.changedApplicants, dryRun: true)
        #expect(report.dryRun)
        #expect(report.skipped.map(\.id) == ["A2"])
        #expect(report.summary() == "dry run, nothing written: applicants.csv: 3 rows: 0 to insert, 1 to update, 1 unchanged, 1 to skip")
        #expect(try db.snapshot() == before)
    }
}
