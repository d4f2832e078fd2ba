import AllocationFiles
import Foundation
import Postgres

extension Store {
    /// Imports one of the contract's CSV files into this city: `projects.csv`, `slots.csv`
    /// or `applicants.csv`, validated by the same parsers as `anju solve`.
    ///
    /// All or nothing, in one transaction: any problem — in the file, or against the
    /// database (a slot's unknown project, a dorm room whose beds would mix genders) —
    /// throws `StoreError` `.invalidImport` listing every problem as `FILE:LINE: COLUMN: message`,
    /// and nothing is written. A row whose id exists updates the stored row when it
    /// differs and is left untouched when equal; a row that differs from an applicant or
    /// slot a round, offer or tenancy holds is skipped and reported (see `ImportSkip`),
    /// which does not fail the import. One audit row records the batch.
    ///
    /// - Parameters:
    ///   - fileName: the name used in messages (default: the contract's name for `kind`).
    ///   - dryRun: check everything, database references included, and report the counts
    ///     that would result, but roll back: nothing is written, not even the audit row.
    ///   - progress: called with the name of each phase as it starts (for a terminal).
    public func importFile(
        _ kind: ImportKind, bytes: [UInt8], fileName: String? = nil, dryRun: Bool = false,
        progress: ((String) -> Void)? = nil
    ) throws -> ImportReport {
        let name = fileName ?? kind.defaultFileName
        let digest = InputFolder.sha256Hex(bytes)
        return try inImportTransaction(dryRun: dryRun) {
            // Imports of one city run one at a time, so counts and skips are exact and the
            // "city has no rows yet" shortcut cannot race another import.
            try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["anju import " + city])
            try raiseWorkMemForBulk()
            let outcome: ImportOutcome
            switch kind {
            case .projects: outcome = try importProjects(bytes, fileName: name, progress: progress)
            case .slots: outcome = try importSlots(bytes, fileName: name, progress: progress)
            case .applicants: outcome = try importApplicants(bytes, fileName: name, progress: progress)
            case .sites: outcome = try importSites(bytes, fileName: name, progress: progress)
            }
            var report = ImportReport(
                kind: kind, fileName: name, sha256: digest, dryRun: dryRun, rows: outcome.rows,
                inserted: outcome.inserted, updated: outcome.updated,
                unchanged: outcome.rows - outcome.inserted - outcome.updated - outcome.skipped.count,
                skipped: outcome.skipped, employersCreated: outcome.employersCreated, roomsWritten: outcome.roomsWritten,
                warnings: outcome.warnings)
            report.copiedStraightIn = outcome.copiedStraightIn
            try audit("import", entity: kind.rawValue, id: digest, details: report.auditDetails)
            return report
        }
    }

    /// Runs `body` in a transaction that commits, or for a dry run always rolls back.
    private func inImportTransaction<T>(dryRun: Bool, _ body: () throws -> T) throws -> T {
        guard dryRun else { return try connection.transaction { _ in try body() } }
        try connection.query("BEGIN")
        defer { _ = try? connection.query("ROLLBACK") }
        return try body()
    }

    /// Problems found in an imported file (all of them located in it), in the contract's
    /// order, as the error every caller reports: `invalidImport`, about that file.
    static func invalid(_ diagnostics: [Diagnostic]) -> StoreError {
        var error = StoreError.invalidFile(diagnostics, code: .invalidImport)
        error.subject = diagnostics.first.map { .file($0.file) }
        return error
    }
}

/// What importing one file did, before it becomes an `ImportReport`.
struct ImportOutcome {
    var rows: Int
    var inserted = 0
    var updated = 0
    var skipped: [ImportSkip] = []
    var employersCreated = 0
    var roomsWritten = 0
    /// Rows imported with a note for the clerk (an applicant id that looks like a personal number).
    var warnings: [ImportSkip] = []
    /// The rows went straight into the table, without the staging table (applicants only).
    var copiedStraightIn = false
}

/// One file's staged rows inside the import transaction: COPY into the staging table,
/// set aside the rows that need no write (equal to the stored row) or must not be written
/// (the stored row is held), then merge the rest into the table.
struct ImportStage {
    let store: Store
    let table: ImportTable
    /// True when the city had no row in the table before this import.
    private(set) var fresh = false
    /// Rows set aside because a round, an offer or a tenancy holds the stored row.
    private(set) var skipped: [ImportSkip] = []

    /// Creates the staging table, COPYs `rows` into it and sets rows aside.
    init<Row>(store: Store, table: ImportTable, fileName: String, rows: ImportRows<Row>) throws {
        self.store = store
        self.table = table
        let connection = store.connection
        try connection.query(table.createStaging)
        try ImportPipeline.copy(rows, with: table.copyStaging, on: connection)
        fresh = try connection.query(table.cityHasRows, [store.city]).first?.decode(Bool.self, at: 0) == false
        if !fresh {
            skipped = try connection.query(table.setAsideStoredRows, [store.city]).map { row in
                ImportSkip(
                    file: fileName, line: try row.decode(Int.self, at: 0), column: table.id,
                    id: try row.decode(String.self, at: 1), reason: try row.decode(String.self, at: 2))
            }
        }
    }

    /// Merges the staged rows left into the table; returns (inserted, updated).
    func merge() throws -> (inserted: Int, updated: Int) {
        let connection = store.connection
        if fresh {
            return (try connection.query(table.insertAll, [store.city]).affectedRows, 0)
        }
        let counts = try connection.query(table.merge, [store.city]).first
        return (try counts?.decode(Int.self, at: 0) ?? 0, try counts?.decode(Int.self, at: 1) ?? 0)
    }
}
