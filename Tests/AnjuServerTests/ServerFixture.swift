import AnjuServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import PostgresTestSupport
import Store
import Testing

/// A small city with a round that has run, credentials for every role, and the real
/// application over a pool on the test database:
///
/// - projects P1 (Huangpu), P2 (Putuo), P3 (Huangpu, only a slot under maintenance);
/// - apartments S1 (P1) and S2 (P2) go to two of A1, A2, A3 (all eligible), the third is
///   unmatched; A4 (rent cap 100) is ineligible; A5 was never in a round (tokens for all);
/// - operator X holds P1 and P3, operator Y holds P2; an admin key; a revoked operator key.
struct ServerFixture: Sendable {
    let connection: PostgresConnection
    let url: String
    let city = "c1"
    /// The application's settings: this database, city c1, the pool size asked for.
    let configuration: ServerConfiguration
    var tokens: [String: String] = [:]
    var adminKey = ""
    var operatorX = ""
    var operatorY = ""
    var revokedKey = ""
    /// Applicant id to their live offer's id.
    var offers: [String: Int64] = [:]
    var unmatched = ""
    let roundID = "R1"

    static let projectsCSV = """
        project_id,name,district,lat,lon,programme
        P1,人民广场公寓,Huangpu,31.2304,121.4737,general
        P2,Putuo Court,Putuo,31.2494,121.3970,general
        P3,Huangpu Dorm,Huangpu,31.2310,121.4740,general

        """
    static let slotsCSV = """
        slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
        S1,P1,apartment,,3,2000,any,false,available,
        S2,P2,apartment,,3,1800,any,false,available,
        S9,P3,apartment,,3,1500,any,false,maintenance,

        """
    static let applicantsCSV = """
        applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
        A1,general,1,female,1995-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
        A2,general,1,male,1994-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
        A3,general,1,female,1993-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
        A4,general,1,male,1992-03-01,8000,31.2300,121.4700,Huangpu,60,100,false,0,,
        A5,general,1,male,1991-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,

        """
    static let policyJSON = #"{"round_date": "2026-12-01", "seed": "server tests", "offers": {"max_refusals": 2}}"#

    /// Builds the city in a fresh database, runs the round and issues the credentials; the
    /// application gets a pool of `poolSize`.
    static func make(_ label: String, poolSize: Int = 4) throws -> ServerFixture {
        let (connection, url) = try TestDatabase.migratedWithURL(label)
        let store = try Store(connection: connection, city: "c1", actor: "test:bureau")
        // A5 stays out of the round: imported after it ran.
        let lines = applicantsCSV.split(separator: "\n").map(String.init)
        let withoutA5 = lines.filter { !$0.hasPrefix("A5,") }.joined(separator: "\n") + "\n"
        _ = try store.importFile(.projects, bytes: Array(projectsCSV.utf8))
        _ = try store.importFile(.slots, bytes: Array(slotsCSV.utf8))
        _ = try store.importFile(.applicants, bytes: Array(withoutA5.utf8))
        _ = try store.createRound(id: "R1", policy: Array(policyJSON.utf8))
        _ = try store.runRound("R1")
        _ = try store.importFile(.applicants, bytes: Array(applicantsCSV.utf8))

        var fixture = ServerFixture(
            connection: connection, url: url,
            configuration: ServerConfiguration(
                databaseURL: url, city: "c1", poolSize: poolSize, acquireTimeout: .seconds(5),
                identityKey: try IdentityKey(bytes: Array(repeating: 7, count: 32))))
        for token in try store.issueTokens(applicants: ["A1", "A2", "A3", "A4", "A5"]) {
            fixture.tokens[token.applicantID] = token.token
        }
        fixture.adminKey = try store.createKey(name: "bureau", role: .admin).text
        fixture.operatorX = try store.createKey(name: "X", role: .operator, projects: ["P1", "P3"]).text
        fixture.operatorY = try store.createKey(name: "Y", role: .operator, projects: ["P2"]).text
        let revoked = try store.createKey(name: "old", role: .operator, projects: ["P1"])
        try store.revokeKey(revoked.key.id)
        fixture.revokedKey = revoked.text
        for offer in try store.offers(round: "R1", status: .offered) { fixture.offers[offer.applicantID] = offer.id }
        fixture.unmatched = try connection.query(
            "SELECT applicant_id FROM round_results WHERE round_id = 'R1' AND outcome = 'unmatched'"
        ).first?[0] ?? ""
        return fixture
    }

    /// Runs `body` against the application (router test client).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await testApplication(configuration, body)
    }

    /// The two applicants with offers, in id order.
    var offered: [String] { offers.keys.sorted() }

    func store(actor: String = "test:check") throws -> Store {
        try Store(connection: connection, city: city, actor: actor)
    }
}

/// Runs `body` against the application `anju serve` runs, built for `configuration`, through
/// the router test client; the application's service group starts its pool and, once `body`
/// is done (or has thrown), shuts it down.
func testApplication(
    _ configuration: ServerConfiguration, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    try await buildApplication(configuration, logger: quietLogger()).test(.router) { client in try await body(client) }
}

/// A logger for applications under test: only critical messages (failures are the tests' to report).
func quietLogger() -> Logger {
    var logger = Logger(label: "anju.test")
    logger.logLevel = .critical
    return logger
}

// MARK: - Requests

/// Headers for an applicant's own token.
func applicant(_ id: String, token: String, language: String? = nil) -> HTTPFields {
    var headers: HTTPFields = [.authorization: "Bearer \(token)"]
    headers[.init("X-Applicant-Id")!] = id
    if let language { headers[.acceptLanguage] = language }
    return headers
}

/// Headers for an API key.
func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

/// A JSON body.
func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

extension TestResponse {
    /// The body decoded as JSON with snake_case keys.
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(buffer: body))
    }

    /// The body as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    /// Checks an RFC 9457 problem: status, content type, `code`, and the fields every problem has.
    func expectProblem(_ status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "status", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let object = self.object
        #expect(object["code"] as? String == code, "code in \(text)", sourceLocation: sourceLocation)
        #expect(object["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((object["title"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((object["type"] as? String)?.hasSuffix("/" + code) == true, sourceLocation: sourceLocation)
    }
}
