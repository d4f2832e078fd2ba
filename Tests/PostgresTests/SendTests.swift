import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// `send` / `finishSent`: a statement the server works on while the caller computes.
@Suite struct SendTests {
    @Test func theServerWorksWhileTheCallerGoesOn() throws {
        let db = try TestDatabase.fresh("sendoverlap")
        let clock = ContinuousClock()
        let start = clock.now
        try db.send("SELECT pg_sleep($1::float8), $2::text AS echo", ["0.6", "安居"])
        let sent = clock.now - start
        let rows = try db.finishSent()
        let total = clock.now - start
        #expect(sent < .milliseconds(400), "send waited for the statement: \(sent)")
        #expect(total >= .milliseconds(600))
        #expect(rows.first?["echo"] == "安居")
        // The connection is free again.
        #expect(try db.query("SELECT 1").count == 1)
    }

    @Test func anErrorComesBackFromFinishAndTheConnectionStaysUsable() throws {
        let db = try TestDatabase.fresh("senderror")
        try db.query("CREATE TABLE t (k text PRIMARY KEY)")
        try db.send("INSERT INTO t VALUES ($1)", ["a"])
        #expect(try db.finishSent().affectedRows == 1)
        try db.send("INSERT INTO t VALUES ($1)", ["a"])
        let error = try #require(throws: PostgresError.self) { try db.finishSent() }
        #expect(error.sqlState == .uniqueViolation)
        #expect(try db.query("SELECT count(*) FROM t").first?[0] == "1")
        let nothing = try #require(throws: PostgresError.self) { try db.finishSent() }
        #expect(nothing.message.contains("no statement was sent"))
    }

    @Test func aSentStatementBelongsToTheTransaction() throws {
        let db = try TestDatabase.fresh("sendtx")
        try db.query("CREATE TABLE t (k text PRIMARY KEY)")
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try db.transaction { tx in
                try tx.send("INSERT INTO t VALUES ($1)", ["b"])
                try tx.finishSent()
                throw Abort()
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").first?[0] == "0")
        try db.transaction { tx in
            try tx.send("INSERT INTO t VALUES ($1)", ["c"])
            try tx.finishSent()
        }
        #expect(try db.query("SELECT k FROM t").first?[0] == "c")
    }
}
