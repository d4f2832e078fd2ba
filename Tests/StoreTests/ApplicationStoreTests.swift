import AllocationFiles
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import Testing
import TestSupport

/// A valid application, changed by `change`.
func applicationForm(
    identity: String = "310101199001011234", name: String = "王小明", phone: String? = "13800138000",
    email: String? = nil, birth: String = "1990-01-01", _ change: (inout ApplicationForm) -> Void = { _ in }
) -> ApplicationForm {
    var form = ApplicationForm(
        fields: [
            "category": "frontline_worker", "household_size": "1", "gender": "male", "birth_date": birth,
            "monthly_income": "6000", "work_lat": "31.2304", "work_lon": "121.4737", "work_district": "Huangpu",
            "max_commute_min": "60", "max_rent": "3000", "needs_accessible": "false",
        ],
        name: name, phone: phone, email: email, identityNumber: identity, language: "zh-CN")
    change(&form)
    return form
}

let testIdentityKey = try! IdentityKey(bytes: Array(repeating: 7, count: 32))

extension StoreFixtures {
    /// Projects P1 (Huangpu) and P2 (far away, Pudong) with one apartment each, imported as a
    /// bureau does, for rounds.
    func cityWithPlaces() throws {
        let store = try self.store(actor: "test:bureau")
        _ = try store.importFile(
            .projects,
            bytes: Array("""
                project_id,name,district,lat,lon,programme
                P1,人民广场公寓,Huangpu,31.2304,121.4737,general
                P2,Lingang Court,Pudong,30.9000,121.9300,general

                """.utf8))
        _ = try store.importFile(
            .slots,
            bytes: Array("""
                slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
                S1,P1,apartment,,3,2000,any,false,available,
                S2,P2,apartment,,3,1800,any,false,available,

                """.utf8))
    }

    static let roundPolicy = Array(#"{"round_date": "2026-12-01", "seed": "applications"}"#.utf8)
}

@Suite("Applications: submit, review, duplicates, updates")
struct ApplicationStoreTests {
    @Test("an application is stored pending review with a token; the identity number is nowhere in clear")
    func submitStoresPending() throws {
        let db = try StoreFixtures.migrated("app_submit")
        let store = try db.store(actor: "applicant:new")
        let submitted = try store.submitApplication(applicationForm(), key: testIdentityKey)
        #expect(submitted.status == "pending_review")
        #expect(submitted.applicantID.hasPrefix("ap-") && ContractRules.isIdentifier(submitted.applicantID))
        #expect(try db.applicantState(submitted.applicantID).status == "pending_review")
        #expect(try store.applicantTokenHash(submitted.applicantID) == Credential.hash(submitted.token))
        #expect(try db.int("SELECT count(*) FROM applicant_match_keys WHERE applicant_id = $1", [submitted.applicantID]) == 2)
        // Every row of every table, as text: the identity number appears in none.
        let tables = try db.connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").map { $0[0] ?? "" }
        for table in tables {
            let hits = try db.int("SELECT count(*) FROM \(table) t WHERE row_to_json(t)::text LIKE '%199001011234%'")
            #expect(hits == 0, "the identity number is stored in clear in \(table)")
        }
        #expect(try db.auditCount(action: "application.submit", entityID: submitted.applicantID) == 1)
    }

    @Test("every problem is reported at its field with its rule; nothing is written")
    func problemsPerField() throws {
        let db = try StoreFixtures.migrated("app_invalid")
        let store = try db.store()
        let form = applicationForm(identity: "12", name: " ", phone: "12ab", email: "not-an-email") {
            $0.fields["household_size"] = "0"
            $0.fields["birth_date"] = "1990-02-30"
            $0.fields["category"] = "student"
            $0.fields["work_lat"] = "95"
            $0.fields["monthly_income"] = "lots"
            $0.fields["max_commute_min"] = "99999999999999999999"
            $0.language = "fr"
        }
        do {
            _ = try store.submitApplication(form, key: testIdentityKey)
            Issue.record("an invalid application was accepted")
        } catch let error as StoreError {
            #expect(error.code == .invalidApplication)
            var byField: [String: ApplicationRule] = [:]
            for p in error.problems {
                guard case .field(let f) = p.location, let rule = p.rule else {
                    Issue.record("a problem without field or rule: \(p)")
                    continue
                }
                byField[f] = rule
            }
            #expect(byField["household_size"] == .contract(FieldRule(.outOfRange, expected: .wholeNumber(atLeast: 1))))
            #expect(byField["birth_date"] == .contract(FieldRule(.malformed, expected: .date)))
            #expect(byField["category"] == .contract(FieldRule(.malformed, expected: .oneOf(["youth_talent", "frontline_worker", "general"]))))
            #expect(byField["work_lat"] == .contract(FieldRule(.outOfRange, expected: .latitude)))
            #expect(byField["monthly_income"] == .contract(FieldRule(.malformed, expected: .wholeNumber(atLeast: 0))))
            #expect(byField["max_commute_min"] == .contract(FieldRule(.outOfRange, expected: .wholeNumber(atLeast: 1))))
            #expect(byField["identity_number"] == .identityNumber)
            #expect(byField["name"] == .name)
            #expect(byField["phone"] == .phone)
            #expect(byField["email"] == .email)
            #expect(byField["language"] == .language)
        }
        #expect(try db.int("SELECT count(*) FROM applicants") == 0)
        #expect(try db.int("SELECT count(*) FROM applicant_contacts") == 0)
    }

    @Test("the contract fields are checked by the contract's parser: the same message as applicants.csv")
    func sameMessagesAsTheFile() throws {
        let db = try StoreFixtures.migrated("app_same_rules")
        let store = try db.store()
        let cases: [(String, String)] = [
            ("household_size", "0"), ("household_size", "x"), ("monthly_income", "-1"), ("birth_date", "2026-13-01"),
            ("gender", "other"), ("work_lon", "181"), ("max_rent", "-5"), ("needs_accessible", "maybe"), ("employer_id", "a b"),
            ("work_district", ""), ("category", ""),
        ]
        for (field, value) in cases {
            var values = applicationForm().fields
            values[field] = value
            // The file's own diagnostic for the same row.
            var row = values
            row["applicant_id"] = "X1"
            row["priority_points"] = "0"
            let file = ApplicantsFile.parseFields(row).diagnostics
            #expect(file.count == 1, "\(field)=\(value)")
            do {
                _ = try store.submitApplication(applicationForm { $0.fields[field] = value }, key: testIdentityKey)
                Issue.record("\(field)=\(value) was accepted")
            } catch let error as StoreError {
                #expect(error.problems.map(\.message) == file.map(\.message), "\(field)=\(value)")
                #expect(error.problems.first?.location == .field(field))
            }
        }
    }

    @Test("values the contract takes but the database cannot store are refused at their field, never a database error")
    func storageLimits() throws {
        let db = try StoreFixtures.migrated("app_limits")
        let store = try db.store()
        for (field, value) in [("household_size", "2147483648"), ("monthly_income", "9223372036854775807"), ("max_rent", "3000000000")] {
            do {
                _ = try store.submitApplication(applicationForm { $0.fields[field] = value }, key: testIdentityKey)
                Issue.record("\(field)=\(value) was accepted")
            } catch let error as StoreError {
                #expect(error.problems.map(\.rule) == [.atMost(2147483647)], "\(field)")
                #expect(error.problems.map(\.location) == [.field(field)])
            }
        }
        // 2147483647 itself is stored.
        let max = try store.submitApplication(applicationForm { $0.fields["max_rent"] = "2147483647" }, key: testIdentityKey)
        #expect(try store.applicantDetails(max.applicantID).fields["max_rent"] == "2147483647")
        for (change, field) in [({ (f: inout ApplicationForm) in f.name = "王\u{0}明" }, "name"), ({ $0.fields["work_district"] = "Huang\u{0}pu" }, "work_district")] {
            do {
                _ = try store.submitApplication(applicationForm(identity: "NUL00001", change), key: testIdentityKey)
                Issue.record("a NUL in \(field) was accepted")
            } catch let error as StoreError {
                #expect(error.code == .invalidApplication)
                #expect(error.problems.map(\.location) == [.field(field)])
            }
        }
        #expect(throws: StoreError.self) {
            try store.review([ReviewDecision(applicantID: max.applicantID, decision: .reject, reason: "other", note: "a\u{0}b")])
        }
        #expect(try store.application(max.applicantID).status == "pending_review")
    }

    @Test("a registered workplace site gives the point and the employer; a site and a point together are refused")
    func workplaceSites() throws {
        let db = try StoreFixtures.migrated("app_sites")
        let store = try db.store(actor: "test:bureau")
        _ = try store.importFile(
            .sites,
            bytes: Array("""
                site_id,kind,name,employer_id,lat,lon,district
                SF-PUTUO,employer_site,顺丰普陀站,SF,31.2494,121.3970,Putuo
                JOB-HP,employment_centre,黄浦区就业服务中心,,31.2300,121.4800,Huangpu

                """.utf8))
        #expect(try store.workplaceSites().map(\.id) == ["SF-PUTUO", "JOB-HP"])
        let submitted = try store.submitApplication(
            applicationForm {
                $0.workplaceSite = "SF-PUTUO"
                for f in ["work_lat", "work_lon", "work_district"] { $0.fields[f] = nil }
            }, key: testIdentityKey)
        let details = try store.applicantDetails(submitted.applicantID)
        #expect(details.fields["work_district"] == "Putuo")
        #expect(details.fields["work_lat"] == "31.2494")
        #expect(details.fields["employer_id"] == "SF")
        #expect(details.workplaceSite == "SF-PUTUO")
        for (site, expected) in [("SF-PUTUO", ApplicationRule.workplaceBoth), ("NOPE", .workplaceBoth)] {
            #expect(throws: StoreError.self) { try store.submitApplication(applicationForm(identity: "A1234567") { $0.workplaceSite = site }, key: testIdentityKey) }
            _ = expected
        }
        do {
            _ = try store.submitApplication(
                applicationForm(identity: "B1234567") {
                    $0.workplaceSite = "NOPE"
                    for f in ["work_lat", "work_lon", "work_district"] { $0.fields[f] = nil }
                }, key: testIdentityKey)
            Issue.record("an unknown site was accepted")
        } catch let error as StoreError {
            #expect(error.problems.map(\.rule) == [.unknownSite])
        }
        do {
            _ = try store.submitApplication(
                applicationForm(identity: "C1234567") { for f in ["work_lat", "work_lon", "work_district"] { $0.fields[f] = nil } },
                key: testIdentityKey)
            Issue.record("no workplace was accepted")
        } catch let error as StoreError {
            #expect(error.problems.map(\.rule) == [.workplaceNeeded])
        }
    }

    @Test("the same identity, or the same name and birth date with the same phone or email, makes a duplicate set")
    func duplicateKinds() throws {
        let db = try StoreFixtures.migrated("app_dups")
        let store = try db.store()
        let a = try store.submitApplication(applicationForm(identity: "ID000001", phone: "13800138000"), key: testIdentityKey)
        // Same identity, written differently (spaces, case), different contact.
        let b = try store.submitApplication(
            applicationForm(identity: "id 000-001", name: "Someone Else", phone: "13999999999"), key: testIdentityKey)
        // Same name (spacing, width), same birth date, same phone in another format.
        let c = try store.submitApplication(
            applicationForm(identity: "ID000003", name: "王 小明", phone: "+86 138-0013-8000"), key: testIdentityKey)
        // Same name and phone, another birth date: a different person.
        let d = try store.submitApplication(
            applicationForm(identity: "ID000004", phone: "13800138000", birth: "1991-01-01"), key: testIdentityKey)
        // Same name and birth date, same email in other case, phone differs.
        let e = try store.submitApplication(
            applicationForm(identity: "ID000005", name: "Li Hua", phone: nil, email: "Li.Hua@Example.cn", birth: "1995-05-05"),
            key: testIdentityKey)
        let f = try store.submitApplication(
            applicationForm(identity: "ID000006", name: "li hua", phone: "13700000000", email: "li.hua@example.cn", birth: "1995-05-05"),
            key: testIdentityKey)
        let sets = try store.duplicateSets()
        #expect(sets.count == 2)
        let first = sets.first { $0.members.contains { $0.applicantID == a.applicantID } }
        #expect(Set(first?.members.map(\.applicantID) ?? []) == [a.applicantID, b.applicantID, c.applicantID])
        #expect(first?.members.first { $0.applicantID == b.applicantID }?.matchedOn == ["identity"])
        #expect(first?.members.first { $0.applicantID == c.applicantID }?.matchedOn == ["name_birth_phone"])
        let second = sets.first { $0.members.contains { $0.applicantID == e.applicantID } }
        #expect(Set(second?.members.map(\.applicantID) ?? []) == [e.applicantID, f.applicantID])
        #expect(try store.application(d.applicantID).duplicateSet == nil)
    }

    @Test("an applicant held in an open set does not enter a round, and round run says how many were held back")
    func heldOutOfRounds() throws {
        let db = try StoreFixtures.migrated("app_held")
        try db.cityWithPlaces()
        let bureau = try db.store(actor: "test:bureau")
        let a = try bureau.submitApplication(applicationForm(identity: "ID100001"), key: testIdentityKey)
        let b = try bureau.submitApplication(applicationForm(identity: "ID100001", phone: "13911112222"), key: testIdentityKey)
        let c = try bureau.submitApplication(applicationForm(identity: "ID100003", name: "赵六", phone: "13633334444"), key: testIdentityKey)
        let pending = try bureau.submitApplication(applicationForm(identity: "ID100004", name: "钱七", phone: "13655556666"), key: testIdentityKey)
        let rejected = try bureau.submitApplication(applicationForm(identity: "ID100005", name: "孙八", phone: "13677778888"), key: testIdentityKey)
        _ = try bureau.review([
            ReviewDecision(applicantID: a.applicantID, decision: .approve),
            ReviewDecision(applicantID: b.applicantID, decision: .approve),
            ReviewDecision(applicantID: c.applicantID, decision: .approve),
            ReviewDecision(applicantID: rejected.applicantID, decision: .reject, reason: "ineligible", note: "收入证明不符"),
        ])
        _ = try bureau.createRound(id: "R1", policy: StoreFixtures.roundPolicy)
        let report = try bureau.runRound("R1")
        #expect(report.heldAsDuplicates == 2)
        #expect(report.pendingReview == 1)
        #expect(report.result.rows.map(\.applicantID) == [c.applicantID])
        let snapshot = try bureau.snapshot("R1")
        let text = String(decoding: snapshot.applicants, as: UTF8.self)
        for id in [a, b, pending, rejected].map(\.applicantID) { #expect(!text.contains(id)) }
        #expect(try db.lastAuditDetails(action: "round.run")?.contains(#""held_as_duplicates": 2"#) == true)

        // Resolved: the kept one enters the next round, the other is rejected as a duplicate.
        let set = try #require(try bureau.duplicateSets().first)
        let resolved = try bureau.resolveDuplicateSet(set.id, keep: b.applicantID)
        #expect(resolved.status == "resolved" && resolved.kept == b.applicantID)
        #expect(try bureau.application(a.applicantID).status == "rejected")
        #expect(try bureau.application(a.applicantID).reviewReason == "duplicate")
        #expect(throws: StoreError.self) { try bureau.resolveDuplicateSet(set.id, keep: b.applicantID) }
        _ = try bureau.createRound(id: "R2", policy: StoreFixtures.roundPolicy)
        let second = try bureau.runRound("R2")
        #expect(second.heldAsDuplicates == 0)
        #expect(second.result.rows.map(\.applicantID) == [b.applicantID])
        // A resolved set stays resolved; a later match starts a new set with the kept one.
        let again = try bureau.submitApplication(applicationForm(identity: "ID100001", phone: "13000000000"), key: testIdentityKey)
        let sets = try bureau.duplicateSets(openOnly: false)
        #expect(sets.first { $0.id == set.id }?.status == "resolved")
        let fresh = try #require(sets.first { $0.status == "open" })
        #expect(Set(fresh.members.map(\.applicantID)) == [b.applicantID, again.applicantID])
    }

    @Test("review is all or nothing: one bad decision, or one not pending, and nothing is decided")
    func reviewAllOrNothing() throws {
        let db = try StoreFixtures.migrated("app_review")
        let store = try db.store()
        let ids = try (1...3).map {
            try store.submitApplication(applicationForm(identity: "ID20000\($0)", name: "N\($0)", phone: "1380000000\($0)"), key: testIdentityKey).applicantID
        }
        #expect(throws: StoreError.self) {
            try store.review([
                ReviewDecision(applicantID: ids[0], decision: .approve),
                ReviewDecision(applicantID: ids[1], decision: .reject),  // no reason
            ])
        }
        #expect(throws: StoreError.self) {
            try store.review([
                ReviewDecision(applicantID: ids[0], decision: .approve),
                ReviewDecision(applicantID: "ap-nobody", decision: .approve),
            ])
        }
        #expect(try store.applications().count == 3)
        _ = try store.review([ReviewDecision(applicantID: ids[2], decision: .approve)])
        do {
            _ = try store.review([
                ReviewDecision(applicantID: ids[0], decision: .approve), ReviewDecision(applicantID: ids[2], decision: .reject, reason: "other"),
            ])
            Issue.record("a decision on an approved application was taken")
        } catch let error as StoreError {
            #expect(error.code == .applicationNotPending)
            #expect(error.problems.map(\.location) == [.field("decisions[1].applicant_id")])
        }
        #expect(try store.application(ids[0]).status == "pending_review")
        #expect(try store.application(ids[2]).status == "waiting")
        #expect(try db.auditCount(action: "application.approve") == 1)
    }

    @Test("an update names the version it read; each change is audited before and after; refused during an offer")
    func updates() throws {
        let db = try StoreFixtures.migrated("app_update")
        let store = try db.store(actor: "applicant:x")
        let a = try store.submitApplication(applicationForm(), key: testIdentityKey)
        let changed = try store.updateApplicant(
            a.applicantID, expectedVersion: 1,
            changes: ApplicationForm(fields: ["monthly_income": "7000", "work_district": "Putuo"], phone: "13812345678"),
            key: testIdentityKey)
        #expect(changed.version == 2)
        #expect(changed.fields["monthly_income"] == "7000" && changed.fields["work_district"] == "Putuo")
        #expect(changed.contact?.phone == "13812345678")
        let audit = try #require(try db.lastAuditDetails(action: "applicant.update"))
        #expect(audit.contains(#""monthly_income": {"to": "7000", "from": "6000"}"#) || audit.contains(#""monthly_income": {"from": "6000", "to": "7000"}"#))
        #expect(audit.contains("13800138000") && audit.contains("13812345678"))
        #expect(!audit.contains("work_lat"))
        // The same change again from the old version: refused, nothing written.
        do {
            _ = try store.updateApplicant(a.applicantID, expectedVersion: 1, changes: ApplicationForm(fields: ["monthly_income": "1"]), key: testIdentityKey)
            Issue.record("a stale update was taken")
        } catch let error as StoreError {
            #expect(error.code == .staleVersion)
        }
        // Fixed fields and bad values are refused per field.
        do {
            _ = try store.updateApplicant(
                a.applicantID, expectedVersion: 2, changes: ApplicationForm(fields: ["birth_date": "2000-01-01", "household_size": "0"]),
                key: testIdentityKey)
            Issue.record("a fixed field was changed")
        } catch let error as StoreError {
            #expect(error.problems.map(\.location) == [.field("birth_date")])
        }
        do {
            _ = try store.updateApplicant(
                a.applicantID, expectedVersion: 2, changes: ApplicationForm(fields: ["household_size": "0"]), key: testIdentityKey)
            Issue.record("household 0 was taken")
        } catch let error as StoreError {
            #expect(error.problems.map(\.location) == [.field("household_size")])
        }
        // Unchanged values: no new version, no audit row.
        let same = try store.updateApplicant(a.applicantID, expectedVersion: 2, changes: ApplicationForm(fields: ["monthly_income": "7000"]), key: testIdentityKey)
        #expect(same.version == 2)
        #expect(try db.auditCount(action: "applicant.update") == 1)
        // During a live offer: refused, as is withdrawing.
        try db.connection.query("UPDATE applicants SET status = 'offered' WHERE applicant_id = $1", [a.applicantID])
        #expect(throws: StoreError.self) {
            try store.updateApplicant(a.applicantID, expectedVersion: 2, changes: ApplicationForm(fields: ["monthly_income": "1"]), key: testIdentityKey)
        }
        #expect(throws: StoreError.self) { try store.withdrawApplicant(a.applicantID, expectedVersion: nil) }
        try db.connection.query("UPDATE applicants SET status = 'waiting' WHERE applicant_id = $1", [a.applicantID])
        let withdrawn = try store.withdrawApplicant(a.applicantID, expectedVersion: 2)
        #expect(withdrawn.status == "withdrawn" && withdrawn.version == 3)
        #expect(throws: StoreError.self) { try store.withdrawApplicant(a.applicantID, expectedVersion: nil) }
    }

    @Test("an update between rounds changes the next round's result")
    func updateChangesNextRound() throws {
        let db = try StoreFixtures.migrated("app_update_round")
        try db.cityWithPlaces()
        let bureau = try db.store(actor: "test:bureau")
        // Works in Pudong near P2 with a 20-minute limit: only P2 is open to them.
        let a = try bureau.submitApplication(
            applicationForm {
                $0.fields["work_lat"] = "30.9000"
                $0.fields["work_lon"] = "121.9300"
                $0.fields["work_district"] = "Pudong"
                $0.fields["max_commute_min"] = "20"
            }, key: testIdentityKey)
        _ = try bureau.review([ReviewDecision(applicantID: a.applicantID, decision: .approve)])
        try db.connection.query("UPDATE slots SET status = 'maintenance' WHERE slot_id = 'S2'")
        _ = try bureau.createRound(id: "R1", policy: StoreFixtures.roundPolicy)
        let first = try bureau.runRound("R1")
        #expect(first.result.rows.first?.outcome == .ineligible)
        // They change station: now they work at People's Square, next to P1.
        let me = try db.store(actor: "applicant:\(a.applicantID)")
        let version = try me.applicantDetails(a.applicantID).version
        _ = try me.updateApplicant(
            a.applicantID, expectedVersion: version,
            changes: ApplicationForm(fields: ["work_lat": "31.2304", "work_lon": "121.4737", "work_district": "Huangpu"]),
            key: testIdentityKey)
        _ = try bureau.createRound(id: "R2", policy: StoreFixtures.roundPolicy)
        let second = try bureau.runRound("R2")
        #expect(second.result.rows.first?.outcome == .offered)
        #expect(second.result.rows.first?.slotID == "S1")
    }

    @Test("import and the applicant never overwrite each other silently")
    func importAndApplicantVersions() throws {
        let db = try StoreFixtures.migrated("app_import_versions")
        let bureau = try db.store(actor: "test:bureau")
        let header = "applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at\n"
        _ = try bureau.importFile(.applicants, bytes: Array((header + "A1,general,1,female,1990-01-01,5000,31.23,121.47,Huangpu,60,,false,0,,\n").utf8))
        // The import changes A1: its version moves on, so an update from version 1 is refused.
        _ = try bureau.importFile(.applicants, bytes: Array((header + "A1,general,1,female,1990-01-01,5500,31.23,121.47,Huangpu,60,,false,0,,\n").utf8))
        let me = try db.store(actor: "applicant:A1")
        #expect(try me.applicantDetails("A1").version == 2)
        #expect(throws: StoreError.self) {
            try me.updateApplicant("A1", expectedVersion: 1, changes: ApplicationForm(fields: ["monthly_income": "6000"]), key: nil)
        }
        _ = try me.updateApplicant("A1", expectedVersion: 2, changes: ApplicationForm(fields: ["monthly_income": "6000"]), key: nil)
        // The next import does not overwrite the applicant's change: the row is skipped, named.
        let report = try bureau.importFile(
            .applicants, bytes: Array((header + "A1,general,1,female,1990-01-01,5500,31.23,121.47,Huangpu,45,,false,0,,\n").utf8))
        #expect(report.skipped.map(\.reason) == ["was changed by the applicant (version 3) since it was imported"])
        #expect(try me.applicantDetails("A1").fields["monthly_income"] == "6000")
        // An application is never changed by an import either, even under its id.
        let application = try bureau.submitApplication(applicationForm(), key: testIdentityKey)
        let line = "\(application.applicantID),general,1,female,1990-01-01,1,31.23,121.47,Huangpu,60,,false,0,,\n"
        let again = try bureau.importFile(.applicants, bytes: Array((header + line).utf8))
        #expect(again.skipped.first?.reason == "is an application made over the API (applicants change it themselves)")
    }

    @Test("contacts of imported applicants are checked for duplicates against applications, all or nothing")
    func contactsImport() throws {
        let db = try StoreFixtures.migrated("app_contacts")
        try db.applicant("A1")
        try db.applicant("A2")
        let bureau = try db.store(actor: "test:bureau")
        let application = try bureau.submitApplication(applicationForm(identity: "ID300001", birth: "1996-05-01"), key: testIdentityKey)
        // A bad row: nothing is written, and the problem is located.
        do {
            _ = try bureau.importContacts(
                Array("applicant_id,name,phone,email,identity_number,language\nA1,张三,13800000001,,ID300009,\nA2,李四,12,,,\n".utf8),
                key: testIdentityKey)
            Issue.record("a bad contacts file was imported")
        } catch let error as StoreError {
            #expect(error.problems.map(\.description) == ["contacts.csv:3: phone: a phone number is 5 to 20 digits, with an optional leading +"])
        }
        #expect(try db.int("SELECT count(*) FROM applicant_contacts") == 1)
        let report = try bureau.importContacts(
            Array("applicant_id,name,phone,email,identity_number,language\nA1,张三,13800000001,,ID300001,\nA2,李四,13800000002,,,en\n".utf8),
            key: testIdentityKey)
        #expect(report.rows == 2 && report.duplicateSets == 1 && report.inDuplicateSets == 2)
        let set = try #require(try bureau.duplicateSets().first)
        #expect(Set(set.members.map(\.applicantID)) == ["A1", application.applicantID])
    }

    @Test("simultaneous applications of one person all land in one set")
    func concurrentDuplicates() async throws {
        let db = try StoreFixtures.migrated("app_concurrent")
        let stores = try (0..<8).map { _ in try db.storeOnNewConnection(actor: "applicant:new") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, store) in stores.enumerated() {
                group.addTask {
                    try await onOwnThread {
                        for k in 0..<3 {
                            _ = try store.submitApplication(
                                applicationForm(identity: "SAME0001", name: "P\(i)-\(k)", phone: "1390000\(i)00\(k)"), key: testIdentityKey)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let sets = try db.store().duplicateSets()
        #expect(sets.count == 1)
        #expect(sets.first?.members.count == 24)
        #expect(try db.int("SELECT count(*) FROM duplicate_members WHERE open") == 24)
    }

    @Test("duplicate sets are the components of the shares-a-key graph, on seeded random applications")
    func randomDuplicatesAgreeWithPlainComputation() throws {
        let base = try StoreFixtures.migrated("app_random_dups")
        for seed in 1...4 as ClosedRange<UInt64> {
            let store = try base.inCity("c\(seed)").store()
            var random = SplitMix64(seed: seed)
            struct Person { var id: String; var identity: String; var name: String; var birth: String; var phone: String?; var email: String? }
            var people: [Person] = []
            for _ in 0..<60 {
                // Small pools of values, so that collisions are common.
                let identity = "ID\(seed)\(random.next() % 40)XX"
                let name = ["王伟", "李娜", "张敏", "刘洋"][Int(random.next() % 4)]
                let birth = ["1990-01-01", "1991-02-02", "1992-03-03"][Int(random.next() % 3)]
                let phone: String? = random.next() % 3 == 0 ? nil : "1380000\(random.next() % 12)"
                let email: String? = phone == nil || random.next() % 2 == 0 ? "u\(random.next() % 10)@x.cn" : nil
                let submitted = try store.submitApplication(
                    applicationForm(identity: identity, name: name, phone: phone, email: email, birth: birth), key: testIdentityKey)
                people.append(Person(id: submitted.applicantID, identity: identity, name: name, birth: birth, phone: phone, email: email))
            }
            // Plain: pairs that share a value, then components by repeated merging.
            var component = Array(0..<people.count)
            func root(_ i: Int) -> Int { component[i] == i ? i : root(component[i]) }
            for i in people.indices {
                for j in people.indices where j > i {
                    let a = people[i], b = people[j]
                    let same = a.identity == b.identity
                        || (a.name == b.name && a.birth == b.birth && a.phone != nil && a.phone == b.phone)
                        || (a.name == b.name && a.birth == b.birth && a.email != nil && a.email == b.email)
                    if same { component[root(j)] = root(i) }
                }
            }
            var expected: [Int: Set<String>] = [:]
            for i in people.indices { expected[root(i), default: []].insert(people[i].id) }
            let expectedSets = Set(expected.values.filter { $0.count > 1 })
            let actualSets = Set(try store.duplicateSets().map { Set($0.members.map(\.applicantID)) })
            #expect(actualSets == expectedSets, "seed \(seed)")
        }
    }

    @Test("apply, approve, the next round offers a place, accept")
    func applyToHome() throws {
        let db = try StoreFixtures.migrated("app_end_to_end")
        try db.cityWithPlaces()
        let bureau = try db.store(actor: "test:bureau")
        let a = try bureau.submitApplication(applicationForm(), key: testIdentityKey)
        _ = try bureau.review([ReviewDecision(applicantID: a.applicantID, decision: .approve)])
        _ = try bureau.createRound(id: "R1", policy: StoreFixtures.roundPolicy)
        let report = try bureau.runRound("R1")
        #expect(report.result.rows.first?.outcome == .offered)
        let me = try db.store(actor: "applicant:\(a.applicantID)")
        let offer = try #require(try bureau.offers(round: "R1", status: .offered).first)
        #expect(offer.applicantID == a.applicantID)
        _ = try me.accept(offer: offer.id)
        #expect(try db.applicantState(a.applicantID).status == "housed")
    }
}
