import CLibPQ
import Foundation

/// One blocking libpq connection. Every call waits for the server, so never call it on an
/// event loop; an async pool for the HTTP server will hand connections to worker threads.
///
/// `@unchecked Sendable`: a `PGconn` must only be used by one thread at a time; the owner (a
/// pool or a single caller) guarantees that, so the class itself takes no lock.
public final class PostgresConnection: @unchecked Sendable {
    private let conn: OpaquePointer
    /// Statements prepared on this connection by `preparedQuery`: SQL text to name.
    private var prepared: [String: String] = [:]
    /// Names are never reused, so a statement dropped from the cache can't collide.
    private var preparedCount = 0

    /// Connects from a `postgresql://` URL or a `key=value` conninfo (libpq expands
    /// either); an empty string connects from the `PG*` environment variables alone.
    public convenience init(_ urlOrConninfo: String = "") throws {
        try self.init(parameters: ["dbname": urlOrConninfo])
    }

    /// Connects from libpq keywords (`host`, `port`, `user`, `dbname`, …); `dbname` may itself
    /// be a URL or conninfo. Values are passed as separate strings, never interpolated.
    public init(parameters: [String: String]) throws {
        let pairs = parameters.sorted { $0.key < $1.key }
        var keywords: [UnsafePointer<CChar>?] = pairs.map { UnsafePointer(strdup($0.key)) } + [nil]
        var values: [UnsafePointer<CChar>?] = pairs.map { UnsafePointer(strdup($0.value)) } + [nil]
        defer {
            for pointer in keywords + values { free(UnsafeMutablePointer(mutating: pointer)) }
        }
        guard let conn = PQconnectdbParams(&keywords, &values, 1) else {
            throw PostgresError(message: "libpq could not allocate a connection", operation: "connect")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let error = PostgresError(result: nil, connection: conn, operation: "connect")
            PQfinish(conn)  // libpq allocates even on failure: always finish.
            throw error
        }
        self.conn = conn
        // Drop NOTICEs (e.g. "relation already exists, skipping") instead of printing to stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { PQfinish(conn) }

    /// Runs one statement with `$1…$n` bound as text parameters (nil is NULL). SQL text and
    /// values travel separately, so values can never change the statement.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        let result = withCStrings(parameters) { pointers in
            PQexecParams(conn, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try rows(consuming: result, operation: "query")
    }

    /// `query`, but the statement is parsed and planned once per connection (PQprepare) and
    /// then only executed (PQexecPrepared): one round trip, no parse, and after a few runs
    /// PostgreSQL's cached generic plan. For the hot, fixed statements of the HTTP server;
    /// `sql` must be a constant (it is the cache key), values still go only in `parameters`.
    ///
    /// A statement the server no longer has (`DISCARD ALL`, SQLSTATE 26000) or whose result
    /// shape changed under it (a migration, 0A000) is forgotten and, outside a transaction,
    /// prepared again once.
    @discardableResult
    public func preparedQuery(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        do {
            return try executePrepared(sql, parameters)
        } catch let error as PostgresError where error.sqlState == .invalidSQLStatementName || error.sqlState == .featureNotSupported {
            prepared[sql] = nil
            guard PQtransactionStatus(conn) == PQTRANS_IDLE else { throw error }
            return try executePrepared(sql, parameters)
        }
    }

    /// How many statements this connection holds prepared (for tests and metrics).
    public var preparedStatementCount: Int { prepared.count }

    private func executePrepared(_ sql: String, _ parameters: [String?]) throws -> PostgresRows {
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            preparedCount += 1
            name = "anju_\(preparedCount)"
            _ = try rows(consuming: PQprepare(conn, name, sql, 0, nil), operation: "prepare")
            prepared[sql] = name
        }
        let result = withCStrings(parameters) { pointers in
            PQexecPrepared(conn, name, Int32(pointers.count), pointers, nil, nil, 0)
        }
        return try rows(consuming: result, operation: "query")
    }

    /// Sends one statement with `$1…$n` bound as text parameters and returns without waiting
    /// for the server (PQsendQueryParams): the server works on it while the caller computes.
    /// `finishSent()` collects the result and must come before any other call on this
    /// connection; until then the connection is busy.
    public func send(_ sql: String, _ parameters: [String?] = []) throws {
        let sent = withCStrings(parameters) { pointers in
            PQsendQueryParams(conn, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        guard sent == 1 else {
            let error = PostgresError(result: nil, connection: conn, operation: "send")
            drainResults()
            throw error
        }
    }

    /// Waits for the statement `send` sent and returns its rows, or throws its error (the
    /// connection is usable again either way).
    @discardableResult
    public func finishSent() throws -> PostgresRows {
        var outcome: Result<PostgresRows, any Error>?
        while let result = PQgetResult(conn) {
            let rows = Result { try self.rows(consuming: result, operation: "send") }
            if outcome == nil { outcome = rows }
        }
        guard let outcome else {
            throw PostgresError(message: "no statement was sent", operation: "send")
        }
        return try outcome.get()
    }

    /// Runs a script of several statements without parameters (migrations only: PQexecParams
    /// accepts one statement). Never pass text that contains user input.
    public func executeScript(_ sql: String) throws {
        let result = PQexec(conn, sql)
        _ = try rows(consuming: result, operation: "script")
    }

    /// Runs `body` between BEGIN and COMMIT; any throw rolls back and is rethrown.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Streams `bytes` to `COPY … FROM STDIN` in 64 KiB chunks; returns the rows copied.
    @discardableResult
    public func copyIn(_ sql: String, bytes: [UInt8]) throws -> Int {
        var pending: [UInt8]? = bytes
        return try copyIn(sql) {
            defer { pending = nil }
            return pending
        }
    }

    /// Streams `COPY … FROM STDIN` as one statement, asking `next` for its data until it
    /// returns nil: whoever produces the chunks (another thread, say) works while the
    /// server takes in the ones already sent. When `next` throws, the COPY is abandoned
    /// (the server discards it) and the error is rethrown. Returns the rows copied.
    @discardableResult
    public func copyIn(_ sql: String, chunks next: () throws -> [UInt8]?) throws -> Int {
        let start = PQexec(conn, sql)
        defer { PQclear(start) }
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            let error = PostgresError(result: start, connection: conn, operation: "copy")
            drainResults()
            throw error
        }
        var producerError: (any Error)?
        var sendFailed = false
        do {
            while !sendFailed, let chunk = try next() {
                var offset = 0
                while offset < chunk.count && !sendFailed {
                    let end = min(offset + 64 * 1024, chunk.count)
                    let sent = chunk[offset..<end].withUnsafeBytes { buffer in
                        PQputCopyData(conn, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
                    }
                    sendFailed = sent != 1
                    offset = end
                }
            }
        } catch {
            producerError = error
        }
        if producerError != nil {
            _ = PQputCopyEnd(conn, "the client stopped the COPY")
        } else if sendFailed {
            _ = PQputCopyEnd(conn, "client could not send COPY data")
        } else if PQputCopyEnd(conn, nil) != 1 {
            throw PostgresError(result: nil, connection: conn, operation: "copy")
        }
        var firstError: PostgresError?
        var copied = 0
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = PostgresError(result: result, connection: conn, operation: "copy")
            }
            PQclear(result)
        }
        if let producerError { throw producerError }
        if let firstError { throw firstError }
        return copied
    }

    /// Runs `COPY … TO STDOUT` and returns everything the server sent, as bytes (the
    /// statement's own format: text, or CSV with `WITH (FORMAT csv)`).
    public func copyOut(_ sql: String) throws -> [UInt8] {
        let start = PQexec(conn, sql)
        defer { PQclear(start) }
        guard let start, PQresultStatus(start) == PGRES_COPY_OUT else {
            let error = PostgresError(result: start, connection: conn, operation: "copy")
            drainResults()
            throw error
        }
        var out: [UInt8] = []
        while true {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let length = PQgetCopyData(conn, &buffer, 0)
            if length > 0, let buffer {
                buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    out.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length)))
                }
                PQfreemem(buffer)
            } else {
                break  // -1: done; -2: error, reported by the final result below
            }
        }
        var firstError: PostgresError?
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, firstError == nil {
                firstError = PostgresError(result: result, connection: conn, operation: "copy")
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        return out
    }

    /// Encodes rows in COPY's text format (tab-separated, `\N` for NULL, backslash escapes)
    /// and streams them; `sql` is e.g. `COPY t (a, b) FROM STDIN`.
    @discardableResult
    public func copyIn(_ sql: String, rows: [[String?]]) throws -> Int {
        var text = ""
        for row in rows {
            text += row.map { $0.map(Self.copyEscaped) ?? "\\N" }.joined(separator: "\t")
            text += "\n"
        }
        return try copyIn(sql, bytes: Array(text.utf8))
    }

    static func copyEscaped(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Copies a result into Swift values and clears it, or throws its error (cleared too).
    private func rows(consuming result: OpaquePointer?, operation: String) throws -> PostgresRows {
        defer { PQclear(result) }
        guard let result else { throw PostgresError(result: nil, connection: conn, operation: operation) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            break
        default:
            throw PostgresError(result: result, connection: conn, operation: operation)
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let values = (0..<Int(PQntuples(result))).map { row in
            (0..<columnCount).map { column -> String? in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, values: values, affectedRows: affected)
    }

    /// Reads and clears whatever results are left, so the connection is usable again.
    private func drainResults() {
        while let result = PQgetResult(conn) { PQclear(result) }
    }
}

/// Lends `strings` to C as NUL-terminated pointers (nil stays NULL) for the duration of `body`.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for pointer in owned { free(pointer) } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}
