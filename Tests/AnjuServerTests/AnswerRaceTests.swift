import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import PostgresTestSupport
import Store
import TestSupport
import Testing

/// Three parties racing for one offer, over HTTP where they would use it: the applicant's
/// `POST /v1/offers/{id}/accept`, the expiry job (`Store.expireDue` on a connection of its
/// own, as `anju offers expire` runs it), and the operator's
/// `PUT /v1/operator/slots/{slot}/status` to maintenance with `withdraw_offer` and the version
/// read before the race. Exactly one may win; the others must get a clean refusal (409),
/// never a 5xx, and the database must tell the same story as the answers.
@Suite("HTTP API: accept racing expiry racing an operator", .timeLimit(.minutes(2)))
struct AnswerRaceTests {
    /// Who won one race, read from the offer's final status.
    enum Winner: String, CaseIterable {
        case applicant, expiry, `operator`, nobody
    }

    /// Where the offer's deadline is put just before the race.
    enum Deadline: CaseIterable {
        /// A week away (as the round set it): accept against the operator; expiry finds nothing due.
        case future
        /// A second ago: expiry against the operator; the accept must be refused as too late.
        case past
        /// A few milliseconds from now: all three can win, depending on who gets there when.
        case edge
    }

    @Test("of accept, expiry and an operator's withdrawal racing for one offer exactly one wins, and state and answers agree")
    func acceptExpiryOperatorRace() async throws {
        let f = try RaceFixture.make("api_answer_race", people: 42)
        // The expiry job's own connection and store, like a timer running `anju offers expire`.
        let expiryStore = try Store(
            connection: try TestDatabase.connect(sameAs: f.connection), city: f.city, actor: "job:expire")
        try await f.test { client in
            var tally: [Winner: Int] = [:]
            var byDeadline: [String: [Winner: Int]] = [:]
            var answers: [String: Int] = [:]
            for (index, offer) in f.offers.enumerated() {
                let mode = Deadline.allCases[index % Deadline.allCases.count]
                let label = "offer \(offer.id) (slot \(offer.slotID), applicant \(offer.applicantID), deadline \(mode))"
                let version = try #require(
                    try f.connection.query(
                        "SELECT version FROM slots WHERE city = $1 AND slot_id = $2", [f.city, offer.slotID]
                    ).first?[0].flatMap { Int64($0) })
                // The three start together, each after a small random delay of its own, so
                // every order gets its chance.
                let start = ContinuousClock.now + .milliseconds(20)
                switch mode {
                case .future:
                    break
                case .past:
                    try f.connection.query(
                        "UPDATE offers SET deadline = now() - interval '1 second' WHERE offer_id = $1", [String(offer.id)])
                case .edge:
                    // Up to 15 ms after the start: about when the accept's transaction begins.
                    let untilStart = start - ContinuousClock.now
                    let milliseconds = Double(untilStart.components.attoseconds) / 1e15 + Double(untilStart.components.seconds) * 1e3
                    try f.connection.query(
                        "UPDATE offers SET deadline = clock_timestamp() + make_interval(secs => $2::float8 / 1000) WHERE offer_id = $1",
                        [String(offer.id), String(milliseconds + Double.random(in: 0...15))])
                }
                func delay() -> Duration { .microseconds(Int.random(in: 0...3_000)) }
                let (acceptDelay, operatorDelay, expiryDelay) = (delay(), delay(), delay())
                async let acceptResponse = { () async throws -> TestResponse in
                    try await Task.sleep(until: start + acceptDelay, clock: .continuous)
                    return try await client.execute(
                        uri: "/v1/offers/\(offer.id)/accept", method: .post,
                        headers: applicant(offer.applicantID, token: f.tokens[offer.applicantID]!))
                }()
                async let operatorResponse = { () async throws -> TestResponse in
                    try await Task.sleep(until: start + operatorDelay, clock: .continuous)
                    return try await client.execute(
                        uri: "/v1/operator/slots/\(offer.slotID)/status", method: .put, headers: bearer(f.operatorKey),
                        body: json(#"{"status": "maintenance", "expected_version": \#(version), "withdraw_offer": true}"#))
                }()
                async let expired = onOwnThread(until: start + expiryDelay) { try expiryStore.expireDue() }
                let (accept, change, expiredCount) = try await (acceptResponse, operatorResponse, expired)

                for (party, response) in [("accept", accept), ("operator", change)] {
                    answers["\(party) \(response.status.code)", default: 0] += 1
                    #expect(response.status.code < 500, "\(label): \(party) answered \(response.status.code): \(response.text)")
                }
                answers["expiry expired \(expiredCount)", default: 0] += 1

                let winner = try checkOutcome(
                    f, offer: offer, label: label, accept: accept, change: change, expired: expiredCount)
                tally[winner, default: 0] += 1
                byDeadline["\(mode)", default: [:]][winner, default: 0] += 1
                switch mode {
                case .future: #expect(winner != .expiry, "\(label): expired a week before its deadline")
                case .past: #expect(winner != .applicant, "\(label): accepted after its deadline")
                case .edge: break
                }

                // The applicant's own view over HTTP agrees: housed exactly when they won.
                let status = try await client.execute(
                    uri: "/v1/applicants/\(offer.applicantID)", method: .get,
                    headers: applicant(offer.applicantID, token: f.tokens[offer.applicantID]!))
                #expect(status.status == .ok, "\(label): status lookup \(status.status.code): \(status.text)")
                let state = status.object["state"] as? String
                #expect(state == (winner == .applicant ? "housed" : "waiting"), "\(label): winner \(winner), state \(state ?? "-")")
                #expect(status.object["offer"] == nil || status.object["offer"] is NSNull, "\(label): still shows an offer")
                #expect((status.object["tenancy"] is [String: Any]) == (winner == .applicant), "\(label): tenancy shown \(status.text)")

                let broken = try invariantViolations(f)
                #expect(broken.isEmpty, "\(label): \(broken.joined(separator: "; "))")
            }

            let report = Self.describe(tally: tally, byDeadline: byDeadline, answers: answers)
            #expect(tally[.nobody, default: 0] == 0, "races nobody won: \(report)")
            #expect(tally.keys.filter { $0 != .nobody }.count >= 2, "only one party ever won, so nothing raced: \(report)")
            #expect(tally.values.reduce(0, +) == f.offers.count, "\(report)")
            // Every offer answered: the round closed with the last one.
            #expect(try f.connection.query("SELECT status FROM rounds WHERE city = $1 AND round_id = 'R1'", [f.city]).first?[0] == "closed")
            print("AnswerRaceTests: \(f.offers.count) races: \(report)")
        }
    }

    /// "applicant 14, expiry 9, …  | by deadline: edge {…} … | answers: accept 200: 14, …".
    private static func describe(tally: [Winner: Int], byDeadline: [String: [Winner: Int]], answers: [String: Int]) -> String {
        func counts(_ winners: [Winner: Int]) -> String {
            Winner.allCases.compactMap { winner in winners[winner].map { "\(winner.rawValue) \($0)" } }.joined(separator: ", ")
        }
        let modes = byDeadline.sorted { $0.key < $1.key }.map { "\($0.key) {\(counts($0.value))}" }.joined(separator: " ")
        let codes = answers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "\(counts(tally)) | by deadline: \(modes) | answers: \(codes)"
    }

    /// Reads the offer's, slot's and applicant's final state, decides who won, and checks
    /// that each party's answer and every row agree with that.
    private func checkOutcome(
        _ f: RaceFixture, offer: Offer, label: String, accept: TestResponse, change: TestResponse, expired: Int
    ) throws -> Winner {
        let row = try #require(
            try f.connection.query(
                """
                SELECT o.status AS offer_status, o.answered_by, s.status AS slot_status, s.version,
                       a.status AS applicant_status, a.refusals,
                       (SELECT tenancy_id FROM tenancies t
                         WHERE t.city = o.city AND t.slot_id = o.slot_id AND t.status = 'active') AS tenancy_id,
                       (SELECT applicant_id FROM tenancies t
                         WHERE t.city = o.city AND t.slot_id = o.slot_id AND t.status = 'active') AS tenant
                FROM offers o
                JOIN slots s ON s.city = o.city AND s.slot_id = o.slot_id
                JOIN applicants a ON a.city = o.city AND a.applicant_id = o.applicant_id
                WHERE o.offer_id = $1
                """,
                [String(offer.id)]
            ).first)
        let offerStatus = try row.decode(String.self, "offer_status")
        let slotStatus = try row.decode(String.self, "slot_status")
        let applicantStatus = try row.decode(String.self, "applicant_status")
        let refusals = try row.decode(Int.self, "refusals")
        let tenancy = try row.decode(Int?.self, "tenancy_id")
        let tenant = try row.decode(String?.self, "tenant")
        let state = "offer \(offerStatus), slot \(slotStatus), applicant \(applicantStatus) (\(refusals) refusals), "
            + "tenancy \(tenancy.map(String.init) ?? "none"); accept \(accept.status.code), operator \(change.status.code), expired \(expired)"

        let winner: Winner
        switch offerStatus {
        case "accepted": winner = .applicant
        case "expired": winner = .expiry
        case "withdrawn": winner = .operator
        default: winner = .nobody
        }
        // Each party's answer: 200 for the winner, a 409 problem for the others.
        if winner == .applicant {
            #expect(accept.status == .ok, "\(label): \(state)")
            #expect(accept.object["status"] as? String == "accepted", "\(label): \(accept.text)")
            #expect(accept.object["already_answered"] as? Bool == false, "\(label): \(accept.text)")
            #expect(accept.object["tenancy_id"] as? Int == tenancy, "\(label): \(accept.text) vs \(state)")
        } else {
            // Expired or withdrawn first (answered otherwise), or reached first but past its
            // deadline (the expiry then wins).
            let code = accept.object["code"] as? String ?? ""
            #expect(["offer_answered", "offer_deadline_passed"].contains(code), "\(label): \(accept.text)")
            accept.expectProblem(.conflict, code: code)
        }
        if winner == .operator {
            #expect(change.status == .ok, "\(label): \(state)")
            #expect(change.object["withdrawn_offer_id"] as? Int == Int(offer.id), "\(label): \(change.text)")
            #expect(change.object["from"] as? String == "offered" && change.object["to"] as? String == "maintenance", "\(label): \(change.text)")
            #expect(change.object["version"] as? Int == (try row.decode(Int.self, "version")), "\(label): \(change.text)")
        } else {
            // Accepted or expired first: the slot's version moved on.
            change.expectProblem(.conflict, code: "stale_version")
        }
        #expect(expired == (winner == .expiry ? 1 : 0), "\(label): expireDue returned \(expired); \(state)")

        // The slot, its claim and the applicant agree with the winner.
        switch winner {
        case .applicant:
            #expect(slotStatus == "occupied" && tenant == offer.applicantID, "\(label): \(state)")
            #expect(applicantStatus == "housed" && refusals == 0, "\(label): \(state)")
            #expect(try row.decode(String?.self, "answered_by") == "applicant:\(offer.applicantID)", "\(label)")
        case .operator:
            #expect(slotStatus == "maintenance" && tenancy == nil, "\(label): \(state)")
            #expect(applicantStatus == "waiting" && refusals == 0, "\(label): a withdrawal is no refusal: \(state)")
        case .expiry:
            #expect(slotStatus == "available" && tenancy == nil, "\(label): \(state)")
            #expect(applicantStatus == "waiting" && refusals == 1, "\(label): an expiry is one refusal: \(state)")
            #expect(try row.decode(String?.self, "answered_by") == "job:expire", "\(label)")
        case .nobody:
            Issue.record("\(label): nobody won: \(state)")
        }
        // One audit row for the one change that happened to the offer.
        let audits = try f.connection.query(
            "SELECT action FROM audit_log WHERE entity = 'offer' AND entity_id = $1 ORDER BY audit_id", [String(offer.id)]
        ).map { $0[0] ?? "" }
        let expectedAudit = ["accepted": "offer.accept", "expired": "offer.expire", "withdrawn": "offer.withdraw"][offerStatus]
        #expect(audits == expectedAudit.map { [$0] } ?? [], "\(label): audit rows \(audits)")
        return winner
    }

    /// The city-wide invariants, whatever raced: each a list of the rows that break it.
    private func invariantViolations(_ f: RaceFixture) throws -> [String] {
        let checks: [(String, String)] = [
            ("slot with more than one live claim (live offers + active tenancies)", """
                SELECT s.slot_id FROM slots s WHERE s.city = $1 AND
                  (SELECT count(*) FROM offers o WHERE o.city = s.city AND o.slot_id = s.slot_id AND o.status = 'offered')
                + (SELECT count(*) FROM tenancies t WHERE t.city = s.city AND t.slot_id = s.slot_id AND t.status = 'active') > 1
                """),
            ("slot offered without a live offer, or a live offer on a slot not offered", """
                SELECT s.slot_id FROM slots s WHERE s.city = $1 AND (s.status = 'offered') <>
                  EXISTS (SELECT 1 FROM offers o WHERE o.city = s.city AND o.slot_id = s.slot_id AND o.status = 'offered')
                """),
            ("slot occupied without an active tenancy, or a tenancy on a slot not occupied", """
                SELECT s.slot_id FROM slots s WHERE s.city = $1 AND (s.status = 'occupied') <>
                  EXISTS (SELECT 1 FROM tenancies t WHERE t.city = s.city AND t.slot_id = s.slot_id AND t.status = 'active')
                """),
            ("applicant with more than one live claim", """
                SELECT a.applicant_id FROM applicants a WHERE a.city = $1 AND
                  (SELECT count(*) FROM offers o WHERE o.city = a.city AND o.applicant_id = a.applicant_id AND o.status = 'offered')
                + (SELECT count(*) FROM tenancies t WHERE t.city = a.city AND t.applicant_id = a.applicant_id AND t.status = 'active') > 1
                """),
            ("applicant offered iff a live offer", """
                SELECT a.applicant_id FROM applicants a WHERE a.city = $1 AND (a.status = 'offered') <>
                  EXISTS (SELECT 1 FROM offers o WHERE o.city = a.city AND o.applicant_id = a.applicant_id AND o.status = 'offered')
                """),
            ("applicant housed iff an active tenancy", """
                SELECT a.applicant_id FROM applicants a WHERE a.city = $1 AND (a.status = 'housed') <>
                  EXISTS (SELECT 1 FROM tenancies t WHERE t.city = a.city AND t.applicant_id = a.applicant_id AND t.status = 'active')
                """),
            ("accepted offer without its tenancy, or a tenancy of an offer not accepted", """
                SELECT o.offer_id::text FROM offers o WHERE o.city = $1 AND (o.status = 'accepted') <>
                  EXISTS (SELECT 1 FROM tenancies t WHERE t.city = o.city AND t.offer_id = o.offer_id)
                """),
            ("round closed while an offer is live, or run with none", """
                SELECT r.round_id FROM rounds r WHERE r.city = $1 AND r.status IN ('run', 'published', 'closed') AND
                  (r.status = 'closed') = EXISTS (SELECT 1 FROM offers o WHERE o.city = r.city AND o.round_id = r.round_id AND o.status = 'offered')
                """),
        ]
        var broken: [String] = []
        for (rule, sql) in checks {
            let ids = try f.connection.query(sql, [f.city]).map { $0[0] ?? "?" }
            if !ids.isEmpty { broken.append("\(rule): \(ids.joined(separator: ", "))") }
        }
        return broken
    }
}

/// A city of `people` apartments in one project and `people` applicants who are all
/// eligible for all of them, after a round that offered each applicant one: so every race
/// has an offer, a slot and an applicant of its own. Tokens for every applicant, and an
/// operator key for the project.
struct RaceFixture: Sendable {
    let connection: PostgresConnection
    let city = "c1"
    let configuration: ServerConfiguration
    let tokens: [String: String]
    let operatorKey: String
    /// The round's offers, in offer id order.
    let offers: [Offer]

    static func make(_ label: String, people: Int) throws -> RaceFixture {
        let (connection, url) = try TestDatabase.migratedWithURL(label)
        let store = try Store(connection: connection, city: "c1", actor: "test:bureau")
        let ids = (1...people).map { String(format: "%02d", $0) }
        let projects = """
            project_id,name,district,lat,lon,programme
            P1,Race Court,Huangpu,31.2304,121.4737,general

            """
        let slots = "slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id\n"
            + ids.map { "S\($0),P1,apartment,,3,2000,any,false,available,\n" }.joined()
        let applicants = """
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at

            """ + ids.map { "A\($0),general,1,female,1995-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,\n" }.joined()
        _ = try store.importFile(.projects, bytes: Array(projects.utf8))
        _ = try store.importFile(.slots, bytes: Array(slots.utf8))
        _ = try store.importFile(.applicants, bytes: Array(applicants.utf8))
        // Three refusals allowed: an expiry leaves the applicant waiting (one refusal).
        _ = try store.createRound(
            id: "R1", policy: Array(#"{"round_date": "2026-12-01", "seed": "race", "offers": {"max_refusals": 3}}"#.utf8))
        _ = try store.runRound("R1")
        let offers = try store.offers(round: "R1", status: .offered).sorted { $0.id < $1.id }
        guard offers.count == people else {
            throw RaceFixtureError("the round made \(offers.count) offers, not \(people)")
        }
        var tokens: [String: String] = [:]
        for token in try store.issueTokens(applicants: ids.map { "A\($0)" }) { tokens[token.applicantID] = token.token }
        let operatorKey = try store.createKey(name: "race operator", role: .operator, projects: ["P1"]).text

        return RaceFixture(
            connection: connection,
            configuration: ServerConfiguration(databaseURL: url, city: "c1", poolSize: 4, acquireTimeout: .seconds(5)),
            tokens: tokens, operatorKey: operatorKey, offers: offers)
    }

    /// Runs `body` against the application (router test client).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await testApplication(configuration, body)
    }
}

/// The race fixture could not be built as planned.
struct RaceFixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
