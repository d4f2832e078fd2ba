import AllocationFiles
import Foundation
import Hummingbird
import Store

/// Who is calling, once their credentials have been checked against the database.
public enum Caller: Sendable, Equatable {
    /// An applicant, by id (proved by their token).
    case applicant(String)
    /// An operator key, scoped to its projects.
    case `operator`(APIKey)
    /// A bureau (admin) key.
    case admin(APIKey)

    /// The audit actor for changes made by this caller. Keys are named by id, not name.
    var actor: String {
        switch self {
        case .applicant(let id): "applicant:\(id)"
        case .operator(let key): "operator:key-\(key.id)"
        case .admin(let key): "admin:key-\(key.id)"
        }
    }
}

/// Credentials as sent, before any database check.
///
/// - API keys: `Authorization: Bearer ak_<id>_<secret>`.
/// - Applicants: `Authorization: Bearer <token>` plus `X-Applicant-Id: <id>` — the id is
///   sent apart from the path, so asking for another applicant's status is a 404 (as for an
///   unknown id) rather than a failed login.
enum PresentedCredentials: Sendable {
    case apiKey(id: Int64, text: String)
    case applicant(id: String, token: String)

    /// The header that names the applicant an applicant token belongs to.
    static let applicantHeader = "x-applicant-id"

    /// Reads the headers; a missing or malformed credential is a 401 problem.
    init(from request: Request) throws {
        guard let authorization = request.headers[.authorization] else {
            throw Problem.unauthorized("send Authorization: Bearer <API key or applicant token>")
        }
        guard authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            throw Problem.unauthorized("the Authorization header must use the Bearer scheme")
        }
        let secret = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if let id = APIKey.id(in: secret) {
            self = .apiKey(id: id, text: secret)
            return
        }
        // Anything not shaped exactly like a key is an applicant token, even one that
        // happens to begin with `ak_`.
        let applicant = request.headers.first { $0.name.canonicalName == Self.applicantHeader }?.value
        guard let applicant, !applicant.isEmpty else {
            if secret.hasPrefix("ak_") { throw Problem.unauthorized("the API key is malformed") }
            throw Problem.unauthorized("an applicant token needs the applicant's id in the X-Applicant-Id header")
        }
        self = .applicant(id: applicant, token: secret)
    }

    /// Checks the credentials against their stored hash (in constant time). Unknown,
    /// revoked and wrong credentials all get the same 401, so none can be told apart.
    func verify(in session: DatabaseSession) throws -> Caller {
        switch self {
        case .apiKey(let id, let text):
            let key = try session.reader.apiKey(id)
            let matches = Credential.verify(text, against: key?.hash ?? Self.noHash)
            guard let key, matches, key.revokedAt == nil else {
                throw Problem.unauthorized("the API key is unknown, revoked or wrong")
            }
            return key.role == .admin ? .admin(key) : .operator(key)
        case .applicant(let id, let token):
            guard ContractRules.isIdentifier(id) else { throw Problem.unauthorized("the applicant id and token do not match") }
            let hash = try session.reader.applicantTokenHash(id)
            let matches = Credential.verify(token, against: hash ?? Self.noHash)
            guard hash != nil, matches else { throw Problem.unauthorized("the applicant id and token do not match") }
            return .applicant(id)
        }
    }

    /// Applicant `id`'s status, read in the same statement that checks `token` against its
    /// stored hash: the same 401 as `verify` for an unknown id, no token or a wrong one.
    static func verifiedStatus(of id: String, token: String, in session: DatabaseSession) throws -> ApplicantStatus {
        guard ContractRules.isIdentifier(id),
            let status = try session.reader.applicantStatus(id, tokenHash: Credential.hash(token))
        else { throw Problem.unauthorized("the applicant id and token do not match") }
        return status
    }

    /// Compared against when there is no stored hash, so a miss costs the same as a mismatch.
    private static let noHash = String(repeating: "0", count: 64)
}

extension ConnectionPool where Resource == DatabaseSession {
    /// Runs `body` with the caller's verified credentials and a session, on a pool thread.
    func authenticated<T: Sendable>(
        _ request: Request, _ body: @escaping @Sendable (Caller, DatabaseSession) throws -> T
    ) async throws -> T {
        try await authenticated(try PresentedCredentials(from: request), body)
    }

    /// Runs `body` with a session for an admin (bureau) key; any other caller gets 403.
    func asAdmin<T: Sendable>(_ request: Request, _ body: @escaping @Sendable (DatabaseSession) throws -> T) async throws -> T {
        try await authenticated(request) { caller, session in
            guard case .admin = caller else { throw Problem.forbidden("these routes need an admin (bureau) key") }
            return try body(session)
        }
    }

    /// `asAdmin(_:_:)` with a store that audits as the admin key.
    func asAdminStore<T: Sendable>(_ request: Request, _ body: @escaping @Sendable (Store) throws -> T) async throws -> T {
        try await authenticated(request) { caller, session in
            guard case .admin = caller else { throw Problem.forbidden("these routes need an admin (bureau) key") }
            return try body(try session.store(actor: caller.actor))
        }
    }

    /// `authenticated(_:_:)` for credentials already read from the request.
    func authenticated<T: Sendable>(
        _ presented: PresentedCredentials, _ body: @escaping @Sendable (Caller, DatabaseSession) throws -> T
    ) async throws -> T {
        try await withConnection { session in
            try body(try presented.verify(in: session), session)
        }
    }
}
