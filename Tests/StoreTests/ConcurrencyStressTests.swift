import Allocation
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

extension ConcurrencyTests {
    @Test("8 threads × 400 random operations keep every invariant", .timeLimit(.minutes(5)))
    func randomOperations() throws {
        let db = try StoreFixtures.migrated("racerandom")
        try db.round("R1", policy: #"{"offers": {"max_refusals": 3}}"#)
        let slots = (0..<12).map { String(format: "S%02d", $0) }
        for slot in slots { try db.slot(slot) }
        for k in 0..<400 { try db.applicant(String(format: "A%03d", k)) }
        for k in 0..<6 { try db.offer(round: "R1", slot: slots[k], applicant: String(format: "A%03d", k), deadlineIn: "0.2 seconds") }
        let initialOffers = 6

        let stores = try (0..<8).map { try db.storeOnNewConnection(actor: "thread:\($0)") }
        let total = Locked(StressTally())
        let started = Date()
        let failures = TestThreads.run(8) { k in
            var random = SplitMix64(seed: 1_000 + UInt64(k))
            var tally = StressTally()
            for _ in 0..<400 { try StressOperation.random(&random).run(on: stores[k], slots: slots, random: &random, tally: &tally) }
            total.withLock { $0.add(tally) }
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(failures == [])
        let tally = total.withLock { $0 }
        #expect(tally.unexpected == [])
        // For the record (statistics may lag a little): the lock order should leave none.
        let deadlocks = try db.int("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        print("random operations: 3200 in \(String(format: "%.1f", seconds)) s, \(deadlocks) deadlocks retried; \(tally)")

        #expect(try db.int("SELECT count(*) FROM offers") == initialOffers + tally.offersMade)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'accepted'") == tally.accepted)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'declined'") == tally.declined)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'expired'") == tally.expired)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'withdrawn'") == tally.withdrawn)
        #expect(try db.auditCount(action: "slot.set_status") == tally.slotChanges)
        // The mix really exercised every path.
        for (name, count) in [
            ("accepted", tally.accepted), ("declined", tally.declined), ("expired", tally.expired),
            ("withdrawn", tally.withdrawn), ("slot changes", tally.slotChanges), ("conflicts", tally.conflicts),
            ("tenancies ended", try db.int("SELECT count(*) FROM tenancies WHERE status = 'ended'")),
        ] {
            #expect(count > 0, "no \(name) in the random run")
        }
        try ConcurrencyInvariants.check(db, maxRefusals: 3)
        let live = try db.int("SELECT count(*) FROM offers WHERE status = 'offered'")
        #expect(try db.roundStatus("R1") == (live == 0 ? "closed" : "run"))
    }
}

/// What the threads of the random run did, to compare with what the database holds.
struct StressTally: Sendable, CustomStringConvertible {
    var offersMade = 0, accepted = 0, declined = 0, expired = 0, withdrawn = 0, slotChanges = 0, conflicts = 0
    var unexpected: [String] = []

    mutating func add(_ other: StressTally) {
        offersMade += other.offersMade
        accepted += other.accepted
        declined += other.declined
        expired += other.expired
        withdrawn += other.withdrawn
        slotChanges += other.slotChanges
        conflicts += other.conflicts
        unexpected += other.unexpected
    }

    mutating func count(_ change: SlotChange) {
        if change.changed { slotChanges += 1 }
        if change.withdrawnOfferID != nil { withdrawn += 1 }
    }

    var description: String {
        "offers made \(offersMade), accepted \(accepted), declined \(declined), expired \(expired), "
            + "withdrawn \(withdrawn), slot changes \(slotChanges), refused \(conflicts)"
    }
}

/// One random operation of the stress run, as a bureau's clients would issue it.
enum StressOperation {
    case makeOffer, accept, decline, expire, setStatus, bulk

    static func random(_ random: inout SplitMix64) -> StressOperation {
        switch random.next() % 100 {
        case 0..<25: .makeOffer
        case 25..<40: .accept
        case 40..<52: .decline
        case 52..<60: .expire
        case 60..<85: .setStatus
        default: .bulk
        }
    }

    private static let targets: [Slot.Status] = [.available, .available, .maintenance, .occupied]

    func run(on store: Store, slots: [String], random: inout SplitMix64, tally: inout StressTally) throws {
        do {
            switch self {
            case .makeOffer:
                if try Self.makeOffer(store, random: &random) { tally.offersMade += 1 }
            case .accept:
                guard let id = try Self.pickOffer(store, random: &random) else { return }
                if try !store.accept(offer: id).alreadyAnswered { tally.accepted += 1 }
            case .decline:
                guard let id = try Self.pickOffer(store, random: &random) else { return }
                if try !store.decline(offer: id, reason: "random").alreadyAnswered { tally.declined += 1 }
            case .expire:
                tally.expired += try store.expireDue()
            case .setStatus:
                let slot = slots[Int(random.next() % UInt64(slots.count))]
                let expected = random.next() % 2 == 0 ? try Self.version(of: slot, store) : nil
                tally.count(
                    try store.setSlotStatus(
                        slot, to: Self.targets[Int(random.next() % 4)], expectedVersion: expected, withdrawOffer: random.next() % 2 == 0))
            case .bulk:
                var chosen = Array(slots.shuffled(using: &random).prefix(2 + Int(random.next() % 3)))
                chosen.sort()
                var csv = "slot_id,status,expected_version\n"
                for slot in chosen {
                    let version = random.next() % 4 == 0 ? try Self.version(of: slot, store).map(String.init) ?? "" : ""
                    csv += "\(slot),\(Self.targets[Int(random.next() % 4)].rawValue),\(version)\n"
                }
                for change in try store.setSlotStatuses(csv: Array(csv.utf8), fileName: "bulk.csv", withdrawOffers: random.next() % 2 == 0) {
                    tally.count(change)
                }
            }
        } catch let error as StoreError where error.kind == .conflict {
            tally.conflicts += 1
        } catch {
            tally.unexpected.append("\(self): \(error)")
        }
    }

    /// A live offer most of the time, any offer (answered ones too) otherwise.
    private static func pickOffer(_ store: Store, random: inout SplitMix64) throws -> Int64? {
        let onlyLive = random.next() % 5 != 0
        let row = try store.connection.query(
            "SELECT offer_id FROM offers WHERE city = $1 AND ($2 = 'any' OR status = 'offered') ORDER BY random() LIMIT 1",
            [store.city, onlyLive ? "live" : "any"]
        ).first
        return try row.map { Int64(try $0.decode(Int.self, "offer_id")) }
    }

    private static func version(of slot: String, _ store: Store) throws -> Int64? {
        try store.connection.query("SELECT version FROM slots WHERE city = $1 AND slot_id = $2", [store.city, slot])
            .first.map { Int64(try $0.decode(Int.self, "version")) }
    }

    /// What `round run` does for one pair, in its lock order (slot, applicant, round):
    /// offers a random available slot to a random waiting applicant, marks both offered,
    /// bumps the slot's version and writes an audit row carrying it. Deadlines: some past,
    /// most within half a second (racing accepts and expiries), some an hour away.
    private static func makeOffer(_ store: Store, random: inout SplitMix64) throws -> Bool {
        let roll = random.next() % 10
        let due = roll == 0 ? "-1 second" : roll < 6 ? "\(Double(random.next() % 500) / 1000) seconds" : "1 hour"
        let connection = store.connection
        return try store.retryingTransaction {
            guard
                let slot = try connection.query(
                    "SELECT slot_id FROM slots WHERE city = $1 AND status = 'available' ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED",
                    [store.city]
                ).first?[0],
                let applicant = try connection.query(
                    "SELECT applicant_id FROM applicants WHERE city = $1 AND status = 'waiting' ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED",
                    [store.city]
                ).first?[0]
            else { return false }
            try connection.query("SELECT status FROM rounds WHERE city = $1 AND round_id = 'R1' FOR UPDATE", [store.city])
            try connection.query("UPDATE rounds SET status = 'run' WHERE city = $1 AND round_id = 'R1' AND status = 'closed'", [store.city])
            let offer = try connection.query(
                "INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline) VALUES ($1, 'R1', $2, $3, now() + $4::interval) RETURNING offer_id",
                [store.city, slot, applicant, due])[0][0]
            let version = try connection.query(
                "UPDATE slots SET status = 'offered', version = version + 1, updated_at = now() WHERE city = $1 AND slot_id = $2 RETURNING version",
                [store.city, slot])[0][0]
            try connection.query("UPDATE applicants SET status = 'offered' WHERE city = $1 AND applicant_id = $2", [store.city, applicant])
            try connection.query(
                """
                INSERT INTO audit_log (city, actor, action, entity, entity_id, details)
                VALUES ($1, 'test:round', 'test.offer', 'offer', $2, jsonb_build_object('slot_id', $3::text, 'slot_version', $4::bigint))
                """,
                [store.city, offer, slot, version])
            return true
        }
    }
}
