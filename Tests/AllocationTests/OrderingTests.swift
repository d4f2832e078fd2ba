import Testing

@testable import Allocation

/// Preference tie-breaks, priority keys and byte-wise ordering on hand-made rounds whose
/// answers are worked out in the comments.
@Suite struct OrderingTests {
    typealias F = RuleFixtures

    static func slot(_ id: String, project: String, rent: Int = 1500) -> Slot {
        Slot(id: id, projectID: project, kind: .apartment, maxHousehold: 4, rent: rent)
    }

    static func project(_ id: String, district: String = "Putuo", lat: Double = F.here.lat) -> Project {
        Project(id: id, name: id, district: district, lat: lat, lon: F.here.lon, programme: "general")
    }

    static func offeredSlot(_ input: RoundInput, _ mechanism: Mechanism, seed: String = "seed") -> [String: String] {
        var offers: [String: String] = [:]
        for row in Allocator.run(input, mechanism: mechanism, seed: seed).rows {
            offers[row.applicantID] = row.slotID ?? "-"
        }
        return offers
    }

    @Test("rows are ordered by applicant id byte-wise", arguments: Mechanism.allCases)
    func rowOrder(mechanism: Mechanism) {
        let ids = ["a9", "a10", "B", "a", "_x", "-y", ".z", "0", "Z", "a.1", "a_1", "a-1"]
        let applicants = ids.map { F.applicant(id: $0) }
        let input = RoundInput(
            projects: [Self.project("p")], slots: [Self.slot("s", project: "p")], applicants: applicants,
            policy: F.policy())
        let rows = Allocator.run(input, mechanism: mechanism, seed: "seed").rows
        // ASCII: '-' 2D < '.' 2E < '0' 30 < 'B' 42 < 'Z' 5A < '_' 5F < 'a' 61.
        #expect(rows.map(\.applicantID) == ["-y", ".z", "0", "B", "Z", "_x", "a", "a-1", "a.1", "a10", "a9", "a_1"])
    }

    @Test("preference: commute, then rent, then project_id, then slot_id, ids byte-wise")
    func preferenceTieBreaks() {
        let near = F.here.lat
        let far = F.here.lat + 0.02
        let a = F.applicant(workLat: F.here.lat, workLon: F.here.lon)
        func best(_ projects: [Project], _ slots: [Slot]) -> String? {
            let input = RoundInput(projects: projects, slots: slots, applicants: [a], policy: F.policy())
            return Self.offeredSlot(input, .serial)["a1"]
        }
        // Nearer beats cheaper.
        #expect(
            best(
                [Self.project("p1", lat: far), Self.project("p2", lat: near)],
                [Self.slot("s1", project: "p1", rent: 100), Self.slot("s2", project: "p2")]) == "s2")
        // Same commute: cheaper beats the smaller project id.
        #expect(
            best(
                [Self.project("p1"), Self.project("p2")],
                [Self.slot("s1", project: "p1", rent: 1600), Self.slot("s2", project: "p2")]) == "s2")
        // Same commute and rent: project id byte-wise ("P2" < "p1").
        #expect(
            best(
                [Self.project("p1"), Self.project("P2")],
                [Self.slot("s1", project: "p1"), Self.slot("s2", project: "P2")]) == "s2")
        // Same project and rent: slot id byte-wise ("s10" < "s9").
        #expect(best([Self.project("p1")], [Self.slot("s9", project: "p1"), Self.slot("s10", project: "p1")]) == "s10")
    }

    @Test("global key: priority points first, then the lottery, for serial and DA")
    func globalKey() {
        // Lottery with seed "seed": A1 → 3785811200986099088 draws before a10 → 15404051407948124539.
        let p = Self.project("p")
        let one = [Self.slot("s", project: "p")]
        for mechanism in [Mechanism.serial, .deferredAcceptance] {
            let byLottery = RoundInput(
                projects: [p], slots: one, applicants: [F.applicant(id: "a10"), F.applicant(id: "A1")],
                policy: F.policy())
            #expect(Self.offeredSlot(byLottery, mechanism) == ["A1": "s", "a10": "-"], "\(mechanism)")
            let byPoints = RoundInput(
                projects: [p], slots: one,
                applicants: [F.applicant(id: "a10", priorityPoints: 1), F.applicant(id: "A1")], policy: F.policy())
            #expect(Self.offeredSlot(byPoints, mechanism) == ["A1": "-", "a10": "s"], "\(mechanism)")
        }
    }

    @Test("local priority: local workers first at DA, not at serial; off when the policy says so")
    func localPriority() {
        // a10 works in the project's district but draws after A1.
        let p = Self.project("p", district: "浦东新区")
        let applicants = [F.applicant(id: "a10", workDistrict: "浦东新区"), F.applicant(id: "A1", workDistrict: "Putuo")]
        let on = RoundInput(
            projects: [p], slots: [Self.slot("s", project: "p")], applicants: applicants,
            policy: F.policy(localPriority: true))
        #expect(Self.offeredSlot(on, .deferredAcceptance) == ["A1": "-", "a10": "s"])
        #expect(Self.offeredSlot(on, .serial) == ["A1": "s", "a10": "-"])
        let off = RoundInput(
            projects: [p], slots: [Self.slot("s", project: "p")], applicants: applicants,
            policy: F.policy(localPriority: false))
        #expect(Self.offeredSlot(off, .deferredAcceptance) == ["A1": "s", "a10": "-"])
    }

    @Test("districts are compared byte-wise: NFC and NFD spellings are different districts")
    func districtsByteWise() {
        let nfc = "Xuh\u{00F9}i"
        let nfd = "Xuhu\u{0300}i"
        #expect(nfc == nfd)  // Swift's String equality is canonical equivalence…
        #expect(!ReferenceRules.bytesEqual(nfc, nfd))  // …the contract's is not.
        let p = Self.project("p", district: nfc)
        let applicants = [F.applicant(id: "a10", workDistrict: nfd), F.applicant(id: "A1", workDistrict: "Putuo")]
        let input = RoundInput(
            projects: [p], slots: [Self.slot("s", project: "p")], applicants: applicants, policy: F.policy())
        // a10 is not local (bytes differ), so the lottery decides: A1.
        #expect(Self.offeredSlot(input, .deferredAcceptance) == ["A1": "s", "a10": "-"])
    }

    @Test("DA differs from serial when a local worker displaces an earlier draw")
    func displacement() {
        // A1 draws first and prefers p (nearer); a10 is local at p and only eligible there.
        // DA: a10 keeps p's slot, A1 falls back to q. Serial: A1 takes p, a10 gets nothing.
        let p = Self.project("p", district: "Putuo")
        let q = Self.project("q", district: "Xuhui", lat: F.here.lat + 0.05)
        let a1 = F.applicant(id: "A1", workLat: F.here.lat, workLon: F.here.lon, workDistrict: "Xuhui")
        let a10 = F.applicant(
            id: "a10", workLat: F.here.lat - 0.02, workLon: F.here.lon, workDistrict: "Putuo", maxCommuteMin: 20)
        let input = RoundInput(
            projects: [p, q], slots: [Self.slot("s1", project: "p"), Self.slot("s2", project: "q")],
            applicants: [a1, a10], policy: F.policy())
        let ref = ReferenceAllocator(input, seed: "seed")
        #expect(ref.preferences[1].map { input.slots[$0].id } == ["s1"], "a10 must be eligible only for s1")
        #expect(Self.offeredSlot(input, .deferredAcceptance) == ["A1": "s2", "a10": "s1"])
        #expect(Self.offeredSlot(input, .serial) == ["A1": "s1", "a10": "-"])
        #expect(Self.offeredSlot(input, .optimal) == ["A1": "s2", "a10": "s1"])
    }
}
