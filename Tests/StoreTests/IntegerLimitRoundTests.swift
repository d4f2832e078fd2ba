import Allocation
import Postgres
import PostgresTestSupport
import Store
import Testing

/// Database mode at the contract's integer limits. The columns are 32-bit, so import
/// refuses larger whole numbers by line and column; everything it accepts — each integer
/// at its minimum or at 2,147,483,647 — runs in every mechanism, and a policy whose own
/// limit and overhead make an offered commute longer than a column holds is refused by
/// name, never a trap or a bare SQL error.
@Suite struct IntegerLimitRoundTests {
    static let most = "2147483647"

    static func applicants(_ n: String) -> [UInt8] {
        Array("""
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
            A1,general,\(n),female,0001-01-01,\(n),90,180,Putuo,\(n),\(n),false,\(n),,
            A2,general,1,female,9999-12-31,0,-90,-180,Jingan,1,0,false,0,,
            A3,frontline_worker,\(n),male,0001-01-01,0,0,0,Putuo,\(n),\(n),false,\(n),E1,
            A4,youth_talent,1,female,9999-12-31,\(n),-90,180,Putuo,,,false,\(n),,
            A5,general,1,male,2000-02-29,0,0.5,0.5,Xuhui,,,false,0,,

            """.utf8)
    }

    /// Imports a city whose integers are at their minimum or at `n`.
    static func city(_ label: String, _ n: String) throws -> Store {
        let store = try Store(connection: try TestDatabase.migrated(label), city: "limits", actor: "test:bureau")
        _ = try store.importFile(.projects, bytes: Array("""
            project_id,name,district,lat,lon,programme
            P1,North,Putuo,90,180,general
            P2,South,Jingan,-90,-180,general
            P3,Origin,Putuo,0,0,frontline

            """.utf8))
        _ = try store.importFile(.slots, bytes: Array("""
            slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
            S1,P1,apartment,,\(n),\(n),any,true,available,
            S2,P1,apartment,,1,0,any,false,available,
            S3,P2,bed,R1,1,\(n),female,false,available,
            S4,P3,apartment,,\(n),\(n),any,false,available,E1
            S5,P3,apartment,,\(n),0,any,false,available,

            """.utf8))
        _ = try store.importFile(.applicants, bytes: applicants(n))
        return store
    }

    static func policy(mechanism: String, defaultLimit: String = "60", commute: String = "{}") -> [UInt8] {
        Array("""
            {"round_date": "2026-12-01", "seed": "limits", "mechanism": "\(mechanism)",
             "default_max_commute_min": \(defaultLimit), "commute": \(commute),
             "programmes": {"general": {"categories": ["general", "youth_talent", "frontline_worker"], "max_age": 9223372036854775807, "income_max": 9223372036854775807},
                            "frontline": {"categories": ["frontline_worker"], "max_age": 0, "income_max": 0}}}
            """.utf8)
    }

    @Test(arguments: ["serial", "deferred_acceptance", "optimal"])
    func thirtyTwoBitLimitsRunInEveryMechanism(mechanism: String) throws {
        for (i, n) in ["1", Self.most].enumerated() {
            for (j, limit) in ["1", "9223372036854775807"].enumerated() {
                // A fresh city each time: a round takes only applicants still waiting.
                let store = try Self.city("limits\(i)\(j)\(mechanism.prefix(3))", n)
                _ = try store.createRound(id: "R1", policy: Self.policy(mechanism: mechanism, defaultLimit: limit))
                _ = try store.runRound("R1")
                #expect(try store.results("R1").rows.count == 5)
            }
        }
    }

    @Test func wholeNumbersBeyond32BitsAreRefusedAtImportByLine() throws {
        let store = try Store(connection: try TestDatabase.migrated("limits64"), city: "limits", actor: "test:bureau")
        do {
            _ = try store.importFile(.applicants, bytes: Self.applicants("9223372036854775807"))
            Issue.record("a 64-bit household size was imported")
        } catch let error as StoreError {
            guard error.code == .invalidImport else { Issue.record("\(error)"); return }
            let problems = error.problems.map(\.description)
            for column in ["household_size", "monthly_income", "max_commute_min", "max_rent", "priority_points"] {
                #expect(problems.contains { $0.hasPrefix("applicants.csv:2: \(column): ") }, "\(column): \(problems)")
            }
        }
    }

    @Test func aCommuteLongerThanAColumnHoldsIsRefusedByName() throws {
        let store = try Self.city("limitsover", "1")
        _ = try store.createRound(
            id: "R1",
            policy: Self.policy(
                mechanism: "serial", defaultLimit: "9223372036854775807", commute: #"{"overhead_min": 3000000000}"#))
        do {
            _ = try store.runRound("R1")
            Issue.record("a round storing a commute over 2^31 ran")
        } catch let error as StoreError {
            #expect(error.code == .invalidPolicy && error.subject == .round("R1"), "\(error)")
            #expect(error.problems.first?.location == .file("policy.json", line: 1, column: "commute.overhead_min"))
            #expect(error.description.contains("policy.json:1: commute.overhead_min: "), "\(error)")
        }
    }
}
