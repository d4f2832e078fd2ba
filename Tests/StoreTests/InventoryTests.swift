import Allocation
import PostgresTestSupport
import Store
import Testing

@Suite("Inventory: one slot's status")
struct InventoryTests {
    @Test("a free slot changes status, bumps its version, with one audit row")
    func simpleChange() throws {
        let db = try StoreFixtures.migrated("slotsimple")
        try db.slot("S1")
        let change = try db.store(actor: "operator:li").setSlotStatus("S1", to: .maintenance)
        #expect(change == SlotChange(slotID: "S1", from: .available, to: .maintenance, version: 2, changed: true))
        #expect(change.summary == "slot S1: available -> maintenance (version 2)")
        #expect(try db.slotState("S1") == ("maintenance", 2))
        #expect(try db.auditCount(action: "slot.set_status", entityID: "S1") == 1)
        #expect(try db.value("SELECT actor FROM audit_log") == "operator:li")
        let details = try #require(try db.lastAuditDetails(action: "slot.set_status"))
        #expect(details == #"{"to": "maintenance", "from": "available", "slot_version": 2, "expected_version": null}"#)
        #expect(try db.value("SELECT updated_at > now() - interval '1 minute' FROM slots") == "t")
    }

    @Test("the same status again changes nothing and does not bump the version")
    func sameStatus() throws {
        let db = try StoreFixtures.migrated("slotsame")
        try db.slot("S1", status: "maintenance", version: 7)
        let change = try db.store().setSlotStatus("S1", to: .maintenance)
        #expect(!change.changed)
        #expect(change.version == 7)
        #expect(change.summary == "slot S1: already maintenance (version 7)")
        #expect(try db.slotState("S1") == ("maintenance", 7))
        #expect(try db.auditCount() == 0)
    }

    @Test("an expected version that matches is accepted; a stale one is a conflict naming both")
    func optimisticVersion() throws {
        let db = try StoreFixtures.migrated("slotversion")
        try db.slot("S1", version: 3)
        let store = try db.store()
        #expect(throws: StoreError(.staleVersion, subject: .slot("S1"), "slot S1 is at version 3, not 2; read it again and retry")) {
            try store.setSlotStatus("S1", to: .maintenance, expectedVersion: 2)
        }
        #expect(try db.slotState("S1") == ("available", 3))
        #expect(try store.setSlotStatus("S1", to: .maintenance, expectedVersion: 3).version == 4)
        // A stale version is refused even when the status would not change.
        #expect(throws: StoreError(.staleVersion, subject: .slot("S1"), "slot S1 is at version 4, not 3; read it again and retry")) {
            try store.setSlotStatus("S1", to: .maintenance, expectedVersion: 3)
        }
        #expect(try db.auditCount() == 1)
    }

    @Test("offered cannot be set by hand")
    func offeredByHand() throws {
        let db = try StoreFixtures.migrated("slotoffered")
        try db.slot("S1")
        #expect(throws: StoreError(.invalidStatus, problems: [StoreProblem("offered cannot be set by hand; only a round makes offers", at: .field("status"))])) {
            try db.store().setSlotStatus("S1", to: .offered)
        }
        #expect(try db.slotState("S1") == ("available", 1))
    }

    @Test("an unknown slot, or another city's, is not found")
    func unknownSlot() throws {
        let db = try StoreFixtures.migrated("slotunknown")
        try db.slot("S1")
        #expect(throws: StoreError(.slotNotFound, subject: .slot("S9"), "no slot S9 in city c1")) { try db.store().setSlotStatus("S9", to: .maintenance) }
        #expect(throws: StoreError(.slotNotFound, subject: .slot("S1"), "no slot S1 in city c2")) {
            try db.inCity("c2").store().setSlotStatus("S1", to: .maintenance)
        }
    }

    @Test("a slot with a live offer is refused unless the offer is withdrawn with it")
    func liveOfferRefused() throws {
        let db = try StoreFixtures.migrated("slotliveoffer")
        try db.round("R1")
        try db.slot("S1")
        try db.applicant("A1")
        let id = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        let error = #expect(throws: StoreError.self) { try db.store().setSlotStatus("S1", to: .maintenance) }
        guard let error, error.code == .slotHasOffer, error.subject == .slot("S1") else {
            Issue.record("expected slot_has_offer, got \(String(describing: error))")
            return
        }
        let message = error.description
        #expect(message.hasPrefix("slot S1 has live offer \(id) (round R1, deadline 20"))
        #expect(message.hasSuffix("withdraw the offer with it (--withdraw-offer) or wait for the answer"))
        #expect(try db.slotState("S1") == ("offered", 1))
        #expect(try db.offerStatus(id) == "offered")
        #expect(try db.auditCount() == 0)
    }

    @Test("withdrawing the offer: not a refusal, the applicant waits again, the round closes if settled", arguments: [
        Slot.Status.maintenance, .available, .occupied,
    ])
    func withdrawOffer(target: Slot.Status) throws {
        let db = try StoreFixtures.migrated("slotwithdraw")
        try db.round("R1")
        try db.slot("S1")
        try db.applicant("A1", refusals: 1)
        let id = try db.offer(round: "R1", slot: "S1", applicant: "A1")
        let change = try db.store(actor: "operator:li").setSlotStatus("S1", to: target, withdrawOffer: true)

        #expect(change.withdrawnOfferID == id)
        #expect(change.closedRoundID == "R1")
        #expect(change.version == 2)
        #expect(change.summary == "slot S1: offered -> \(target.rawValue) (version 2); offer \(id) withdrawn; round R1 closed")
        let offer = try db.store().offer(id)
        #expect(offer.status == .withdrawn)
        #expect(offer.answeredBy == "operator:li")
        #expect(offer.answerReason == "slot withdrawn by operator")
        #expect(try db.applicantState("A1") == ("waiting", 1))
        #expect(try db.slotState("S1") == (target.rawValue, 2))
        #expect(try db.auditCount(action: "offer.withdraw", entityID: String(id)) == 1)
        #expect(try db.auditCount(action: "slot.set_status", entityID: "S1") == 1)
        #expect(try db.roundStatus("R1") == "closed")
        #expect(try db.int("SELECT count(*) FROM tenancies") == 0)
    }

    @Test("withdrawOffer on a slot without a live offer is a plain change")
    func withdrawWithoutOffer() throws {
        let db = try StoreFixtures.migrated("slotwithdrawnone")
        try db.slot("S1")
        let change = try db.store().setSlotStatus("S1", to: .maintenance, withdrawOffer: true)
        #expect(change.withdrawnOfferID == nil && change.version == 2)
    }

    @Test("an occupied slot set free means the tenant left: tenancy ended, applicant withdrawn", arguments: [
        Slot.Status.available, .maintenance,
    ])
    func tenantLeaves(target: Slot.Status) throws {
        let db = try StoreFixtures.migrated("slottenantleaves")
        try db.round("R1", status: "closed")
        try db.slot("S1")
        try db.applicant("A1")
        let tenancy = try db.tenancy(slot: "S1", applicant: "A1", round: "R1")
        let change = try db.store().setSlotStatus("S1", to: target)
        #expect(change.endedTenancyID == tenancy)
        #expect(change.summary == "slot S1: occupied -> \(target.rawValue) (version 2); tenancy \(tenancy) ended")
        #expect(try db.value("SELECT status FROM tenancies WHERE tenancy_id = $1", [String(tenancy)]) == "ended")
        #expect(try db.value("SELECT ended_at IS NOT NULL FROM tenancies") == "t")
        #expect(try db.applicantState("A1") == ("withdrawn", 0))
        #expect(try db.slotState("S1") == (target.rawValue, 2))
        let details = try #require(try db.lastAuditDetails(action: "slot.set_status"))
        #expect(details.contains(#""ended_tenancy_id": \#(tenancy)"#) && details.contains(#""applicant_id": "A1""#))
    }

    @Test("occupied can be set on a free slot (let outside the scheme) and freed again, with no tenancy")
    func occupiedOutsideScheme() throws {
        let db = try StoreFixtures.migrated("slotoutside")
        try db.slot("S1", status: "maintenance")
        let store = try db.store()
        #expect(try store.setSlotStatus("S1", to: .occupied).version == 2)
        let freed = try store.setSlotStatus("S1", to: .available)
        #expect(freed.version == 3 && freed.endedTenancyID == nil)
        #expect(try db.int("SELECT count(*) FROM tenancies") == 0)
        #expect(try db.auditCount(action: "slot.set_status") == 2)
    }

    @Test("a tenant's slot set occupied again is a no-op; the tenancy stays")
    func tenantStays() throws {
        let db = try StoreFixtures.migrated("slottenantstays")
        try db.round("R1", status: "closed")
        try db.slot("S1")
        try db.applicant("A1")
        try db.tenancy(slot: "S1", applicant: "A1", round: "R1")
        #expect(try !db.store().setSlotStatus("S1", to: .occupied).changed)
        #expect(try db.applicantState("A1") == ("housed", 0))
    }
}
