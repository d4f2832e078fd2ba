import Foundation
import Harness
import Postgres
import Store
import Synchronization

// MARK: The load

extension ApplyBenchmark {
    /// What one client thread did.
    struct ClientOutcome: Sendable {
        /// Identity number → applicant ids answered 201.
        var accepted: [String: [String]] = [:]
        var created = 0
        var invalid = 0
        var limited = 0
        var failures = 0
        var pairs = 0
        var latenciesMicroseconds: [Int] = []
        /// A 422 for an application meant to be valid, or a 201 for one meant not to be:
        /// counted in `failures`; the first is kept to report.
        var unexpected: String?
    }

    /// The application of person `identity`; `variant` changes name and phone (a
    /// duplicate under another contact); `site` a registered workplace, else a point.
    static func body(identity: String, variant: Int, site: String?, invalid: Bool = false, category: Int) -> String {
        let digits = identity.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
        let phone = "13" + String(format: "%09llu", (digits &+ UInt64(variant)) % 1_000_000_000)
        let birth = invalid ? "1990-02-30" : String(format: "19%02llu-%02llu-%02llu", 70 + digits % 30, 1 + digits / 30 % 12, 1 + digits / 360 % 28)
        let workplace = site.map { #""workplace_site": "\#($0)""# }
            ?? #""work_lat": 31.2\#(digits % 10), "work_lon": 121.4\#(digits / 10 % 10), "work_district": "Huangpu""#
        let kind = ["general", "youth_talent", "general", "frontline_worker"][category % 4]
        return """
            {"category": "\(kind)", "household_size": \(1 + digits % 3), "gender": "\(digits % 2 == 0 ? "female" : "male")", \
            "birth_date": "\(birth)", "monthly_income": \(3000 + digits % 9000), \(workplace), "needs_accessible": false, \
            "name": "Bench \(identity) \(variant)", "phone": "\(phone)", "identity_number": "\(identity)", "language": "en"}
            """
    }

    /// `connections` clients for `seconds`; then the database is checked against what they
    /// were answered.
    func load(seconds: Int, url: String, sites: [String], tag: String) throws -> Run {
        let db = try Store(connection: PostgresConnection(url), city: Self.city, actor: "bench")
        let before = try db.applicationCount()
        let setsBefore = try openMembers(db)
        let outcomes = Mutex<[ClientOutcome]>([])
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds) * 1_000_000_000
        for c in 0..<connections {
            group.enter()
            let shares = (laterDuplicateShare, concurrentPairShare, invalidShare)
            let port = self.port
            Thread.detachNewThread {
                let outcome = Self.client(
                    id: "\(tag)c\(c)", address: "10.\(c / 250).\(c % 250).1", port: port, sites: sites, shares: shares, deadline: deadline)
                outcomes.withLock { $0.append(outcome) }
                group.leave()
            }
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let all = outcomes.withLock { $0 }

        var run = Run(submissionsPerSecond: 0, p50Milliseconds: 0, p99Milliseconds: 0)
        let latencies = all.flatMap(\.latenciesMicroseconds).sorted()
        run.submissionsPerSecond = Double(latencies.count) / elapsed
        run.p50Milliseconds = Double(APIBenchmark.percentile(latencies, 50)) / 1000
        run.p99Milliseconds = Double(APIBenchmark.percentile(latencies, 99)) / 1000
        if let unexpected = all.compactMap(\.unexpected).first { FileHandle.standardError.write(Data("  unexpected: \(unexpected)\n".utf8)) }
        for o in all {
            run.created += o.created
            run.invalid += o.invalid
            run.limited += o.limited
            run.failures += o.failures
            run.concurrentPairs += o.pairs
        }
        run.storedMinusCreated = try db.applicationCount() - before - run.created

        // Every planted person's accepted applicants are exactly one open set; nobody else is
        // in a set this run opened.
        let members = try openMembers(db).filter { setsBefore[$0.key] == nil }
        var bySet: [String: Set<String>] = [:]
        for (applicant, set) in members { bySet[set, default: []].insert(applicant) }
        run.sets = bySet.count
        run.members = members.count
        var planted: Set<String> = []
        for o in all {
            for (_, ids) in o.accepted where ids.count >= 2 {
                run.plantedPeople += 1
                run.plantedApplications += ids.count
                planted.formUnion(ids)
                // All in the same set, and that set holds exactly them.
                let sets = Set(ids.map { members[$0] ?? "none" })
                if sets.count != 1 || bySet[sets.first ?? "none"] != Set(ids) { run.duplicateErrors += 1 }
            }
        }
        run.duplicateErrors += members.keys.filter { !planted.contains($0) }.count
        return run
    }

    /// Applicant → set id of every open duplicate-set membership.
    func openMembers(_ store: Store) throws -> [String: String] {
        var members: [String: String] = [:]
        for set in try store.duplicateSets() {
            for member in set.members { members[member.applicantID] = String(set.id) }
        }
        return members
    }

    /// One client until `deadline`: a keep-alive connection (and a second one for the
    /// concurrent pairs), its own `X-Real-IP`, a deterministic mix by request number.
    static func client(
        id: String, address: String, port: Int, sites: [String], shares: (Double, Double, Double), deadline: UInt64
    ) -> ClientOutcome {
        var outcome = ClientOutcome()
        var first = try? LoopbackHTTP(port: port)
        var second = try? LoopbackHTTP(port: port)
        var random = SplitMix(seed: id.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })
        var people = 0
        /// Person `n`'s identity number: letters and digits, unique per run and client.
        func person(_ n: Int) -> String { "ID" + id.uppercased() + "P\(n)" }
        var acceptedPeople: [String] = []
        let headers = ["Content-Type": "application/json", "X-Real-IP": address]

        func record(_ response: LoopbackHTTP.Response?, identity: String, sent: UInt64, invalid: Bool = false) {
            guard let response else {
                outcome.failures += 1
                return
            }
            outcome.latenciesMicroseconds.append(Int((DispatchTime.now().uptimeNanoseconds - sent) / 1000))
            if (response.status == 422) != invalid {
                outcome.failures += 1
                if outcome.unexpected == nil { outcome.unexpected = "\(response.status): \(String(decoding: response.body, as: UTF8.self).prefix(400))" }
            }
            switch response.status {
            case 201:
                outcome.created += 1
                let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                if let applicant = json?["applicant_id"] as? String { outcome.accepted[identity, default: []].append(applicant) }
            case 422: outcome.invalid += 1
            case 429: outcome.limited += 1
            default: outcome.failures += 1
            }
        }

        while DispatchTime.now().uptimeNanoseconds < deadline {
            guard let connection = first, let other = second else {
                outcome.failures += 1
                first = try? LoopbackHTTP(port: port)
                second = try? LoopbackHTTP(port: port)
                continue
            }
            let roll = random.unit()
            let site = random.unit() < 0.5 && !sites.isEmpty ? sites[Int(random.next() % UInt64(sites.count))] : nil
            let category = Int(random.next() % 4)
            if roll < shares.1 {
                // Two applications of one new person, both in flight before either answer.
                people += 1
                let identity = person(people)
                let a = body(identity: identity, variant: 0, site: site, category: category)
                let b = body(identity: identity, variant: 1, site: site, category: category)
                let sent = DispatchTime.now().uptimeNanoseconds
                do {
                    try connection.send(.init(method: "POST", path: "/v1/applications", headers: headers, body: a))
                    try other.send(.init(method: "POST", path: "/v1/applications", headers: headers, body: b))
                } catch {
                    outcome.failures += 1
                    first = nil
                    continue
                }
                outcome.pairs += 1
                let ra = try? connection.receive()
                record(ra, identity: identity, sent: sent)
                let rb = try? other.receive()
                record(rb, identity: identity, sent: sent)
                if ra == nil || rb == nil { first = nil }
                if outcome.accepted[identity] != nil { acceptedPeople.append(identity) }
                continue
            }
            let identity: String
            let variant: Int
            var invalid = false
            if roll < shares.1 + shares.0, let earlier = acceptedPeople.randomElement(using: &random) {
                identity = earlier
                variant = 2 + (outcome.accepted[earlier]?.count ?? 0)
            } else {
                people += 1
                identity = person(people)
                variant = 0
                invalid = roll > 1 - shares.2
            }
            let sent = DispatchTime.now().uptimeNanoseconds
            let response = try? connection.exchange(
                .init(
                    method: "POST", path: "/v1/applications", headers: headers,
                    body: body(identity: identity, variant: variant, site: site, invalid: invalid, category: category)))
            record(response, identity: identity, sent: sent, invalid: invalid)
            if response == nil { first = nil }
            if variant == 0, response?.status == 201 { acceptedPeople.append(identity) }
        }
        return outcome
    }

    /// The limiter at work: `floodRequests` applications from one address (the peer itself,
    /// no `X-Real-IP`) over 8 connections, then one from another address.
    func flood(url: String, port: Int) throws -> Flood {
        let db = try Store(connection: PostgresConnection(url), city: Self.city, actor: "bench")
        let before = try db.applicationCount()
        let results = Mutex<[LoopbackHTTP.Response?]>([])
        let group = DispatchGroup()
        let perConnection = max(1, floodRequests / 8)
        for c in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                let connection = try? LoopbackHTTP(port: port)
                for i in 0..<perConnection {
                    let identity = "FLOODC\(c)N\(i)"
                    let response = try? connection?.exchange(
                        .init(
                            method: "POST", path: "/v1/applications", headers: ["Content-Type": "application/json"],
                            body: Self.body(identity: identity, variant: 0, site: nil, category: 0)))
                    results.withLock { $0.append(response) }
                }
                group.leave()
            }
        }
        group.wait()
        var flood = Flood()
        for response in results.withLock({ $0 }) {
            flood.requests += 1
            switch response?.status {
            case 201: flood.created += 1
            case 429:
                flood.limited += 1
                if let seconds = response?.headers["retry-after"].flatMap({ Int($0) }), seconds >= 1 { flood.limitedWithRetryAfter += 1 }
            default: flood.other += 1
            }
        }
        let other = try LoopbackHTTP(port: port).exchange(
            .init(
                method: "POST", path: "/v1/applications", headers: ["Content-Type": "application/json", "X-Real-IP": "192.0.2.44"],
                body: Self.body(identity: "FLOODOTHER", variant: 0, site: nil, category: 0)))
        flood.otherAddressCreated = other.status == 201
        flood.storedMinusCreated = try db.applicationCount() - before - flood.created - (flood.otherAddressCreated ? 1 : 0)
        return flood
    }
}

/// A small seeded generator for the clients' mix (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
