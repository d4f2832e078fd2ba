import Allocation
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import TestSupport
import Testing

/// `Store.applicantStatus`, one prepared statement, against an independent reading of the
/// same tables (separate plain queries, written apart from the store's), over a city that
/// has been through several rounds with every kind of answer.
@Suite("Applicant status")
struct ApplicantStatusTests {
    static let projectsCSV = """
        project_id,name,district,lat,lon,programme
        P1,人民广场公寓,Huangpu,31.2304,121.4737,general
        P2,Putuo Court,Putuo,31.2494,121.3970,general

        """

    /// A city of `applicants` applicants and `slots` apartments over two projects.
    static func city(_ db: StoreFixtures, applicants: Int, slots: Int, random: inout SplitMix64) throws {
        let store = try db.store(actor: "test:bureau")
        var slotRows = ["slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id"]
        for i in 1...slots {
            slotRows.append("S\(i),P\(i % 2 + 1),apartment,,3,\(1000 + 100 * Int.random(in: 0...10, using: &random)),any,false,available,")
        }
        var applicantRows = [
            "applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at"
        ]
        for i in 1...applicants {
            // Some cannot afford anything: ineligible in every round.
            let maxRent = Int.random(in: 0..<6, using: &random) == 0 ? "100" : ""
            applicantRows.append(
                "A\(i),general,1,\(i % 2 == 0 ? "female" : "male"),1995-03-01,8000,31.23\(Int.random(in: 10...99, using: &random)),121.47,Huangpu,90,\(maxRent),false,\(Int.random(in: 0...3, using: &random)),,")
        }
        _ = try store.importFile(.projects, bytes: Array(projectsCSV.utf8))
        _ = try store.importFile(.slots, bytes: Array((slotRows.joined(separator: "\n") + "\n").utf8))
        _ = try store.importFile(.applicants, bytes: Array((applicantRows.joined(separator: "\n") + "\n").utf8))
    }

    @Test("the one-statement status equals an independent reading, for every applicant, after rounds of accepts, declines and expiries")
    func matchesIndependentReading() throws {
        let db = try StoreFixtures.migrated("statusreading")
        var random = SplitMix64(seed: 20261125)
        try Self.city(db, applicants: 40, slots: 12, random: &random)
        let store = try db.store(actor: "test:bureau")
        var answered: [String: Int] = [:]
        for round in 1...4 {
            let id = "R\(round)"
            _ = try store.createRound(
                id: id, policy: Array(#"{"round_date": "2026-12-0\#(round)", "seed": "status \#(round)", "offers": {"max_refusals": 3}}"#.utf8))
            _ = try store.runRound(id)
            // Answer every live offer, so the round closes and the next may run.
            for offer in try store.offers(round: id, status: .offered) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    _ = try store.accept(offer: offer.id)
                    answered["accepted", default: 0] += 1
                case 1:
                    _ = try store.decline(offer: offer.id, reason: "too far")
                    answered["declined", default: 0] += 1
                case 2:
                    try db.connection.query("UPDATE offers SET deadline = now() - interval '1 second' WHERE offer_id = $1", [String(offer.id)])
                    answered["expired", default: 0] += try store.expireDue()
                default:
                    answered["live", default: 0] += 1  // left live: only in the last round
                    if round < 4 { _ = try store.decline(offer: offer.id) }
                }
            }
        }
        #expect(answered.count == 4, "every kind of answer happened: \(answered)")

        var seen: Set<String> = []
        for i in 1...40 {
            let applicant = "A\(i)"
            let status = try store.applicantStatus(applicant)
            #expect(status == (try Self.independentStatus(applicant, db)), "applicant \(applicant)")
            seen.insert(ApplicantStandingName.of(status))
        }
        // The city really has every shape of status the statement assembles.
        #expect(seen.isSuperset(of: ["offer", "tenancy", "history-only"]), "\(seen)")
        #expect(try store.applicantStatus("A1").history.count == 4)
    }

    @Test("with a token hash, the status comes back only for the hash stored for that applicant")
    func tokenHashGatesTheStatus() throws {
        let db = try StoreFixtures.migrated("statustoken")
        var random = SplitMix64(seed: 7)
        try Self.city(db, applicants: 3, slots: 2, random: &random)
        let store = try db.store(actor: "test:bureau")
        let tokens = Dictionary(uniqueKeysWithValues: try store.issueTokens(applicants: ["A1", "A2"]).map { ($0.applicantID, $0.token) })
        let a1 = try #require(tokens["A1"])
        let a2 = try #require(tokens["A2"])

        #expect(try store.applicantStatus("A1", tokenHash: Credential.hash(a1)) == (try store.applicantStatus("A1")))
        #expect(try store.applicantStatus("A1", tokenHash: Credential.hash(a2)) == nil)  // another's token
        #expect(try store.applicantStatus("A1", tokenHash: Credential.hash(a1 + "x")) == nil)
        #expect(try store.applicantStatus("A1", tokenHash: a1) == nil)  // the token itself is not its hash
        #expect(try store.applicantStatus("A3", tokenHash: Credential.hash(a1)) == nil)  // no token issued
        #expect(try store.applicantStatus("A9", tokenHash: Credential.hash(a1)) == nil)  // unknown
        #expect(try store.applicantStatus("A9", tokenHash: nil) == nil)
        #expect(throws: StoreError(.applicantNotFound, subject: .applicant("A9"), "no applicant A9 in city c1")) { try store.applicantStatus("A9") }
        // Reissuing replaces the token: the old one stops working at once.
        let renewed = try #require(try store.issueTokens(applicants: ["A1"]).first?.token)
        #expect(try store.applicantStatus("A1", tokenHash: Credential.hash(a1)) == nil)
        #expect(try store.applicantStatus("A1", tokenHash: Credential.hash(renewed)) != nil)
        // Another city's applicant of the same id is not this city's.
        let other = try db.inCity("c2").store(actor: "test:bureau")
        #expect(try other.applicantStatus("A1", tokenHash: Credential.hash(renewed)) == nil)
    }

    /// The status read table by table with plain queries, assembled in Swift.
    static func independentStatus(_ id: String, _ db: StoreFixtures) throws -> ApplicantStatus {
        let c = db.connection
        let city = db.city
        let me = try #require(try c.query("SELECT category, status, refusals FROM applicants WHERE city = $1 AND applicant_id = $2", [city, id]).first)
        func utc(_ column: String) -> String { "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')" }
        func place(slot: String, round: String?) throws -> ApplicantStatus.Place {
            let s = try #require(try c.query("SELECT project_id, rent FROM slots WHERE city = $1 AND slot_id = $2", [city, slot]).first)
            let project = try s.decode(String.self, "project_id")
            let p = try #require(try c.query("SELECT name, district FROM projects WHERE city = $1 AND project_id = $2", [city, project]).first)
            let commute = try round.flatMap {
                try c.query("SELECT commute_min FROM round_results WHERE city = $1 AND round_id = $2 AND applicant_id = $3", [city, $0, id]).first
            }.flatMap { try $0.decode(Int?.self, "commute_min") }
            return .init(
                slotID: slot, projectID: project, projectName: try p.decode(String.self, "name"),
                district: try p.decode(String.self, "district"), rent: try s.decode(Int.self, "rent"), commuteMin: commute)
        }
        let zone = try #require(try c.query("SELECT time_zone FROM cities WHERE city = $1", [city]).first?[0])
        var status = ApplicantStatus(
            applicantID: id, timeZone: zone, category: try me.decode(String.self, "category"),
            standing: ApplicantStanding(rawValue: try me.decode(String.self, "status"))!, refusals: try me.decode(Int.self, "refusals"),
            liveOffer: nil, tenancy: nil, history: [])
        status.mayHaveObjections =
            try c.query("SELECT count(*) FROM objections WHERE city = $1 AND applicant_id = $2", [city, id]).first?.decode(Int.self, at: 0) != 0
        if let o = try c.query("SELECT offer_id, round_id, slot_id, \(utc("deadline")) AS d FROM offers WHERE city = $1 AND applicant_id = $2 AND status = 'offered'", [city, id]).first {
            let round = try o.decode(String.self, "round_id")
            status.liveOffer = .init(
                offerID: Int64(try o.decode(Int.self, "offer_id")), roundID: round,
                place: try place(slot: try o.decode(String.self, "slot_id"), round: round), deadline: try o.decode(String.self, "d"))
        }
        if let t = try c.query("SELECT tenancy_id, offer_id, slot_id, \(utc("started_at")) AS s FROM tenancies WHERE city = $1 AND applicant_id = $2 AND status = 'active'", [city, id]).first {
            let round = try c.query("SELECT round_id FROM offers WHERE offer_id = $1", [t["offer_id"]]).first?["round_id"]
            status.tenancy = .init(
                tenancyID: Int64(try t.decode(Int.self, "tenancy_id")),
                place: try place(slot: try t.decode(String.self, "slot_id"), round: round), startedAt: try t.decode(String.self, "s"))
        }
        var history: [(runAt: String, outcome: ApplicantStatus.RoundOutcome)] = []
        for r in try c.query("SELECT * FROM round_results WHERE city = $1 AND applicant_id = $2", [city, id]) {
            let round = try r.decode(String.self, "round_id")
            let runAt = try c.query("SELECT \(utc("run_at")) FROM rounds WHERE city = $1 AND round_id = $2", [city, round]).first?[0]
            let offer = try c.query("SELECT offer_id, status FROM offers WHERE city = $1 AND round_id = $2 AND applicant_id = $3", [city, round, id]).first
            let project = try r["project_id"].flatMap {
                try c.query("SELECT name, district FROM projects WHERE city = $1 AND project_id = $2", [city, $0]).first
            }
            let data = try c.query(
                "SELECT reason_data::text FROM round_results WHERE city = $1 AND round_id = $2 AND applicant_id = $3", [city, round, id]
            ).first?[0]
            history.append((runAt ?? "", .init(
                roundID: round, runAt: runAt, outcome: try r.decode(String.self, "outcome"), slotID: r["slot_id"], projectID: r["project_id"],
                projectName: project?["name"], district: project?["district"],
                commuteMin: try r.decode(Int?.self, "commute_min"), rent: try r.decode(Int?.self, "rent"), reason: try r.decode(String.self, "reason"),
                reasonData: try data.map { try JSONDecoder().decode(OutcomeReason.self, from: Data($0.utf8)) },
                offerID: try offer.map { Int64(try $0.decode(Int.self, "offer_id")) }, offerStatus: offer?["status"])))
        }
        // Newest run first; rounds of one second apart in this test, ties by round id.
        status.history = history.sorted { ($0.runAt, $0.outcome.roundID) > ($1.runAt, $1.outcome.roundID) }.map(\.outcome)
        return status
    }
}

/// Which parts of a status are filled in, for checking a test covered them all.
enum ApplicantStandingName {
    static func of(_ status: ApplicantStatus) -> String {
        if status.liveOffer != nil { return "offer" }
        if status.tenancy != nil { return "tenancy" }
        return status.history.isEmpty ? "nothing" : "history-only"
    }
}
