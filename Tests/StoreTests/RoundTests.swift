import Allocation
import AllocationFiles
import CityGenerator
import Dispatch
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// A generated city written as the contract's files, and loaded the way `anju solve` loads it.
struct CityFiles {
    let folder: URL
    let loaded: LoadedInput

    init(applicants: Int, slots: Int, seed: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-city-\(UUID().uuidString.prefix(8))")
        _ = try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: folder.path)
        loaded = try InputFolder.load(folder.path)
    }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))) }

    /// Imports projects, slots and applicants through the store, as `anju import` does.
    func importInto(_ store: Store) throws {
        for (kind, name) in [(ImportKind.projects, "projects.csv"), (.slots, "slots.csv"), (.applicants, "applicants.csv")] {
            _ = try store.importFile(kind, bytes: try bytes(name), fileName: name, dryRun: false)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// Offers of a round as (applicant, slot) pairs.
func offerPairs(_ connection: PostgresConnection, round: String) throws -> Set<String> {
    Set(try connection.query("SELECT applicant_id, slot_id FROM offers WHERE round_id = $1", [round]).map {
        "\($0[0] ?? "")→\($0[1] ?? "")"
    })
}

/// Invariants that must hold after any mix of rounds, answers and operator changes.
func assertInventoryInvariants(_ c: PostgresConnection, sourceLocation: SourceLocation = #_sourceLocation) throws {
    func count(_ sql: String) throws -> Int { Int(try c.query(sql).first?[0] ?? "-1") ?? -1 }
    #expect(try count("SELECT count(*) FROM (SELECT slot_id FROM offers WHERE status = 'offered' GROUP BY city, slot_id HAVING count(*) > 1) x") == 0,
        "a slot with two live offers", sourceLocation: sourceLocation)
    #expect(try count("SELECT count(*) FROM (SELECT slot_id FROM tenancies WHERE status = 'active' GROUP BY city, slot_id HAVING count(*) > 1) x") == 0,
        "a slot with two active tenancies", sourceLocation: sourceLocation)
    #expect(try count("""
        SELECT count(*) FROM offers o JOIN slots s USING (city, slot_id)
        WHERE o.status = 'offered' AND s.status <> 'offered'
        """) == 0, "a live offer on a slot not marked offered", sourceLocation: sourceLocation)
    #expect(try count("""
        SELECT count(*) FROM offers o JOIN applicants a USING (city, applicant_id)
        WHERE o.status = 'offered' AND a.status <> 'offered'
        """) == 0, "a live offer to an applicant not marked offered", sourceLocation: sourceLocation)
    #expect(try count("""
        SELECT count(*) FROM tenancies t JOIN slots s USING (city, slot_id)
        WHERE t.status = 'active' AND s.status <> 'occupied'
        """) == 0, "an active tenancy on a slot not occupied", sourceLocation: sourceLocation)
    #expect(try count("""
        SELECT count(*) FROM offers o JOIN tenancies t ON t.city = o.city AND t.slot_id = o.slot_id
        WHERE o.status = 'offered' AND t.status = 'active'
        """) == 0, "a live offer on a slot with an active tenancy", sourceLocation: sourceLocation)
}

@Suite("Database rounds")
struct RoundTests {
    static let policy = Array("""
        {"round_date": "2026-12-01", "mechanism": "deferred_acceptance", "seed": "db round test",
         "offers": {"response_days": 5, "max_refusals": 2}}
        """.utf8)

    @Test("a database round makes exactly the offers file mode computes on the same data", arguments: Mechanism.allCases)
    func databaseRoundEqualsFileMode(mechanism: Mechanism) throws {
        let city = try CityFiles(applicants: 1_500, slots: 500, seed: "equal-\(mechanism.rawValue)")
        defer { city.remove() }
        let connection = try TestDatabase.migrated("roundeq")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        try city.importInto(store)
        // File mode: the generated files exactly as `anju solve` reads them, same seed and mechanism.
        let fileResult = Allocator.run(city.loaded.input, mechanism: mechanism, seed: "db round test")

        let info = try store.createRound(id: "r1", policy: try city.bytes("policy.json"), mechanism: mechanism, seed: "db round test")
        #expect(info.status == "draft")
        let report = try store.runRound("r1")
        #expect(report.attempts == 1)
        // Every applicant of the file was waiting, so the snapshot holds them all.
        #expect(report.result.rows == fileResult.rows)
        #expect(report.result.slotsAvailable == fileResult.slotsAvailable)
        #expect(try store.results("r1").rows == fileResult.rows)
        let expected = Set(fileResult.rows.filter { $0.outcome == .offered }.map { "\($0.applicantID)→\($0.slotID!)" })
        #expect(!expected.isEmpty)
        #expect(try offerPairs(connection, round: "r1") == expected)
        // The offered slots and applicants are marked; deadlines are the default 7 days out
        // (the generated policy has no "offers" section).
        let marked = try connection.query("""
            SELECT count(*) FILTER (WHERE s.status = 'offered'), count(*) FILTER (WHERE a.status = 'offered'),
                   count(*) FILTER (WHERE o.deadline BETWEEN now() + interval '7 days' - interval '1 minute'
                                                       AND now() + interval '7 days' + interval '1 minute')
            FROM offers o JOIN slots s USING (city, slot_id) JOIN applicants a USING (city, applicant_id)
            """).first!
        #expect(marked.values == [String(expected.count), String(expected.count), String(expected.count)])
        // The results export is byte for byte file mode's results.csv.
        #expect(ResultsCSV.render(try store.results("r1").rows) == ResultsCSV.render(fileResult.rows))
        try assertInventoryInvariants(connection)
    }

    @Test("the stored snapshot re-solves to the same offers; anju solve on it gives the same results")
    func verifyAndSnapshot() throws {
        let city = try CityFiles(applicants: 800, slots: 300, seed: "verify")
        defer { city.remove() }
        let connection = try TestDatabase.migrated("roundverify")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        try city.importInto(store)
        _ = try store.createRound(id: "r1", policy: Self.policy)
        let run = try store.runRound("r1")
        let verification = try store.verifyRound("r1")
        #expect(verification.differences.isEmpty)
        #expect(verification.offers == run.result.offered)

        // The snapshot is the contract's files: the file-mode engine on them gives the stored rows.
        let snapshot = try store.snapshot("r1")
        let input = try InputFolder.validate(
            projects: snapshot.projects, slots: snapshot.slots, applicants: snapshot.applicants, policy: snapshot.policy)
        #expect(Allocator.run(input, mechanism: .deferredAcceptance, seed: "db round test").rows == run.result.rows)
        #expect(RoundSnapshot.combinedDigest(snapshot.digests) == run.round.inputDigest)

        // Tampering with a stored result is caught.
        let victim = try #require(run.result.rows.first { $0.outcome == .offered })
        try connection.query(
            "UPDATE round_results SET commute_min = commute_min + 1 WHERE applicant_id = $1", [victim.applicantID])
        let tampered = try store.verifyRound("r1")
        #expect(tampered.differences.contains { $0.contains(victim.applicantID) })

        // So is a result whose stored reason data no longer says what the engine decided
        // (the English text left as it was); a row stored without data (before sql/008) is not.
        let waiting = run.result.rows.filter { $0.outcome != .offered }
        let (changed, legacy) = (try #require(waiting.first), try #require(waiting.last))
        try connection.query(
            "UPDATE round_results SET reason_data = '[\"no_places\"]' WHERE applicant_id = $1", [changed.applicantID])
        try connection.query("UPDATE round_results SET reason_data = NULL WHERE applicant_id = $1", [legacy.applicantID])
        let reasons = try store.verifyRound("r1")
        #expect(reasons.differences.contains { $0.contains(changed.applicantID) && $0.contains("reason data") })
        #expect(!reasons.differences.contains { $0.contains(legacy.applicantID) })
    }

    @Test("an optimal round records its tie rule, and verify re-solves by the rule stored (sql/015)")
    func optimalTieRule() throws {
        let city = try CityFiles(applicants: 1_500, slots: 500, seed: "equal-optimal")
        defer { city.remove() }
        // The test means something only where the two rules pick different optima.
        let canonical = Allocator.run(city.loaded.input, mechanism: .optimal, seed: "db round test")
        let asFound = try Allocator.solve(city.loaded.input, mechanism: .optimal, seed: "db round test", ties: .asFound)
        #expect(canonical.offered == asFound.offered && canonical.totalCommuteMin == asFound.totalCommuteMin)
        try #require(canonical.rows != asFound.rows)

        let connection = try TestDatabase.migrated("roundties")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        try city.importInto(store)
        #expect(try store.createRound(id: "r1", policy: try city.bytes("policy.json"), mechanism: .optimal, seed: "db round test")
            .optimalTies == nil)
        let run = try store.runRound("r1")
        #expect(run.result.rows == canonical.rows)
        #expect(try store.round("r1").optimalTies == .canonical)
        #expect(try store.verifyRound("r1").differences.isEmpty)

        // Marked as run before the canonical rule, the same rows no longer verify: verify
        // re-solved with the column generation's own pick, as it must for such a round.
        try connection.query("UPDATE rounds SET optimal_ties = 'as_found' WHERE round_id = 'r1'")
        let differing = asFound.rows.filter { row in !canonical.rows.contains(row) }.map(\.applicantID)
        let differences = try store.verifyRound("r1").differences
        #expect(!differences.isEmpty && differences.allSatisfy { d in differing.contains { d.contains($0) } || !d.hasPrefix("applicant ") })

        // A round run the way builds before sql/015 ran it (same city, fresh database) records
        // as_found, stores the column generation's pick, and verifies by that rule.
        let old = try TestDatabase.migrated("roundtiesold")
        let oldStore = try Store(connection: old, city: "sh", actor: "test")
        try city.importInto(oldStore)
        _ = try oldStore.createRound(id: "r1", policy: try city.bytes("policy.json"), mechanism: .optimal, seed: "db round test")
        let oldRun = try oldStore.runRound("r1", reveal: nil, attempts: 3, ties: .asFound)
        #expect(oldRun.result.rows == asFound.rows)
        #expect(try oldStore.round("r1").optimalTies == .asFound)
        #expect(try oldStore.verifyRound("r1").differences.isEmpty)
        // A run round always says which rule it was run by.
        #expect(throws: PostgresError.self) {
            try connection.query("UPDATE rounds SET optimal_ties = NULL WHERE round_id = 'r1'")
        }
    }

    @Test("a round runs once; unknown rounds are not found; a second round allocates only what is left")
    func lifecycle() throws {
        let city = try CityFiles(applicants: 600, slots: 200, seed: "lifecycle")
        defer { city.remove() }
        let connection = try TestDatabase.migrated("roundlife")
        let store = try Store(connection: connection, city: "sh", actor: "cli:test")
        try city.importInto(store)
        _ = try store.createRound(id: "r1", policy: Self.policy)
        #expect(throws: StoreError(.roundExists, subject: .round("r1"), "round r1 already exists in city sh")) {
            try store.createRound(id: "r1", policy: Self.policy)
        }
        let first = try store.runRound("r1")
        #expect(throws: StoreError(.roundAlreadyRun, subject: .round("r1"), "round r1 is run, not draft: a round runs once")) {
            try store.runRound("r1")
        }
        #expect(throws: StoreError(.roundNotFound, subject: .round("nope"), "round nope in city sh")) { try store.runRound("nope") }
        #expect(try store.round("r1").status == "run")
        // The policy's "offers" section sets the deadline: 5 days.
        #expect(try connection.query("""
            SELECT count(*) FROM offers WHERE round_id = 'r1'
              AND deadline NOT BETWEEN now() + interval '5 days' - interval '1 minute' AND now() + interval '5 days'
            """).first?[0] == "0")

        // The second round's snapshot leaves out offered slots and applicants.
        _ = try store.createRound(id: "r2", policy: Self.policy)
        let second = try store.runRound("r2")
        let firstOffered = Set(first.result.rows.filter { $0.outcome == .offered }.map(\.applicantID))
        #expect(second.result.rows.count == first.result.rows.count - firstOffered.count)
        #expect(second.result.rows.allSatisfy { !firstOffered.contains($0.applicantID) })
        #expect(second.result.slotsAvailable == first.result.slotsAvailable - firstOffered.count)
        try assertInventoryInvariants(connection)
        // One audit row per create and run, naming the actor.
        let audit = try connection.query(
            "SELECT action, entity_id, actor FROM audit_log WHERE entity = 'round' ORDER BY audit_id")
        #expect(audit.map { $0.values } == [
            ["round.create", "r1", "cli:test"], ["round.run", "r1", "cli:test"],
            ["round.create", "r2", "cli:test"], ["round.run", "r2", "cli:test"],
        ])
    }

    @Test("a bad policy or offers section is refused with its line; nothing is stored")
    func badPolicy() throws {
        let connection = try TestDatabase.migrated("roundbadpolicy")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        let bad = Array("""
            {"round_date": "2026-12-01", "seed": "s",
             "offers": {"response_days": 0,
                        "max_refusals": 1.5}}
            """.utf8)
        do {
            _ = try store.createRound(id: "r1", policy: bad)
            Issue.record("a bad offers section was accepted")
        } catch let error as StoreError where error.kind == .invalid {
            let problems = error.problems.map(\.description)
            #expect(error.code == .invalidPolicy)
            #expect(error.problems.first?.location == .file("policy.json", line: 2, column: "offers.response_days"))
            #expect(problems.count == 2)
            #expect(problems[0].hasPrefix("policy.json:2: offers.response_days:"))
            #expect(problems[1].hasPrefix("policy.json:3: offers.max_refusals:"))
        }
        #expect(throws: StoreError.self) { try store.createRound(id: "r2", policy: Array("{\"seed\": \"s\"}".utf8)) }
        #expect(try connection.query("SELECT count(*) FROM rounds").first?[0] == "0")
    }

    @Test("a round whose snapshot breaks the contract fails clearly and writes nothing")
    func invalidSnapshot() throws {
        let city = try CityFiles(applicants: 200, slots: 100, seed: "badsnap")
        defer { city.remove() }
        let connection = try TestDatabase.migrated("roundbadsnap")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        try city.importInto(store)
        // A policy without the programmes the imported projects use.
        let policy = Array("""
            {"round_date": "2026-12-01", "seed": "s", "programmes": {"only": {"categories": ["general"]}}}
            """.utf8)
        _ = try store.createRound(id: "r1", policy: policy)
        do {
            _ = try store.runRound("r1")
            Issue.record("the run succeeded")
        } catch let error as StoreError where error.kind == .invalid {
            let problems = error.problems.map(\.description)
            #expect(error.code == .invalidFile)
            #expect(problems.contains { $0.contains("projects.csv:") && $0.contains("programme") })
        }
        #expect(try store.round("r1").status == "draft")
        #expect(try connection.query("SELECT count(*) FROM offers").first?[0] == "0")
        #expect(try connection.query("SELECT count(*) FROM round_results").first?[0] == "0")
    }

    @Test("operators, applicants and expiry acting while rounds run never break the invariants")
    func concurrentInventoryChanges() throws {
        let city = try CityFiles(applicants: 3_000, slots: 1_000, seed: "concurrent")
        defer { city.remove() }
        let (connection, url) = try TestDatabase.migratedWithURL("roundconc")
        let store = try Store(connection: connection, city: "sh", actor: "test")
        try city.importInto(store)
        let slotIDs = try connection.query("SELECT slot_id FROM slots ORDER BY slot_id").map { $0[0]! }
        let applicantIDs = try connection.query("SELECT applicant_id FROM applicants ORDER BY applicant_id").map { $0[0]! }
        for r in 1...4 { _ = try store.createRound(id: "r\(r)", policy: Self.policy) }
        // Round 1 first, so there are live offers to answer while the later rounds run.
        _ = try store.runRound("r1")
        let offerIDs = try connection.query("SELECT offer_id FROM offers WHERE round_id = 'r1'").map { Int64($0[0]!)! }

        let done = DispatchSemaphore(value: 0)
        let stop = Locked(false)
        let workers = 4
        for w in 0..<workers {
            DispatchQueue.global().async {
                defer { done.signal() }
                guard let c = try? PostgresConnection(url),
                    let worker = try? Store(connection: c, city: "sh", actor: "worker:\(w)")
                else { return }
                var rng = SystemRandomNumberGenerator()
                while !stop.value {
                    // Through the store's own operations; refusals (conflicts) are expected.
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0..<4:
                        let status: Slot.Status = [.available, .maintenance, .occupied].randomElement(using: &rng)!
                        _ = try? worker.setSlotStatus(
                            slotIDs.randomElement(using: &rng)!, to: status, withdrawOffer: Bool.random(using: &rng))
                    case 4..<6:
                        _ = try? worker.accept(offer: offerIDs.randomElement(using: &rng)!)
                    case 6..<8:
                        _ = try? worker.decline(offer: offerIDs.randomElement(using: &rng)!, reason: "too far")
                    case 8:
                        _ = try? worker.expireDue()
                    default:
                        // An applicant withdrawing from, or returning to, the pool.
                        _ = try? c.query("""
                            UPDATE applicants SET status = CASE status WHEN 'waiting' THEN 'withdrawn' ELSE 'waiting' END
                            WHERE city = 'sh' AND applicant_id = $1 AND status IN ('waiting', 'withdrawn')
                            """, [applicantIDs.randomElement(using: &rng)!])
                    }
                }
            }
        }
        var runs: [RoundRunReport] = []
        for r in 2...4 { runs.append(try store.runRound("r\(r)", attempts: 3)) }
        stop.withLock { $0 = true }
        for _ in 0..<workers { done.wait() }

        try assertInventoryInvariants(connection)
        for run in runs {
            // Whatever the attempt, the committed offers are exactly the committed results,
            // and the stored snapshot still verifies.
            let offered = Set(run.result.rows.filter { $0.outcome == .offered }.map { "\($0.applicantID)→\($0.slotID!)" })
            #expect(try offerPairs(connection, round: run.round.roundID) == offered)
            #expect(try store.verifyRound(run.round.roundID).differences.isEmpty)
        }
        // Something actually happened concurrently.
        #expect(try connection.query("SELECT count(*) FROM offers WHERE status <> 'offered'").first?[0] != "0")
    }
}
