import Allocation
import AllocationFiles
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import Testing

/// Objection windows on a real PostgreSQL: the window's edge in the city's time zone,
/// superseded notices, duplicates, kinds, text, and answers (final, also when two race).
@Suite("Objections to public notices", .serialized)
struct ObjectionStoreTests {
    /// A frozen round of a small generated city.
    struct Frozen {
        let city: CityFiles
        let connection: PostgresConnection
        var store: Store
        let report: FreezeReport
        /// Applicants in the pool, and one who is not (withdrawn before the freeze).
        let pooled: [String]
        let outsider: String
    }

    static func frozen(_ label: String, zone: String = "Asia/Shanghai", days: Int = 7) throws -> Frozen {
        let city = try CityFiles(applicants: 80, slots: 30, seed: "objections \(label)")
        let connection = try TestDatabase.migrated(label)
        var store = try Store(connection: connection, city: "sh", actor: "test:bureau")
        store.cityDateOverride = "2026-12-01"
        try city.importInto(store)
        try connection.query("UPDATE cities SET time_zone = $1 WHERE city = 'sh'", [zone])
        let ids = try connection.query(
            "SELECT applicant_id FROM applicants WHERE city = 'sh' AND status = 'waiting' ORDER BY applicant_id COLLATE \"C\"").map { $0[0]! }
        let outsider = ids[0]
        try connection.query("UPDATE applicants SET status = 'withdrawn' WHERE city = 'sh' AND applicant_id = $1", [outsider])
        _ = try store.createRound(id: "R1", policy: try city.bytes("policy.json"), seed: "own seed")
        let report = try store.freezeRound("R1", recipe: NoticeStoreTests.recipe("s1"), objectionDays: days)
        return Frozen(city: city, connection: connection, store: store, report: report, pooled: Array(ids.dropFirst()), outsider: outsider)
    }

    /// The window's close computed apart from the SQL: the start of the day `days + 1` after
    /// publication's day, in `zone`, with Foundation's calendar.
    static func expectedClose(publishedUTC: String, days: Int, zone: String) -> Date {
        let parse = ISO8601DateFormatter()
        let published = parse.date(from: publishedUTC)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let day = calendar.startOfDay(for: published)
        return calendar.date(byAdding: .day, value: days + 1, to: day)!
    }

    static func utc(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    @Test("the window closes at the end of the Nth day in the city's zone: open a second before, closed at the instant", arguments: [
        ("Asia/Shanghai", 7), ("America/New_York", 0), ("Pacific/Kiritimati", 1), ("Pacific/Pago_Pago", 90),
    ])
    func windowEdge(zone: String, days: Int) throws {
        var f = try Self.frozen("objwin\(days)", zone: zone, days: days)
        defer { f.city.remove() }
        let notice = f.report.notice
        #expect(notice.objectionDays == days)
        let close = Self.expectedClose(publishedUTC: notice.publishedAt, days: days, zone: zone)
        #expect(notice.objectionsCloseAt == Self.utc(close))
        f.store.nowOverride = Self.utc(close)
        let late = #expect(throws: StoreError.self) {
            try f.store.fileObjection(applicant: f.pooled[0], notice: notice.noticeID, round: nil, kind: .pool, text: "late")
        }
        #expect(late?.code == .objectionWindowClosed)
        f.store.nowOverride = Self.utc(close.addingTimeInterval(-1))
        let filed = try f.store.fileObjection(applicant: f.pooled[0], notice: notice.noticeID, round: nil, kind: .pool, text: "in time")
        #expect(filed.status == .open && filed.windowClosesAt == Self.utc(close) && filed.filedAt == Self.utc(close.addingTimeInterval(-1)))
    }

    @Test("objection days outside 0...90 are refused before anything is frozen")
    func daysRange() throws {
        let f = try Self.frozen("objdays")
        defer { f.city.remove() }
        for days in [-1, 91] {
            let error = #expect(throws: StoreError.self) {
                try f.store.freezeRound("R1", recipe: NoticeStoreTests.recipe("s2"), objectionDays: days)
            }
            #expect(error?.code == .invalidArgument && error?.problems.first?.location == .field("objection_days"))
        }
        #expect(try f.store.notices("R1").count == 1)
        // The window is as immutable as the notice.
        #expect(throws: PostgresError.self) { try f.connection.query("UPDATE notices SET objection_days = 3") }
    }

    @Test("refusals: not in the notice, wrong kind, duplicate open, bad text, superseded notice; every filing audited")
    func refusals() throws {
        var f = try Self.frozen("objrefuse")
        defer { f.city.remove() }
        let me = f.pooled[3]
        let notice = f.report.notice.noticeID
        func code(_ body: () throws -> Objection) -> StoreError.Code? {
            (#expect(throws: StoreError.self) { _ = try body() })?.code
        }
        #expect(code { try f.store.fileObjection(applicant: f.outsider, notice: notice, round: nil, kind: .pool, text: "x") } == .notInNotice)
        #expect(code { try f.store.fileObjection(applicant: me, notice: notice, round: nil, kind: .outcome, text: "x") } == .objectionKindMismatch)
        #expect(code { try f.store.fileObjection(applicant: me, notice: nil, round: "R1", kind: .outcome, text: "x") } == .noticeNotFound)
        #expect(code { try f.store.fileObjection(applicant: me, notice: notice + 100, round: nil, kind: .pool, text: "x") } == .noticeNotFound)
        #expect(code { try f.store.fileObjection(applicant: "nobody", notice: notice, round: nil, kind: .pool, text: "x") } == .applicantNotFound)
        #expect(code { try f.store.fileObjection(applicant: me, notice: notice, round: nil, kind: .pool, text: " \n ") } == .invalidObjection)
        #expect(code { try f.store.fileObjection(applicant: me, notice: notice, round: nil, kind: .pool, text: String(repeating: "字", count: 2001)) } == .invalidObjection)
        #expect(code { try f.store.fileObjection(applicant: me, notice: notice, round: nil, kind: .pool, text: "a\u{1}b") } == .invalidObjection)
        let longest = try f.store.fileObjection(
            applicant: me, notice: nil, round: "R1", kind: .pool, text: String(repeating: "字", count: 2000))
        #expect(longest.noticeID == notice && longest.text.count == 2000)
        #expect(code { try f.store.fileObjection(applicant: me, notice: notice, round: nil, kind: .pool, text: "again") } == .objectionOpen)
        // PostgreSQL holds it too.
        #expect(throws: PostgresError.self) {
            try f.connection.query(
                "INSERT INTO objections (city, applicant_id, notice_id, kind, body) VALUES ('sh', $1, $2, 'pool', 'sneaked')",
                [me, String(notice)])
        }
        // Answered, a new objection to the same notice may be filed.
        _ = try f.store.answerObjection(longest.id, decision: .rejected, reply: "your points are right")
        let second = try f.store.fileObjection(applicant: me, notice: notice, round: nil, kind: .pool, text: "still wrong")
        #expect(second.status == .open)

        // Re-freeze: the old notice is superseded; objections go to the new one.
        let refrozen = try f.store.freezeRound("R1", recipe: NoticeStoreTests.recipe("s3"), objectionDays: 3)
        #expect(code { try f.store.fileObjection(applicant: f.pooled[4], notice: notice, round: nil, kind: .pool, text: "x") } == .noticeSuperseded)
        let onNew = try f.store.fileObjection(applicant: f.pooled[4], notice: nil, round: "R1", kind: .pool, text: "x")
        #expect(onNew.noticeID == refrozen.notice.noticeID && refrozen.notice.objectionDays == 3)
        #expect(try f.store.objection(second.id).noticeSupersededBy == refrozen.notice.noticeID)

        let audited = try f.connection.query(
            "SELECT action, count(*) FROM audit_log WHERE entity = 'objection' GROUP BY action ORDER BY action").map { "\($0[0]!)=\($0[1]!)" }
        #expect(audited == ["objection.answer=1", "objection.file=3"])
        #expect(try f.store.objections(ofApplicant: me).map(\.id) == [second.id, longest.id])
        // The status lookup says who has objections, so the rest are not asked for theirs.
        #expect(try f.store.applicantStatus(me).mayHaveObjections)
        #expect(try f.store.applicantStatus(f.pooled[4]).mayHaveObjections)
        #expect(try !f.store.applicantStatus(f.pooled[5]).mayHaveObjections)
        #expect(try f.store.objections(ofApplicant: f.pooled[5]).isEmpty)
    }

    @Test("answers: upheld or rejected with a reply, final; a second answer, also a racing one, is a 409")
    func answers() throws {
        let f = try Self.frozen("objanswer")
        defer { f.city.remove() }
        let notice = f.report.notice.noticeID
        var ids: [Int64] = []
        for applicant in f.pooled.prefix(6) {
            ids.append(try f.store.fileObjection(applicant: applicant, notice: notice, round: nil, kind: .pool, text: "look again").id)
        }
        #expect(try f.store.objections(status: .open).map(\.id) == ids)
        let noReply = #expect(throws: StoreError.self) { try f.store.answerObjection(ids[0], decision: .upheld, reply: "") }
        #expect(noReply?.code == .invalidObjection)
        let open = #expect(throws: StoreError.self) { try f.store.answerObjection(ids[0], decision: .open, reply: "x") }
        #expect(open?.code == .invalidArgument)
        let missing = #expect(throws: StoreError.self) { try f.store.answerObjection(999_999, decision: .upheld, reply: "x") }
        #expect(missing?.code == .objectionNotFound)

        let upheld = try f.store.answerObjection(ids[0], decision: .upheld, reply: "we will correct it")
        #expect(upheld.status == .upheld && upheld.reply == "we will correct it" && upheld.answeredBy == "test:bureau" && upheld.answeredAt != nil)
        let again = #expect(throws: StoreError.self) { try f.store.answerObjection(ids[0], decision: .rejected, reply: "no") }
        #expect(again?.code == .objectionAnswered)
        #expect(try f.store.objection(ids[0]).status == .upheld)
        #expect(throws: PostgresError.self) { try f.connection.query("UPDATE objections SET reply = 'changed' WHERE objection_id = $1", [String(ids[0])]) }
        #expect(throws: PostgresError.self) { try f.connection.query("DELETE FROM objections") }

        // Two sessions answer the same objection at once: exactly one answer stands.
        for id in ids.dropFirst() {
            let stores = try (0..<2).map { i in
                try Store(connection: TestDatabase.connect(sameAs: f.connection), city: "sh", actor: "test:clerk\(i)")
            }
            let results = LockedResults()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do {
                    _ = try stores[i].answerObjection(id, decision: i == 0 ? .upheld : .rejected, reply: "answer \(i)")
                    results.add("ok")
                } catch let error as StoreError {
                    results.add(error.code.rawValue)
                } catch {
                    results.add("\(error)")
                }
            }
            #expect(results.sorted == ["objection_answered", "ok"])
            let stored = try f.store.objection(id)
            #expect(stored.reply == (stored.status == .upheld ? "answer 0" : "answer 1"))
        }
        #expect(try f.store.objections(status: .open).isEmpty)
        #expect(try f.store.objections(status: nil).count == 6)
        #expect(try NoticeStoreTests.count(f.connection, "SELECT count(*) FROM audit_log WHERE action = 'objection.answer'") == 6)
    }

    @Test("outcome objections go to the result notice, whose window is the pre-draw notice's")
    func outcome() throws {
        var f = try Self.frozen("objoutcome", days: 5)
        defer { f.city.remove() }
        f.store.cityDateOverride = "2026-12-02"
        _ = try f.store.drawRound("R1", reveal: SeedReveal(bureauSecret: "s1", publicValue: "372"))
        guard let result = try f.store.notices("R1").first(where: { $0.kind == .result }) else {
            Issue.record("no result notice")
            return
        }
        #expect(result.objectionDays == 5)
        let pool = #expect(throws: StoreError.self) {
            try f.store.fileObjection(applicant: f.pooled[0], notice: result.noticeID, round: nil, kind: .pool, text: "x")
        }
        #expect(pool?.code == .objectionKindMismatch)
        let filed = try f.store.fileObjection(applicant: f.pooled[0], notice: nil, round: "R1", kind: .outcome, text: "my commute is shorter")
        #expect(filed.noticeID == result.noticeID && filed.kind == .outcome)
        let outsider = #expect(throws: StoreError.self) {
            try f.store.fileObjection(applicant: f.outsider, notice: nil, round: "R1", kind: .outcome, text: "x")
        }
        #expect(outsider?.code == .notInNotice)
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    func add(_ value: String) { lock.lock(); values.append(value); lock.unlock() }
    var sorted: [String] { lock.lock(); defer { lock.unlock() }; return values.sorted() }
}
