import AllocationFiles
import Foundation
import Hummingbird
import Store
import Synchronization

/// The public notices (公示): no sign-in, zh-CN or en by `Accept-Language`, printable on A4.
///
/// - `GET /notices`: the rounds with notices;
/// - `GET /notices/{round}`: a round's notices, current and superseded;
/// - `GET /notices/{round}/{notice}?table=&page=&ref=`: one notice, a table of it a page at
///   a time (`NoticePages.pageSize` rows), or the rows of one public reference;
/// - `GET /notices/{round}/{notice}/{file}`: a file exactly as published;
/// - `GET /notices.css`.
struct NoticePageController {
    let pool: ConnectionPool<DatabaseSession>
    let cache = NoticeTableCache()

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/notices", use: rounds)
        router.get("/notices.css", use: stylesheet)
        router.get("/notices/:round", use: roundNotices)
        router.get("/notices/:round/:notice", use: notice)
        router.get("/notices/:round/:notice/:file", use: file)
    }

    @Sendable func stylesheet(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: NoticePages.headers(contentType: "text/css; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: NoticePageHTML.css)))
    }

    @Sendable func rounds(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let text = NoticeText(language: Language.preferred(by: request.headers[.acceptLanguage]))
        let list = try await pool.withConnection { try $0.reader.roundsWithNotices() }
        return NoticePages.page(NoticePageHTML.rounds(list, text), text: text)
    }

    @Sendable func roundNotices(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let text = NoticeText(language: Language.preferred(by: request.headers[.acceptLanguage]))
        let round = context.parameters.get("round") ?? ""
        let list = try await pool.withConnection { try $0.reader.notices(round) }
        guard !list.isEmpty else { return NoticePages.page(NoticePageHTML.message(text.noRound(round), text), status: .notFound, text: text) }
        return NoticePages.page(NoticePageHTML.round(round, list, text), text: text)
    }

    @Sendable func notice(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let text = NoticeText(language: Language.preferred(by: request.headers[.acceptLanguage]))
        let round = context.parameters.get("round") ?? ""
        let query = request.uri.queryParameters
        guard let id = context.parameters.get("notice").flatMap({ Int64($0) }), id > 0 else {
            return NoticePages.page(NoticePageHTML.message(text.noNotice, text), status: .notFound, text: text)
        }
        var page = 1
        if let p = query.get("page") {
            guard let n = Int(p), n >= 1, n <= 10_000_000 else {
                return NoticePages.page(NoticePageHTML.message(text.badPage, text), status: .badRequest, text: text)
            }
            page = n
        }
        let list = try await pool.withConnection { try $0.reader.notices(round) }
        guard let info = list.first(where: { $0.noticeID == id }) else {
            return NoticePages.page(NoticePageHTML.message(text.noNotice, text), status: .notFound, text: text)
        }
        let tableName = query.get("table") ?? info.kind.tables.last!
        guard info.tables.contains(tableName) else {
            return NoticePages.page(NoticePageHTML.message(text.noTable, text), status: .notFound, text: text)
        }
        let pool = self.pool
        let (noticeJSON, table) = try await cache.tables(info.noticeID, name: tableName) {
            try await pool.withConnection { session -> ([UInt8], [UInt8]) in
                (try session.reader.noticeFile(round: round, notice: id, name: "notice.json") ?? [],
                 try session.reader.noticeFile(round: round, notice: id, name: tableName) ?? [])
            }
        }
        let ref = query.get("ref").flatMap { $0.isEmpty ? nil : $0 }
        let html = NoticePageHTML.notice(
            info, list: list, json: noticeJSON, tableName: tableName, table: table, page: page, ref: ref, text)
        return NoticePages.page(html, text: text)
    }

    @Sendable func file(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let text = NoticeText(language: Language.preferred(by: request.headers[.acceptLanguage]))
        let round = context.parameters.get("round") ?? ""
        let name = context.parameters.get("file") ?? ""
        if let table = NoticeRowsJSON.table(forDownload: name) {
            return try await rowsJSON(round: round, notice: context.parameters.get("notice"), name: name, table: table, text: text)
        }
        guard let id = context.parameters.get("notice").flatMap({ Int64($0) }), id > 0,
              let bytes = try await pool.withConnection({ try $0.reader.noticeFile(round: round, notice: id, name: name) })
        else {
            return NoticePages.page(NoticePageHTML.message(text.noNotice, text), status: .notFound, text: text)
        }
        var headers = NoticePages.headers(contentType: name.hasSuffix(".csv") ? "text/csv; charset=utf-8" : "application/json")
        headers[.contentDisposition] = "attachment; filename=\"\(round)-\(id)-\(name)\""
        // A published notice never changes.
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `…/{notice}/pool.json` (and places, results, offers): the rows of the published CSV
    /// file as JSON (`NoticeRowsJSON`), written to the connection a chunk at a time from the
    /// stored bytes — as the CSV download, the file is read whole; the JSON is never built
    /// whole.
    func rowsJSON(round: String, notice: String?, name: String, table: String, text: NoticeText) async throws -> Response {
        let found = try await pool.withConnection { session -> (NoticeInfo, [UInt8])? in
            guard let id = notice.flatMap({ Int64($0) }), id > 0,
                  let info = try session.reader.notices(round).first(where: { $0.noticeID == id }),
                  let bytes = try session.reader.noticeFile(round: round, notice: id, name: table)
            else { return nil }
            return (info, bytes)
        }
        guard let (info, bytes) = found else {
            return NoticePages.page(NoticePageHTML.message(text.noNotice, text), status: .notFound, text: text)
        }
        let rows = NoticeRowsJSON(csv: bytes, file: table, noticeSHA256: info.sha256)
        var headers = NoticePages.headers(contentType: "application/json")
        headers[.contentDisposition] = "attachment; filename=\"\(round)-\(info.noticeID)-\(name)\""
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var chunks = rows
            while let chunk = chunks.next() { try await writer.write(ByteBuffer(bytes: chunk)) }
            try await writer.finish(nil)
        })
    }
}

/// Parsed notice tables, by notice and file: a published notice never changes, so a table is
/// parsed once and each page is a slice of it. At most `capacity` tables are kept, the
/// least recently used dropped first.
final class NoticeTableCache: Sendable {
    struct Entry: Sendable {
        var json: [UInt8]
        var table: (header: [String], rows: [[String]])
        var used: UInt64
    }

    static let capacity = 6
    private let entries = Mutex<(tick: UInt64, map: [String: Entry])>((0, [:]))

    func tables(
        _ noticeID: Int64, name: String, load: () async throws -> ([UInt8], [UInt8])
    ) async throws -> ([UInt8], (header: [String], rows: [[String]])) {
        let key = "\(noticeID)/\(name)"
        if let hit = entries.withLock({ state -> Entry? in
            state.tick += 1
            state.map[key]?.used = state.tick
            return state.map[key]
        }) {
            return (hit.json, hit.table)
        }
        let (json, bytes) = try await load()
        let table = NoticeTable.read(bytes) ?? ([], [])
        entries.withLock { state in
            state.tick += 1
            state.map[key] = Entry(json: json, table: table, used: state.tick)
            while state.map.count > Self.capacity, let oldest = state.map.min(by: { $0.value.used < $1.value.used }) {
                state.map[oldest.key] = nil
            }
        }
        return (json, table)
    }
}

/// Responses of the notice pages.
enum NoticePages {
    static let pageSize = 100

    static func headers(contentType: String, language: Language? = nil) -> HTTPFields {
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: "no-cache",
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
        ]
        if let language {
            headers[.contentLanguage] = language.rawValue
            headers[.init("Vary")!] = "Accept-Language"
        }
        return headers
    }

    static func page(_ html: String, status: HTTPResponse.Status = .ok, text: NoticeText) -> Response {
        Response(
            status: status, headers: headers(contentType: "text/html; charset=utf-8", language: text.language),
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
