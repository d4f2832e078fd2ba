import Hummingbird
import Store

/// The status page's appeal form: `POST /status/appeal` files the appeal with the
/// applicant's id and token (checked as every status-page form checks them) and answers with
/// the status page, the outcome shown above the appeal part — 201 filed, 409 when not
/// suspended or an appeal is open, 422 for the text. Failures are pages, never JSON.
struct AppealPageController {
    let filing: StatusPageFiling

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/status/appeal", use: backToSignIn)
        router.post("/status/appeal", use: file)
    }

    @Sendable func backToSignIn(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        StatusPage.backToSignIn()
    }

    @Sendable func file(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await filing.answer(request) { session, caller, form, id, language in
            let words = AppealText(language)
            do {
                _ = try session.store(actor: caller.actor).fileAppeal(applicant: id, reason: form.text("reason"))
                return .init(notice: (words.filed, true), httpStatus: .created)
            } catch let error as StoreError where error.code != .applicantNotFound {
                switch error.code {
                case .appealOpen: return .init(notice: (words.appealOpen, false), httpStatus: .conflict)
                case .applicantNotSuspended: return .init(notice: (words.notSuspended, false), httpStatus: .conflict)
                default:
                    return .init(notice: (words.invalidReason(limit: Store.maxAppealLength), false), httpStatus: .unprocessableContent)
                }
            }
        } section: { body, _, credentials, outcome, language in
            AppealPageHTML.section(body, AppealText(language), credentials: credentials, notice: outcome.notice)
        }
    }
}
