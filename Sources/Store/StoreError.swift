import AllocationFiles

/// What can go wrong in a store operation, in the caller's terms: a stable `code` a program
/// branches on, the `subject` it is about (which applicant, slot, offer, round) and every
/// problem found, each located (a file position or a request field) — values, not text to
/// be split again. None of these is a server bug. The CLI maps them to exit statuses in one
/// place (`AnjuCLI`'s `StoreOptions`), the HTTP API to problem responses in one place
/// (`AnjuServer`'s `Problem.init(_: StoreError)`).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; decides the CLI's exit status and the HTTP status.
    public enum Kind: String, Sendable, Equatable {
        /// Input that breaks the contract or a rule (HTTP 422).
        case invalid
        /// The named thing does not exist, in this city, for this caller (HTTP 404).
        case notFound = "not_found"
        /// Well-formed, but the current state does not allow it (HTTP 409).
        case conflict
    }

    /// A stable, machine-readable name for the failure (the API's problem `code`), with the
    /// kind it always is. New failures add a static member; callers never compare text.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The snake_case name clients see, e.g. `stale_version`.
        public let rawValue: String
        /// What kind of failure every error with this code is.
        public let kind: Kind

        public init(_ rawValue: String, _ kind: Kind) {
            self.rawValue = rawValue
            self.kind = kind
        }

        public var description: String { rawValue }
    }

    /// What the failure is about.
    public enum Subject: Sendable, Hashable {
        case city(String)
        case applicant(String)
        case applicants([String])
        case slot(String)
        case offer(Int64)
        case round(String)
        case project(String)
        case projects([String])
        case duplicateSet(Int64)
        case appeal(Int64)
        case apiKey(Int64)
        /// An input file, by the bare name its diagnostics use.
        case file(String)
    }

    /// The failure's code (and so its kind).
    public var code: Code
    /// What it is about, when one thing is.
    public var subject: Subject?
    /// Every problem found, in the order to report them; at least one.
    public var problems: [StoreProblem]

    /// An error with these problems.
    public init(_ code: Code, subject: Subject? = nil, problems: [StoreProblem]) {
        precondition(!problems.isEmpty, "a store error names at least one problem")
        self.code = code
        self.subject = subject
        self.problems = problems
    }

    /// An error with one problem that has no location: `message` says it all.
    public init(_ code: Code, subject: Subject? = nil, _ message: String) {
        self.init(code, subject: subject, problems: [StoreProblem(message)])
    }

    /// The kind of failure (from the code).
    public var kind: Kind { code.kind }

    /// Every problem, one a line, as a person reads them.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// One problem in a `StoreError`: what is wrong, and where when it has a place.
public struct StoreProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where a problem sits.
    public enum Location: Sendable, Equatable {
        /// A position in an input file, the contract's `FILE:LINE: COLUMN` (COLUMN a header
        /// name, a dotted policy key path or `-`).
        case file(String, line: Int, column: String)
        /// A field of a request or an argument, as its caller named it: `reason`,
        /// `slots[2].rent`, `city`.
        case field(String)
    }

    /// Where, when the problem has a place.
    public var location: Location?
    /// What is wrong and what to do.
    public var message: String
    /// The finding as data, for an applicant's language (application fields only).
    public var rule: ApplicationRule?

    /// A problem as described.
    public init(_ message: String, at location: Location? = nil, rule: ApplicationRule? = nil) {
        self.location = location
        self.message = message
        self.rule = rule
    }

    /// `FILE:LINE: COLUMN: message`, `FIELD: message` or the message alone.
    public var description: String {
        switch location {
        case .file(let file, let line, let column): "\(file):\(line): \(column): \(message)"
        case .field(let field): "\(field): \(message)"
        case nil: message
        }
    }
}

extension StoreError.Code {
    // MARK: Invalid input (422)

    /// An input file breaks the contract (every problem located `FILE:LINE: COLUMN`).
    public static let invalidFile = Self("invalid_file", .invalid)
    /// A file to import breaks the contract or the city's data (subject: the file); nothing
    /// was imported.
    public static let invalidImport = Self("invalid_import", .invalid)
    /// A round's policy.json is not usable (the file's diagnostics, or its `offers` settings).
    public static let invalidPolicy = Self("invalid_policy", .invalid)
    /// An argument or request field breaks a rule (an identifier, an empty list, a seed).
    public static let invalidArgument = Self("invalid_argument", .invalid)
    /// An answer's reason is too long.
    public static let invalidReason = Self("invalid_reason", .invalid)
    /// A slot status that cannot be set by hand (`offered`: only rounds make offers).
    public static let invalidStatus = Self("invalid_status", .invalid)
    /// Slots to add are malformed (each problem at `slots[INDEX].FIELD`).
    public static let invalidSlots = Self("invalid_slots", .invalid)
    /// An application or an applicant's update with field problems (each located, with its rule).
    public static let invalidApplication = Self("invalid_application", .invalid)
    /// No identity key is configured, so applications cannot be accepted.
    public static let identityKeyMissing = Self("identity_key_missing", .invalid)

    // MARK: Not found (404)

    public static let applicantNotFound = Self("applicant_not_found", .notFound)
    public static let slotNotFound = Self("slot_not_found", .notFound)
    public static let offerNotFound = Self("offer_not_found", .notFound)
    public static let roundNotFound = Self("round_not_found", .notFound)
    public static let projectNotFound = Self("project_not_found", .notFound)
    public static let apiKeyNotFound = Self("api_key_not_found", .notFound)
    public static let duplicateSetNotFound = Self("duplicate_set_not_found", .notFound)

    // MARK: Conflicts with the current state (409)

    /// The offer was already answered otherwise (declined, expired, withdrawn, accepted).
    public static let offerAnswered = Self("offer_answered", .conflict)
    /// The offer's deadline has passed; it can no longer be accepted.
    public static let offerDeadlinePassed = Self("offer_deadline_passed", .conflict)
    /// The offer's slot or applicant is no longer in the offered state.
    public static let offerNotAcceptable = Self("offer_not_acceptable", .conflict)
    /// A slot is at another version than the caller last read.
    public static let staleVersion = Self("stale_version", .conflict)
    /// A slot holds a live offer, and the change did not ask to withdraw it.
    public static let slotHasOffer = Self("slot_has_offer", .conflict)
    /// Rows of a bulk status file were refused (each problem at its line); nothing changed.
    public static let slotChangesRefused = Self("slot_changes_refused", .conflict)
    /// Slots to add clash with each other or with the city (each at `slots[INDEX].FIELD`).
    public static let slotConflict = Self("slot_conflict", .conflict)
    /// A round with this id exists already.
    public static let roundExists = Self("round_exists", .conflict)
    /// The round is not a draft: a round runs once.
    public static let roundAlreadyRun = Self("round_already_run", .conflict)
    /// The round has not run: it has no snapshot or results yet.
    public static let roundNotRun = Self("round_not_run", .conflict)
    /// Concurrent changes kept the operation from finishing; trying again may succeed.
    public static let busy = Self("busy", .conflict)
    /// Approve or reject an application that is not pending review.
    public static let applicationNotPending = Self("application_not_pending", .conflict)
    /// Change or withdraw an applicant with a live offer, an active tenancy, or a status
    /// that allows no change (rejected, withdrawn, suspended).
    public static let applicantNotChangeable = Self("applicant_not_changeable", .conflict)
    /// Resolve a duplicate set that is resolved (or merged) already, or keep a non-member.
    public static let duplicateSetClosed = Self("duplicate_set_closed", .conflict)
}

extension StoreError {
    /// Invalid input: every diagnostic of a file, sorted as the contract lists them.
    static func invalidFile(_ diagnostics: [Diagnostic], code: Code = .invalidFile) -> StoreError {
        StoreError(code, problems: Diagnostic.sorted(diagnostics).map(StoreProblem.init))
    }

    /// Invalid input with one problem at `field`.
    static func invalidField(_ field: String, _ message: String, code: Code = .invalidArgument) -> StoreError {
        StoreError(code, problems: [StoreProblem(message, at: .field(field))])
    }
}

extension StoreProblem {
    /// A file diagnostic as a located problem (same text: `FILE:LINE: COLUMN: message`).
    public init(_ diagnostic: Diagnostic) {
        self.init(diagnostic.message, at: .file(diagnostic.file, line: diagnostic.line, column: diagnostic.column))
    }
}

extension StoreError.Code {
    // MARK: Public notice and the seed ceremony (sql/013)

    /// A revealed seed part does not match its published commitment, or a recipe is
    /// malformed (each problem at its field); nothing was drawn.
    public static let seedPartMismatch = Self("seed_part_mismatch", .invalid)
    /// `round run` on a frozen round: its seed comes from the published recipe (`round draw`).
    public static let roundFrozen = Self("round_frozen", .conflict)
    /// `round draw` on a round never frozen.
    public static let roundNotFrozen = Self("round_not_frozen", .conflict)
    /// The draw comes before the public value's date, or a freeze names a date not after today.
    public static let publicDateNotReached = Self("public_date_not_reached", .conflict)
    /// The live pool no longer holds the frozen one (an applicant or a place changed): re-freeze.
    public static let poolChanged = Self("pool_changed", .conflict)
    public static let noticeNotFound = Self("notice_not_found", .notFound)
}
