import Foundation
import Hummingbird
import Store

/// `GET /v1/applicants/{id}`: an applicant's status as they (or the bureau) see it, with
/// labels in the language `Accept-Language` asks for.
struct ApplicantStatusBody: Codable, Equatable {
    struct Place: Codable, Equatable {
        var slotId: String
        var projectId: String
        var projectName: String
        var district: String
        var rent: Int
        var commuteMin: Int?
    }

    struct Offer: Codable, Equatable {
        var offerId: Int64
        var roundId: String
        var place: Place
        var deadline: String
    }

    struct Tenancy: Codable, Equatable {
        var tenancyId: Int64
        var place: Place
        var startedAt: String
    }

    struct Round: Codable, Equatable {
        var roundId: String
        var runAt: String?
        var outcome: String
        var outcomeLabel: String
        var slotId: String?
        var projectId: String?
        var projectName: String?
        var district: String?
        var commuteMin: Int?
        var rent: Int?
        var reason: String?
        var reasonKind: String?
        var reasonLanguage: String?
        var offerId: Int64?
        var offerStatus: String?
    }

    var applicantId: String
    var language: String
    /// The city's IANA time zone; every timestamp below carries its offset.
    var timeZone: String
    /// pending_review, rejected, waiting, offered, housed, unmatched, ineligible, suspended or withdrawn.
    var state: String
    var stateLabel: String
    var nextStep: String
    var refusals: Int
    var offer: Offer?
    var tenancy: Tenancy?
    /// The engine's reason for unmatched and ineligible, in `reasonLanguage` (the language
    /// asked for, or `en` for a round run before reasons were stored as data), with its
    /// label and kind.
    var reason: String?
    var reasonLabel: String?
    var reasonKind: String?
    var reasonLanguage: String?
    /// For a rejected application: the bureau's reason, as a code and in the language asked
    /// for, and its note in its own words.
    var rejection: Rejection?
    var history: [Round]
    /// Where a waiting, unmatched or ineligible applicant stood in their latest round.
    var standing: StandingBody?
    /// Appeals and refusals (AppealStatus.swift), for an applicant who has refused an offer.
    var appeals: [AppealView]?
    var refusalHistory: [RefusalView]?
    /// Objections to public notices (AppealStatus.swift), for an applicant who has made any.
    var objections: [ObjectionView]?

    struct Rejection: Codable, Equatable {
        var reason: String
        var reasonLabel: String
        var note: String?
    }

    init(_ status: ApplicantStatus, language: Language) {
        func place(_ p: ApplicantStatus.Place) -> Place {
            Place(
                slotId: p.slotID, projectId: p.projectID, projectName: p.projectName, district: p.district, rent: p.rent,
                commuteMin: p.commuteMin)
        }
        let state = Self.state(of: status)
        func local(_ utc: String) -> String { CityTime(utc: utc, zone: status.timeZone)?.rfc3339 ?? utc }
        applicantId = status.applicantID
        self.language = language.rawValue
        timeZone = status.timeZone
        self.state = state
        stateLabel = language.stateLabel(state)
        nextStep = language.nextStep(state)
        refusals = status.refusals
        offer = status.liveOffer.map {
            Offer(offerId: $0.offerID, roundId: $0.roundID, place: place($0.place), deadline: local($0.deadline))
        }
        tenancy = status.tenancy.map {
            Tenancy(tenancyId: $0.tenancyID, place: place($0.place), startedAt: local($0.startedAt))
        }
        if state == "unmatched" || state == "ineligible", let latest = status.latest,
            let localized = LocalizedReason(latest, language: language)
        {
            reason = localized.text
            reasonLabel = language.reasonLabel
            reasonKind = localized.kind
            reasonLanguage = localized.language
        }
        rejection = status.review.map {
            Rejection(reason: $0.reason, reasonLabel: ApplicationText(language).rejection($0.reason), note: $0.note)
        }
        history = status.history.map {
            let localized = LocalizedReason($0, language: language)
            return Round(
                roundId: $0.roundID, runAt: $0.runAt.map(local), outcome: $0.outcome,
                outcomeLabel: language.outcomeLabel($0.outcome), slotId: $0.slotID, projectId: $0.projectID,
                projectName: $0.projectName, district: $0.district, commuteMin: $0.commuteMin, rent: $0.rent,
                reason: localized?.text, reasonKind: localized?.kind, reasonLanguage: localized?.language,
                offerId: $0.offerID, offerStatus: $0.offerStatus)
        }
    }

    /// The one word an applicant's situation comes down to: the pool standing, refined by
    /// the latest round's outcome while they wait.
    static func state(of status: ApplicantStatus) -> String {
        switch status.standing {
        case .offered: return status.liveOffer == nil ? "waiting" : "offered"
        case .housed: return "housed"
        case .suspended: return "suspended"
        case .withdrawn: return "withdrawn"
        case .pendingReview: return "pending_review"
        case .rejected: return "rejected"
        case .waiting:
            if let latest = status.latest, latest.outcome == "unmatched" || latest.outcome == "ineligible" {
                return latest.outcome
            }
            return "waiting"
        }
    }
}

/// What answering an offer did.
struct OfferAnswerBody: Codable, Equatable {
    var offerId: Int64
    var status: String
    var alreadyAnswered: Bool
    var applicantStatus: String
    var refusals: Int
    var tenancyId: Int64?
    var answeredAt: String?

    init(_ answer: OfferAnswer) {
        offerId = answer.offer.id
        status = answer.offer.status.rawValue
        alreadyAnswered = answer.alreadyAnswered
        applicantStatus = answer.applicantStanding.rawValue
        refusals = answer.refusals
        tenancyId = answer.tenancyID
        answeredAt = answer.offer.answeredAt.map { ISO8601DateFormatter().string(from: $0) }
    }
}

/// `POST /v1/offers/{id}/decline` (and, optionally, `/accept`) body.
struct OfferAnswerRequest: Codable {
    var reason: String?
}

/// The applicants' JSON routes: their status, and answering their offer.
struct ApplicantController {
    let pool: ConnectionPool<DatabaseSession>
    let standings: StandingCache

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/v1/applicants/:id", use: status)
        router.post("/v1/offers/:id/accept", use: accept)
        router.post("/v1/offers/:id/decline", use: decline)
    }

    /// `GET /v1/applicants/{id}`: the applicant's own token, or an admin key, reads it.
    @Sendable func status(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let language = Language.preferred(by: request.headers[.acceptLanguage])
        let presented = try PresentedCredentials(from: request)
        if case .applicant(let me, let token) = presented, me == id {
            // The common case, an applicant reading their own status: the token check
            // and the reads are one statement.
            let (status, record) = try await pool.withConnection { session in
                let status = try PresentedCredentials.verifiedStatus(of: me, token: token, in: session)
                return (status, try AppealRecord.read(for: status, in: session))
            }
            return await response(status, record, language)
        }
        let (status, record) = try await pool.authenticated(presented) { caller, session in
            switch caller {
            case .admin, .applicant(id):
                let status = try session.reader.applicantStatus(id)
                return (status, try AppealRecord.read(for: status, in: session))
            case .applicant:
                // Another applicant's id answers exactly like an unknown one.
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(session.reader.city)")
            case .operator:
                throw Problem.forbidden("operator keys cannot read applicants")
            }
        }
        return await response(status, record, language)
    }

    /// The status body, with the applicant's appeals and refusals and their standing.
    private func response(_ status: ApplicantStatus, _ record: AppealRecord?, _ language: Language) async -> Response {
        var body = ApplicantStatusBody(status, language: language)
        body.add(record, language: language)
        body.standing = await StandingBody.load(for: status, language: language, cache: standings, pool: pool)
        return JSONBody.response(body, headers: [.contentLanguage: language.rawValue])
    }

    /// `POST /v1/offers/{id}/accept`.
    @Sendable func accept(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        try await answer(request, context, accept: true)
    }

    /// `POST /v1/offers/{id}/decline`.
    @Sendable func decline(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        try await answer(request, context, accept: false)
    }

    /// Accepts or declines an offer of the calling applicant: anyone else's offer is a 404,
    /// exactly like an unknown one. Idempotent: the same answer again is a 200 saying so.
    private func answer(_ request: Request, _ context: AnjuRequestContext, accept: Bool) async throws -> Response {
        var request = request
        let body = try await JSONBody.decode(OfferAnswerRequest.self, from: &request)
        let id = try Self.offerID(context)
        let answer = try await pool.authenticated(request) { caller, session in
            guard case .applicant(let me) = caller else {
                throw Problem.forbidden("only the applicant can answer their offer; use an applicant token")
            }
            let offer = try session.reader.offer(id)
            guard offer.applicantID == me else {
                throw StoreError(.offerNotFound, subject: .offer(id), "no offer \(id) in city \(session.reader.city)")
            }
            let store = try session.store(actor: caller.actor)
            return accept ? try store.accept(offer: id, reason: body.reason) : try store.decline(offer: id, reason: body.reason)
        }
        return JSONBody.response(OfferAnswerBody(answer))
    }

    /// A path parameter that is an offer id; anything else is answered like an unknown offer.
    static func offerID(_ context: some RequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw Problem.notFound("offer_not_found", "no such offer")
        }
        return id
    }
}
