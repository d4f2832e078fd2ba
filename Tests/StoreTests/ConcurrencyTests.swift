import Allocation
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// Real concurrency: OS threads, each with its own PostgreSQL connection to one test
/// database, all released at once. libpq calls block, so these are threads, not tasks.
/// The suite is serialized so its threads do not compete with each other on 2 cores.
@Suite("Concurrency: offers and inventory under parallel connections", .serialized)
struct ConcurrencyTests {
    @Test("eight connections accept one offer at once: one acceptance, seven 'already accepted'")
    func sameOfferAccepted() throws {
        let db = try StoreFixtures.migrated("racesameaccept")
        try db.round("R1")
        try db.slot("S1")
        try db.applicant("A1")
        let id = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        let stores = try (0..<8).map { try db.storeOnNewConnection(actor: "thread:\($0)") }
        let already = Locked<[Bool]>([])
        let failures = TestThreads.run(8) { k in
            let answer = try stores[k].accept(offer: id)
            already.withLock { $0.append(answer.alreadyAnswered) }
        }
        #expect(failures == [])
        let answers = already.withLock { $0 }
        #expect(answers.count == 8)
        #expect(answers.filter { !$0 }.count == 1)
        #expect(try db.int("SELECT count(*) FROM tenancies") == 1)
        #expect(try db.auditCount(action: "offer.accept") == 1)
        #expect(try db.slotState("S1") == ("occupied", 2))
    }

    @Test("accepts race expiries on offers due around now: exactly one wins each offer")
    func acceptRacesExpiry() throws {
        let db = try StoreFixtures.migrated("raceacceptexpire")
        try db.round("R1")
        // 10 already past (only expiry can win), 10 far off (only acceptance can), 60 due
        // within 0.6 s of now, where the two race.
        var made: [Int64] = []
        for k in 0..<80 {
            let id = String(format: "%02d", k)
            try db.slot("S\(id)")
            try db.applicant("A\(id)")
            let due = k < 10 ? "-1 second" : k < 20 ? "1 hour" : "\(Double(k - 20) * 0.01) seconds"
            made.append(try db.offer(round: "R1", slot: "S\(id)", applicant: "A\(id)", deadlineIn: due))
        }
        let offers = made
        let stores = try (0..<8).map { try db.storeOnNewConnection(actor: "thread:\($0)") }
        let accepted = Locked<[Int64]>([])
        let expiredCount = Locked(0)
        let failures = TestThreads.run(8) { k in
            let store = stores[k]
            if k < 4 {  // acceptors: every offer, in an order of their own, with small pauses
                var random = SplitMix64(seed: UInt64(k) + 1)
                for id in offers.shuffled(using: &random) {
                    do {
                        let answer = try store.accept(offer: id)
                        if !answer.alreadyAnswered { accepted.withLock { $0.append(id) } }
                    } catch let error as StoreError where error.kind == .conflict {
                        // expired, or past its deadline: the expiry's turn
                    }
                    usleep(UInt32(random.next() % 8_000))
                }
            } else {  // expirers: until no live offer is left
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline {
                    let n = try store.expireDue()
                    expiredCount.withLock { $0 += n }
                    if try store.offers(status: .offered).isEmpty { break }
                    usleep(3_000)
                }
            }
        }
        #expect(failures == [])
        let acceptedIDs = accepted.withLock { $0 }
        #expect(Set(acceptedIDs).count == acceptedIDs.count)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'accepted'") == acceptedIDs.count)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'expired'") == expiredCount.withLock { $0 })
        #expect(try db.int("SELECT count(*) FROM offers WHERE status NOT IN ('accepted', 'expired')") == 0)
        #expect(acceptedIDs.count + expiredCount.withLock { $0 } == 80)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'expired' AND slot_id < 'S10'") == 10)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'accepted' AND slot_id BETWEEN 'S10' AND 'S19'") == 10)
        // The database clock decided: acceptances in time, expiries after the deadline.
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'accepted' AND answered_at > deadline") == 0)
        #expect(try db.int("SELECT count(*) FROM offers WHERE status = 'expired' AND answered_at <= deadline") == 0)
        try ConcurrencyInvariants.check(db, maxRefusals: 2)
        #expect(try db.roundStatus("R1") == "closed")
    }

    @Test("optimistic versions under contention: no lost update on one slot")
    func optimisticVersions() throws {
        let db = try StoreFixtures.migrated("raceversions")
        try db.slot("S1")
        let stores = try (0..<8).map { try db.storeOnNewConnection(actor: "thread:\($0)") }
        let changed = Locked(0)
        let failures = TestThreads.run(8) { k in
            var random = SplitMix64(seed: 100 + UInt64(k))
            let store = stores[k]
            for _ in 0..<40 {
                let version = Int64(try store.connection.query("SELECT version FROM slots WHERE slot_id = 'S1'")[0].decode(Int.self, "version"))
                let target: Slot.Status = [.available, .maintenance, .occupied][Int(random.next() % 3)]
                do {
                    if try store.setSlotStatus("S1", to: target, expectedVersion: version).changed { changed.withLock { $0 += 1 } }
                } catch let error as StoreError where error.kind == .conflict {
                    // another thread changed it first: read again
                }
            }
        }
        #expect(failures == [])
        let successes = changed.withLock { $0 }
        #expect(successes > 0)
        #expect(try db.slotState("S1").version == 1 + Int64(successes))
        #expect(try db.auditCount(action: "slot.set_status") == successes)
        try ConcurrencyInvariants.check(db, maxRefusals: 2)
    }

    @Test("bulk files naming the same slots in different orders never deadlock for good")
    func bulkOrders() throws {
        let db = try StoreFixtures.migrated("racebulk")
        let slots = (0..<10).map { "S\($0)" }
        for slot in slots { try db.slot(slot) }
        let stores = try (0..<4).map { try db.storeOnNewConnection(actor: "thread:\($0)") }
        let changed = Locked(0)
        let failures = TestThreads.run(4) { k in
            var random = SplitMix64(seed: 200 + UInt64(k))
            for _ in 0..<30 {
                let rows = slots.shuffled(using: &random).map { slot in
                    "\(slot),\(["available", "maintenance", "occupied"][Int(random.next() % 3)])"
                }
                let csv = "slot_id,status\n" + rows.joined(separator: "\n") + "\n"
                let changes = try stores[k].setSlotStatuses(csv: Array(csv.utf8), fileName: "t\(k).csv")
                changed.withLock { $0 += changes.filter(\.changed).count }
            }
        }
        #expect(failures == [])
        #expect(try db.auditCount(action: "slot.set_status") == changed.withLock { $0 })
        try ConcurrencyInvariants.check(db, maxRefusals: 2)
    }

    @Test("a slot offered by a round while an operator changes it: the change starts over and sees the offer", arguments: [false, true])
    func offeredMeanwhile(withdraw: Bool) throws {
        let db = try StoreFixtures.migrated("raceofferedmeanwhile")
        try db.round("R1")
        try db.slot("S1")
        try db.applicant("A1")
        let store = try db.storeOnNewConnection(actor: "thread:operator")
        // The "round" holds the slot while it offers it; the operator's change waits for it.
        let round = db.connection
        try round.query("BEGIN")
        try round.query("SELECT 1 FROM slots WHERE slot_id = 'S1' FOR UPDATE")
        let offerID = try round.query(
            "INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline) VALUES ('c1', 'R1', 'S1', 'A1', now() + interval '1 day') RETURNING offer_id"
        )[0][0]!
        try round.query("UPDATE slots SET status = 'offered', version = version + 1 WHERE slot_id = 'S1'")
        try round.query("UPDATE applicants SET status = 'offered' WHERE applicant_id = 'A1'")
        let outcome = Locked<String>("")
        let failures = TestThreads.run(1) { _ in
            do {
                let change = try store.setSlotStatus("S1", to: .maintenance, withdrawOffer: withdraw)
                outcome.withLock { $0 = change.summary }
            } catch let error as StoreError where error.kind == .conflict {
                let message = error.description
                outcome.withLock { $0 = message }
            }
        } before: {
            usleep(300_000)  // the operator is now waiting for the slot
            _ = try? round.query("COMMIT")
        }
        #expect(failures == [])
        if withdraw {
            #expect(outcome.withLock { $0 } == "slot S1: offered -> maintenance (version 3); offer \(offerID) withdrawn; round R1 closed")
            #expect(try db.applicantState("A1") == ("waiting", 0))
        } else {
            #expect(outcome.withLock { $0 }.hasPrefix("slot S1 has live offer \(offerID) (round R1"))
            #expect(try db.slotState("S1") == ("offered", 2))
        }
    }
}

/// The invariants every test here ends with, checked with SQL over the whole database.
enum ConcurrencyInvariants {
    static let violations: [(String, String)] = [
        ("a slot with two live offers",
         "SELECT count(*) FROM (SELECT 1 FROM offers WHERE status = 'offered' GROUP BY city, slot_id HAVING count(*) > 1) x"),
        ("a slot with two active tenancies",
         "SELECT count(*) FROM (SELECT 1 FROM tenancies WHERE status = 'active' GROUP BY city, slot_id HAVING count(*) > 1) x"),
        ("an applicant with two active tenancies",
         "SELECT count(*) FROM (SELECT 1 FROM tenancies WHERE status = 'active' GROUP BY city, applicant_id HAVING count(*) > 1) x"),
        ("a live offer whose slot is not offered",
         "SELECT count(*) FROM offers o JOIN slots s USING (city, slot_id) WHERE o.status = 'offered' AND s.status <> 'offered'"),
        ("a live offer whose applicant is not offered",
         "SELECT count(*) FROM offers o JOIN applicants a USING (city, applicant_id) WHERE o.status = 'offered' AND a.status <> 'offered'"),
        ("an offered slot without exactly one live offer",
         """
         SELECT count(*) FROM slots s WHERE s.status = 'offered'
           AND (SELECT count(*) FROM offers o WHERE o.city = s.city AND o.slot_id = s.slot_id AND o.status = 'offered') <> 1
         """),
        ("an offered applicant without exactly one live offer",
         """
         SELECT count(*) FROM applicants a WHERE a.status = 'offered'
           AND (SELECT count(*) FROM offers o WHERE o.city = a.city AND o.applicant_id = a.applicant_id AND o.status = 'offered') <> 1
         """),
        ("an active tenancy whose slot is not occupied or whose applicant is not housed",
         """
         SELECT count(*) FROM tenancies t JOIN slots s USING (city, slot_id) JOIN applicants a USING (city, applicant_id)
         WHERE t.status = 'active' AND (s.status <> 'occupied' OR a.status <> 'housed')
         """),
        ("a housed applicant without exactly one active tenancy",
         """
         SELECT count(*) FROM applicants a WHERE a.status = 'housed'
           AND (SELECT count(*) FROM tenancies t WHERE t.city = a.city AND t.applicant_id = a.applicant_id AND t.status = 'active') <> 1
         """),
        ("a tenancy not made by exactly one accepted offer",
         """
         SELECT (SELECT count(*) FROM offers WHERE status = 'accepted')
              - (SELECT count(*) FROM tenancies t JOIN offers o USING (offer_id) WHERE o.status = 'accepted')
              + (SELECT count(*) FROM tenancies t JOIN offers o USING (offer_id) WHERE o.status <> 'accepted')
         """),
        ("an ended tenancy whose applicant is not withdrawn",
         "SELECT count(*) FROM tenancies t JOIN applicants a USING (city, applicant_id) WHERE t.status = 'ended' AND a.status <> 'withdrawn'"),
        ("refusals not equal to the applicant's declined and expired offers",
         """
         SELECT count(*) FROM applicants a WHERE a.refusals <> (SELECT count(*) FROM offers o
           WHERE o.city = a.city AND o.applicant_id = a.applicant_id AND o.status IN ('declined', 'expired'))
         """),
        ("an answered offer without exactly one audit row of its answer",
         """
         SELECT count(*) FROM offers o WHERE o.status <> 'offered' AND o.answered_by <> 'fixture' AND (
           SELECT count(*) FROM audit_log l WHERE l.city = o.city AND l.entity = 'offer' AND l.entity_id = o.offer_id::text
             AND l.action = 'offer.' || CASE o.status WHEN 'accepted' THEN 'accept' WHEN 'declined' THEN 'decline'
                                        WHEN 'expired' THEN 'expire' ELSE 'withdraw' END) <> 1
         """),
        ("an offer with more than one answer in the audit log, or a live offer with one",
         """
         SELECT count(*) FROM offers o WHERE (SELECT count(*) FROM audit_log l WHERE l.entity = 'offer'
           AND l.entity_id = o.offer_id::text AND l.action IN ('offer.accept', 'offer.decline', 'offer.expire', 'offer.withdraw'))
           > CASE WHEN o.status = 'offered' THEN 0 ELSE 1 END
         """),
        ("a closed round with a live offer",
         "SELECT count(*) FROM rounds r WHERE r.status = 'closed' AND EXISTS (SELECT 1 FROM offers o WHERE o.city = r.city AND o.round_id = r.round_id AND o.status = 'offered')"),
        // Every version bump of a slot left one audit row carrying the new version: the
        // versions seen are exactly 2…version, each once (no lost update, no missing row).
        ("a slot whose version does not match its audited changes",
         """
         WITH bumps AS (
             SELECT city, COALESCE(details ->> 'slot_id', entity_id) AS slot_id, (details ->> 'slot_version')::bigint AS version
             FROM audit_log WHERE jsonb_typeof(details -> 'slot_version') = 'number' AND (entity = 'slot' OR details ? 'slot_id')),
         per_slot AS (
             SELECT city, slot_id, count(*) AS n, count(DISTINCT version) AS d, min(version) AS lo, max(version) AS hi
             FROM bumps GROUP BY city, slot_id)
         SELECT count(*) FROM slots s LEFT JOIN per_slot p USING (city, slot_id)
         WHERE s.version - 1 <> COALESCE(p.n, 0) OR COALESCE(p.d, 0) <> COALESCE(p.n, 0)
            OR (p.n > 0 AND (p.lo <> 2 OR p.hi <> s.version))
         """),
    ]

    /// Checks every invariant, and that suspension matches `maxRefusals` (the only round
    /// policy in these tests).
    static func check(_ db: StoreFixtures, maxRefusals: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (what, sql) in violations {
            #expect(try db.int(sql) == 0, "found \(what)", sourceLocation: sourceLocation)
        }
        #expect(
            try db.int("SELECT count(*) FROM applicants WHERE status = 'suspended' AND refusals < $1", [String(maxRefusals)]) == 0,
            "a suspended applicant below max_refusals", sourceLocation: sourceLocation)
        #expect(
            try db.int("SELECT count(*) FROM applicants WHERE status IN ('waiting', 'offered') AND refusals >= $1", [String(maxRefusals)]) == 0,
            "an applicant at max_refusals still in the pool", sourceLocation: sourceLocation)
    }
}
