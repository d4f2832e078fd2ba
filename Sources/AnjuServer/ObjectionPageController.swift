import Hummingbird
import Store

/// The status page's objection form: `POST /status/objection` files the objection with the
/// applicant's id and token (checked as every status-page form checks them) and answers with
/// the status page, the outcome shown in the objection part — 201 filed, 409 or 422 when it
/// cannot be. Failures are pages, never JSON.
struct ObjectionPageController {
    let filing: StatusPageFiling

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/status/objection", use: backToSignIn)
        router.post("/status/objection", use: file)
    }

    @Sendable func backToSignIn(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        StatusPage.backToSignIn()
    }

    @Sendable func file(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await filing.answer(
            request, fieldNames: ["applicant_id", "token", "notice_id", "kind", "text"], openNotices: true
        ) { session, caller, form, id, language in
            let words = ObjectionText(language)
            do {
                guard let noticeID = form.value("notice_id").flatMap({ Int64($0) }),
                    let kind = form.value("kind").flatMap(Objection.Kind.init(rawValue:))
                else {
                    throw StoreError(.noticeNotFound, "the form names no notice")
                }
                _ = try session.store(actor: caller.actor).fileObjection(
                    applicant: id, notice: noticeID, round: nil, kind: kind, text: form.text("text"))
                return .init(notice: (words.filed, true), httpStatus: .created)
            } catch let error as StoreError where error.code != .applicantNotFound {
                switch error.code {
                case .objectionOpen: return .init(notice: (words.alreadyOpen, false), httpStatus: .conflict)
                case .objectionWindowClosed: return .init(notice: (words.closed, false), httpStatus: .conflict)
                case .noticeSuperseded: return .init(notice: (words.superseded, false), httpStatus: .conflict)
                case .notInNotice, .objectionKindMismatch, .noticeNotFound:
                    return .init(notice: (words.notInNotice, false), httpStatus: .unprocessableContent)
                default:
                    return .init(
                        notice: (words.invalidText(limit: Store.maxObjectionLength), false), httpStatus: .unprocessableContent)
                }
            }
        } section: { status, record, credentials, outcome, language in
            ObjectionPageHTML.section(
                status, openNotices: record?.openNotices ?? [], ObjectionText(language), credentials: credentials,
                notice: outcome.notice)
        }
    }
}
