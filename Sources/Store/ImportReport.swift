import Foundation

/// Which of the contract's CSV files an import reads, and so which table it fills.
public enum ImportKind: String, Sendable, CaseIterable {
    case projects, slots, applicants
    /// The bureau's registered workplaces (workplace_sites.csv; not part of a round's files).
    case sites

    /// The file's name in the contract, used in messages when the caller gives none.
    public var defaultFileName: String { self == .sites ? "workplace_sites.csv" : rawValue + ".csv" }
}

/// A row of the file that was valid but left as it is in the database, because a round,
/// an offer or a tenancy now holds the stored row: overwriting it would silently change
/// a decision already made. Skips do not fail an import; they are listed for the clerk.
public struct ImportSkip: Sendable, Equatable, CustomStringConvertible {
    /// The file name as the clerk knows it (`applicants.csv`).
    public var file: String
    /// The physical line where the row starts.
    public var line: Int
    /// `applicant_id` or `slot_id`.
    public var column: String
    /// The row's id.
    public var id: String
    /// Why the stored row is held, e.g. `has a live offer`.
    public var reason: String

    /// Builds a skip; `reason` completes the sentence "ID …; not changed".
    public init(file: String, line: Int, column: String, id: String, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.id = id
        self.reason = reason
    }

    /// `applicants.csv:17: applicant_id: A-17 has a live offer; not changed`, in the
    /// contract's `FILE:LINE: COLUMN: message` form.
    public var description: String { "\(file):\(line): \(column): \(id) \(reason); not changed" }
}

/// What an import did (or, for a dry run, would do): every row of the file is counted
/// exactly once as inserted, updated, unchanged or skipped.
public struct ImportReport: Sendable, Equatable {
    /// Which file was imported.
    public var kind: ImportKind
    /// The file name used in messages.
    public var fileName: String
    /// SHA-256 of the file's bytes (lowercase hex): the audit row's entity id.
    public var sha256: String
    /// True when nothing was written (`--dry-run`): the counts say what would happen.
    public var dryRun: Bool
    /// Rows in the file.
    public var rows: Int
    /// Rows whose id was new in this city.
    public var inserted: Int
    /// Rows that changed a stored row.
    public var updated: Int
    /// Rows equal to the stored row (not touched: no new `updated_at`, no new version).
    public var unchanged: Int
    /// Rows that differ from a stored row a round, offer or tenancy holds, in file order.
    public var skipped: [ImportSkip]
    /// Employers created because a row named one this city did not have yet.
    public var employersCreated: Int
    /// Dorm rooms created or given a new gender (slots only).
    public var roomsWritten: Int
    /// Rows imported with a warning, e.g. an applicant id that looks like a resident
    /// identity or mobile number (notices publish the id): `reason` says what it looks like.
    public var warnings: [ImportSkip]
    /// True when the rows were COPYed straight into the table (none of the file's ids was
    /// stored yet), false when they were staged and merged. Internal: for tests of both paths.
    var copiedStraightIn = false

    /// Builds a report; the CLI and tests read the fields.
    public init(
        kind: ImportKind, fileName: String, sha256: String, dryRun: Bool, rows: Int, inserted: Int, updated: Int,
        unchanged: Int, skipped: [ImportSkip], employersCreated: Int = 0, roomsWritten: Int = 0, warnings: [ImportSkip] = []
    ) {
        self.warnings = warnings
        self.kind = kind
        self.fileName = fileName
        self.sha256 = sha256
        self.dryRun = dryRun
        self.rows = rows
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.skipped = skipped
        self.employersCreated = employersCreated
        self.roomsWritten = roomsWritten
    }

    /// One line for a terminal or a log:
    /// `applicants.csv: 200000 rows: 200000 inserted, 0 updated, 0 unchanged, 0 skipped (1.23 s)`;
    /// a dry run says so first and counts what would happen.
    public func summary(seconds: Double? = nil) -> String {
        let time = seconds.map { String(format: " (%.2f s)", $0) } ?? ""
        let counts =
            dryRun
            ? "\(inserted) to insert, \(updated) to update, \(unchanged) unchanged, \(skipped.count) to skip"
            : "\(inserted) inserted, \(updated) updated, \(unchanged) unchanged, \(skipped.count) skipped"
        let prefix = dryRun ? "dry run, nothing written: " : ""
        return "\(prefix)\(fileName): \(rows) row\(rows == 1 ? "" : "s"): \(counts)\(time)"
    }

    /// The audit row's details: counts, the file name and the skipped ids.
    var auditDetails: [String: AuditValue] {
        var details: [String: AuditValue] = [
            "file": .string(fileName), "rows": .int(rows), "inserted": .int(inserted), "updated": .int(updated),
            "unchanged": .int(unchanged), "skipped": .array(skipped.map { .string($0.id) }),
            "employers_created": .int(employersCreated),
        ]
        if kind == .slots { details["rooms_written"] = .int(roomsWritten) }
        if !warnings.isEmpty { details["ids_like_personal_numbers"] = .array(warnings.map { .string($0.id) }) }
        return details
    }
}
