import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// `preparedQuery`: prepared once per connection, then only executed, and recovering when
/// the server forgets the statement or its result shape changes.
@Suite struct PreparedQueryTests {
    /// The server's own list of this session's prepared statements.
    private func serverStatements(_ db: PostgresConnection) throws -> [String] {
        try db.query("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time").map { $0[0] ?? "" }
    }

    @Test func preparesOnceAndBindsEveryRunsOwnValues() throws {
        let db = try TestDatabase.fresh("prepared")
        try db.query("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        let insert = "INSERT INTO notes (id, body) VALUES ($1, $2)"
        let values: [String?] = ["安居", "'); DROP TABLE notes; --", nil, "tab\there"]
        for (index, value) in values.enumerated() {
            try db.preparedQuery(insert, [String(index), value])
        }
        let select = "SELECT body FROM notes WHERE id = $1"
        for (index, value) in values.enumerated() {
            #expect(try db.preparedQuery(select, [String(index)]).first?[0] == value)
        }
        #expect(db.preparedStatementCount == 2)
        #expect(try serverStatements(db) == [insert, select])
        // Plain queries are not prepared.
        try db.query(select, ["0"])
        #expect(try serverStatements(db).count == 2)
    }

    @Test func aStatementThatFailsToPrepareIsNotCachedAndTheConnectionStaysUsable() throws {
        let db = try TestDatabase.fresh("preparedfail")
        let error = try #require(throws: PostgresError.self) { try db.preparedQuery("SELEC $1", ["1"]) }
        #expect(error.sqlState == .syntaxError)
        #expect(error.operation == "prepare")
        #expect(db.preparedStatementCount == 0)
        // A run-time error (not a preparation error) keeps the statement prepared.
        let divide = "SELECT 1 / $1::int"
        #expect(throws: PostgresError.self) { try db.preparedQuery(divide, ["0"]) }
        #expect(try db.preparedQuery(divide, ["1"]).first?[0] == "1")
        #expect(db.preparedStatementCount == 1)
    }

    @Test func recoversWhenTheServerDiscardsItsStatements() throws {
        let db = try TestDatabase.fresh("prepareddiscard")
        let sql = "SELECT $1::int + 1"
        #expect(try db.preparedQuery(sql, ["1"]).first?[0] == "2")
        try db.query("DISCARD ALL")
        #expect(try serverStatements(db).isEmpty)
        #expect(try db.preparedQuery(sql, ["2"]).first?[0] == "3")
        #expect(try serverStatements(db) == [sql])
    }

    @Test func recoversWhenATableChangesUnderAPreparedStatement() throws {
        let db = try TestDatabase.fresh("preparedalter")
        try db.query("CREATE TABLE t (a int)")
        try db.query("INSERT INTO t VALUES (1)")
        let sql = "SELECT * FROM t WHERE a = $1"
        #expect(try db.preparedQuery(sql, ["1"]).columns == ["a"])
        try TestDatabase.connect(sameAs: db).query("ALTER TABLE t ADD COLUMN b text DEFAULT 'x'")
        let rows = try db.preparedQuery(sql, ["1"])
        #expect(rows.columns == ["a", "b"])
        #expect(rows.first?["b"] == "x")
    }

    @Test func insideAFailedTransactionTheErrorIsReportedNotRetried() throws {
        let db = try TestDatabase.fresh("preparedtx")
        try db.query("CREATE TABLE t (a int)")
        let sql = "SELECT * FROM t"
        try db.preparedQuery(sql)
        let error = try #require(throws: PostgresError.self) {
            try db.transaction { tx in
                try TestDatabase.connect(sameAs: db).query("ALTER TABLE t ADD COLUMN b int")
                try tx.preparedQuery(sql)
            }
        }
        #expect(error.sqlState == .featureNotSupported)
        // After the rollback the statement is prepared afresh.
        #expect(try db.preparedQuery(sql).columns == ["a", "b"])
    }
}
