import AllocationFiles
import Foundation
import Hummingbird
import Store

/// A round as the bureau lists it.
struct RoundBody: Codable, Equatable {
    var roundId: String
    var status: String
    var mechanism: String
    var seed: String
    var roundDate: String
    var inputDigest: String?
    var createdAt: String
    var runAt: String?
    var offerDeadline: String?

    init(_ info: RoundInfo) {
        roundId = info.roundID
        status = info.status
        mechanism = info.mechanism.rawValue
        seed = info.seed
        roundDate = info.roundDate
        inputDigest = info.inputDigest
        createdAt = info.createdAt
        runAt = info.runAt
        offerDeadline = info.offerDeadline
    }
}

/// `GET /v1/rounds/{id}`: the round, its stored summary.json and its offers by status.
struct RoundSummaryBody: Codable, Equatable {
    var round: RoundBody
    var summary: JSONAny?
    var offers: [String: Int]
}

struct RoundListBody: Codable, Equatable {
    var rounds: [RoundBody]
}

/// The bureau's routes (admin keys only): rounds, a round's summary, results and report.
struct BureauController {
    let pool: ConnectionPool<DatabaseSession>

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/v1/rounds", use: rounds)
        router.get("/v1/rounds/:id", use: round)
        router.get("/v1/rounds/:id/results.csv", use: results)
        router.get("/v1/rounds/:id/report.html", use: report)
    }

    /// `GET /v1/rounds`: the city's rounds.
    @Sendable func rounds(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let rounds = try await pool.asAdmin(request) { session in try session.reader.rounds() }
        return JSONBody.response(RoundListBody(rounds: rounds.map(RoundBody.init)))
    }

    /// `GET /v1/rounds/{id}`: the round, its stored summary.json and its offers by status.
    @Sendable func round(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let body = try await pool.asAdmin(request) { session in
            let info = try session.reader.round(id)
            let offers = try session.reader.offerCounts(id)
            return RoundSummaryBody(
                round: RoundBody(info),
                summary: info.summary.flatMap { try? JSONDecoder().decode(JSONAny.self, from: Data($0.utf8)) },
                offers: Dictionary(offers.map { ($0.status, $0.count) }, uniquingKeysWith: +))
        }
        // summary.json's own keys are already snake_case: encode without key conversion.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(RoundSummaryWire(body))
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `GET /v1/rounds/{id}/results.csv`: the round's results as CSV, for download.
    @Sendable func results(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let bytes = try await pool.asAdmin(request) { session in ResultsCSV.render(try session.reader.results(id).rows) }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"results.csv\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET /v1/rounds/{id}/report.html`: the round's self-contained HTML report.
    @Sendable func report(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let html = try await pool.asAdmin(request) { session in try StoredRoundReport.html(store: session.reader, round: id) }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

}

/// `RoundSummaryBody` with explicit snake_case keys (the summary passes through as stored).
struct RoundSummaryWire: Encodable {
    var body: RoundSummaryBody
    init(_ body: RoundSummaryBody) { self.body = body }

    private enum Keys: String, CodingKey { case round, summary, offers }
    private enum RoundKeys: String, CodingKey {
        case roundId = "round_id", status, mechanism, seed, roundDate = "round_date", inputDigest = "input_digest"
        case createdAt = "created_at", runAt = "run_at", offerDeadline = "offer_deadline"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var round = container.nestedContainer(keyedBy: RoundKeys.self, forKey: .round)
        let r = body.round
        try round.encode(r.roundId, forKey: .roundId)
        try round.encode(r.status, forKey: .status)
        try round.encode(r.mechanism, forKey: .mechanism)
        try round.encode(r.seed, forKey: .seed)
        try round.encode(r.roundDate, forKey: .roundDate)
        try round.encodeIfPresent(r.inputDigest, forKey: .inputDigest)
        try round.encode(r.createdAt, forKey: .createdAt)
        try round.encodeIfPresent(r.runAt, forKey: .runAt)
        try round.encodeIfPresent(r.offerDeadline, forKey: .offerDeadline)
        try container.encodeIfPresent(body.summary, forKey: .summary)
        try container.encode(body.offers, forKey: .offers)
    }
}
