import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// The libpq layer against a real server: parameters, decoding, errors, transactions, COPY.
@Suite struct PostgresConnectionTests {
    @Test func boundParametersRoundTripNullChineseAndQuotes() throws {
        let db = try TestDatabase.fresh("params")
        try db.query("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        let hostile = "'); DROP TABLE notes; --"
        let values: [String?] = ["安居 一张床", hostile, "O'Brien \"quoted\" \\ back\tslash", nil, ""]
        for (index, value) in values.enumerated() {
            try db.query("INSERT INTO notes (id, body) VALUES ($1, $2)", [String(index), value])
        }
        let rows = try db.query("SELECT id, body FROM notes ORDER BY id")
        #expect(rows.columns == ["id", "body"])
        #expect(rows.map { $0["body"] } == values)
        #expect(try rows[3].decode(String?.self, "body") == nil)
        // The hostile text was data, not SQL: the table is still there with every row.
        #expect(try db.query("SELECT count(*) FROM notes").first?.decode(Int.self, at: 0) == values.count)
        let found = try db.query("SELECT id FROM notes WHERE body = $1", [hostile])
        #expect(try found.first?.decode(Int.self, "id") == 1)
    }

    @Test func typedDecoding() throws {
        let db = try TestDatabase.fresh("decode")
        let row = try #require(try db.query(
            "SELECT $1::int AS n, $2::bool AS yes, $3::float8 AS x, NULL::int AS missing, 'f'::bool AS no",
            ["-42", "true", "2.5"]).first)
        #expect(try row.decode(Int.self, "n") == -42)
        #expect(try row.decode(Bool.self, "yes") == true)
        #expect(try row.decode(Bool.self, "no") == false)
        #expect(try row.decode(Double.self, "x") == 2.5)
        #expect(try row.decode(Int?.self, "missing") == nil)
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "missing") }
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "yes") }
        #expect(try db.query("UPDATE pg_class SET relname = relname WHERE false").affectedRows == 0)
    }

    @Test func errorsCarrySQLStateMessageAndDetail() throws {
        let db = try TestDatabase.fresh("errors")
        try db.query("CREATE TABLE t (k text PRIMARY KEY)")
        try db.query("INSERT INTO t VALUES ($1)", ["a"])
        let duplicate = try #require(throws: PostgresError.self) { try db.query("INSERT INTO t VALUES ($1)", ["a"]) }
        #expect(duplicate.sqlState == .uniqueViolation)
        #expect(duplicate.message.contains("t_pkey"))
        #expect(duplicate.detail?.contains("(k)=(a)") == true)
        let syntax = try #require(throws: PostgresError.self) { try db.query("SELEC 1") }
        #expect(syntax.sqlState == .syntaxError)
        #expect(syntax.description.contains("42601"))
        // The connection is still usable after errors.
        #expect(try db.query("SELECT 1").count == 1)
    }

    @Test func connectingToAMissingDatabaseFailsCleanly() throws {
        let cluster = try TestDatabase.cluster.get()
        let error = try #require(throws: PostgresError.self) { try cluster.connect(database: "no_such_db") }
        #expect(error.operation == "connect")
        #expect(error.message.contains("no_such_db"))
        // A URL works as well as keywords.
        let viaURL = try PostgresConnection(cluster.connectionURL())
        #expect(try viaURL.query("SELECT current_user").first?[0] == "anju")
        // And a key=value conninfo (expanded from dbname by PQconnectdbParams).
        let parameters = cluster.connectionParameters()
        let conninfo = "host=\(parameters["host"]!) port=\(parameters["port"]!) user=anju dbname=postgres"
        #expect(try PostgresConnection(conninfo).query("SELECT current_database()").first?[0] == "postgres")
    }

    struct Boom: Error {}

    @Test func transactionRollsBackOnThrowAndCommitsOtherwise() throws {
        let db = try TestDatabase.fresh("tx")
        try db.query("CREATE TABLE t (n int)")
        #expect(throws: Boom.self) {
            try db.transaction { tx in
                try tx.query("INSERT INTO t VALUES ($1)", ["1"])
                throw Boom()
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").first?.decode(Int.self, at: 0) == 0)
        let inserted = try db.transaction { tx in try tx.query("INSERT INTO t VALUES ($1), ($2)", ["2", "3"]).affectedRows }
        #expect(inserted == 2)
        #expect(try db.query("SELECT count(*) FROM t").first?.decode(Int.self, at: 0) == 2)
        // A server error inside the transaction also rolls back and leaves the connection usable.
        #expect(throws: PostgresError.self) {
            try db.transaction { tx in
                try tx.query("INSERT INTO t VALUES ($1)", ["4"])
                try tx.query("INSERT INTO t VALUES ($1)", ["not a number"])
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").first?.decode(Int.self, at: 0) == 2)
    }

    @Test func copyTenThousandRows() throws {
        let db = try TestDatabase.fresh("copy")
        try db.query("CREATE TABLE beds (id int PRIMARY KEY, label text, note text)")
        let rows: [[String?]] = (1...10_000).map { n in
            [String(n), "床位 \(n)\twith tab\\slash", n % 10 == 0 ? nil : "line\nbreak"]
        }
        #expect(try db.copyIn("COPY beds (id, label, note) FROM STDIN", rows: rows) == 10_000)
        let summary = try #require(try db.query(
            "SELECT count(*) AS n, sum(id) AS total, count(note) AS notes FROM beds").first)
        #expect(try summary.decode(Int.self, "n") == 10_000)
        #expect(try summary.decode(Int.self, "total") == 50_005_000)
        #expect(try summary.decode(Int.self, "notes") == 9_000)
        #expect(try db.query("SELECT label, note FROM beds WHERE id = $1", ["7"]).first?.values
            == ["床位 7\twith tab\\slash", "line\nbreak"])
        // Bad COPY data reports the server's error and leaves the connection usable.
        let bad = try #require(throws: PostgresError.self) {
            try db.copyIn("COPY beds (id, label, note) FROM STDIN", rows: [["x", "y", nil]])
        }
        #expect(bad.sqlState == .invalidTextRepresentation)
        #expect(try db.query("SELECT 1").count == 1)
    }

    /// `copyIn(_:chunks:)`: one COPY fed chunk by chunk, rows split anywhere (even inside a
    /// UTF-8 character), and the two ways it stops short.
    @Test func copyInChunks() throws {
        let db = try TestDatabase.fresh("copychunks")
        try db.query("CREATE TABLE beds (id int PRIMARY KEY, label text)")
        let text = Array((1...3_000).map { "\($0)\t床位 \($0)\n" }.joined().utf8)
        for size in [1, 5, 64 * 1024, 64 * 1024 + 1, text.count, text.count + 1] {
            try db.query("TRUNCATE beds")
            var offset = 0
            let copied = try db.copyIn("COPY beds (id, label) FROM STDIN") { () -> [UInt8]? in
                guard offset < text.count else { return nil }
                defer { offset += size }
                return Array(text[offset..<min(offset + size, text.count)])
            }
            #expect(copied == 3_000, "chunks of \(size)")
            #expect(try db.query("SELECT count(*), sum(id), max(label) FROM beds").first?.values
                == ["3000", "4501500", "床位 999"], "chunks of \(size)")
        }
        // No chunk at all: an empty COPY.
        try db.query("TRUNCATE beds")
        #expect(try db.copyIn("COPY beds (id, label) FROM STDIN") { nil } == 0)

        // The producer fails after one chunk: its error comes back, nothing is copied, the
        // connection is usable (inside a transaction too: only the COPY failed).
        struct Stop: Error, Equatable {}
        var calls = 0
        try db.query("BEGIN")
        #expect(throws: Stop()) {
            try db.copyIn("COPY beds (id, label) FROM STDIN") { () throws -> [UInt8]? in
                calls += 1
                if calls > 1 { throw Stop() }
                return Array("1\tone\n".utf8)
            }
        }
        #expect(throws: PostgresError.self) { try db.query("SELECT 1") }  // the transaction is aborted
        try db.query("ROLLBACK")
        #expect(try db.query("SELECT count(*) FROM beds").first?[0] == "0")

        // Bad data in a later chunk: the server's error, nothing copied, connection usable.
        var sent = 0
        let bad = try #require(throws: PostgresError.self) {
            try db.copyIn("COPY beds (id, label) FROM STDIN") { () -> [UInt8]? in
                sent += 1
                return sent == 1 ? Array("1\tone\n".utf8) : sent == 2 ? Array("two\ttwo\n".utf8) : nil
            }
        }
        #expect(bad.sqlState == .invalidTextRepresentation)
        #expect(try db.query("SELECT count(*) FROM beds").first?[0] == "0")
        // A statement that is no COPY … FROM STDIN is refused before any chunk is asked for.
        var asked = false
        #expect(throws: PostgresError.self) {
            try db.copyIn("SELECT 1") { () -> [UInt8]? in asked = true; return nil }
        }
        #expect(!asked)
        #expect(try db.query("SELECT 1").count == 1)
    }
}
