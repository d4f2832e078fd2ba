import Foundation
import Hummingbird
import Store

/// The status page's application forms: change my details and withdraw (see
/// `ApplicationPageController`), each signed in again through `signedIn`.
extension ApplicationPageController {
    // MARK: Change my details

    /// `POST /status/details`: the form prefilled with the stored details and their version.
    @Sendable func details(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await signedIn(request) { form, credentials, t, session in
            let me = try Self.verify(credentials, session)
            let details = try session.reader.applicantDetails(me)
            guard Self.changeable(details.status) else {
                return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
            }
            let html = ApplicationPageHTML.detailsForm(
                t, sites: try session.reader.workplaceSites(), form: ApplicationPageForm(details), version: details.version,
                credentials: credentials, notice: nil)
            return .init(html, .ok)
        }
    }

    /// `POST /status/update`: saves the form from the version it was read at: 200 with what
    /// changed; 409 with the details as they are now when they changed since (or a refusal
    /// during a live offer or a tenancy); 422 with the form as sent and every problem.
    @Sendable func update(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        let key = identityKey
        return await signedIn(request) { form, credentials, t, session in
            let me = try Self.verify(credentials, session)
            let before = try session.reader.applicantDetails(me)
            let sites = try session.reader.workplaceSites()
            // No readable version reads as a stale one: the page then shows the details as they are.
            let version = form.value("version").flatMap { Int64($0) } ?? -1
            let changes = ApplicationPageForm.changes(form, hadContact: before.contact != nil)
            do {
                let after = try session.store(actor: Caller.applicant(me).actor)
                    .updateApplicant(me, expectedVersion: version, changes: changes, key: key)
                let changed = Self.changedFields(before, after)
                let html = ApplicationPageHTML.detailsForm(
                    t, sites: sites, form: ApplicationPageForm(after), version: after.version, credentials: credentials,
                    notice: (changed.isEmpty ? t.nothingChanged : t.saved(changed), true))
                return .init(html, .ok)
            } catch let error as StoreError {
                switch error.code {
                case .invalidApplication:
                    var typed = ApplicationPageForm(form, names: ApplicationPageForm.detailsFields)
                    typed.report(error.problems, language: t.language, fields: ApplicationPageForm.detailsFields)
                    let html = ApplicationPageHTML.detailsForm(
                        t, sites: sites, form: typed, version: version, credentials: credentials, notice: nil)
                    return .init(html, .unprocessableContent)
                case .staleVersion:
                    let now = try session.reader.applicantDetails(me)
                    let html = ApplicationPageHTML.detailsForm(
                        t, sites: sites, form: ApplicationPageForm(now), version: now.version, credentials: credentials,
                        notice: (t.staleDetails, false))
                    return .init(html, .conflict)
                case .applicantNotChangeable:
                    return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
                default:
                    throw error
                }
            }
        }
    }

    /// The changeable fields whose stored value differs, in page order; a new site's point
    /// is not listed apart from the site.
    static func changedFields(_ before: ApplicantDetails, _ after: ApplicantDetails) -> [String] {
        func values(_ d: ApplicantDetails) -> [String: String] {
            var v = d.fields
            v["workplace_site"] = d.workplaceSite
            v["name"] = d.contact?.name
            v["phone"] = d.contact?.phone
            v["email"] = d.contact?.email
            v["language"] = d.contact?.language
            return v
        }
        let (a, b) = (values(before), values(after))
        let siteChanged = a["workplace_site"] != b["workplace_site"]
        return ApplicationPageForm.detailsFields.filter { field in
            if siteChanged && ApplicationPageForm.pointFields.contains(field) { return false }
            // Coordinates compare by value, as the store's audit does (31.23 = 31.2300).
            if field == "work_lat" || field == "work_lon", let x = a[field].flatMap({ Decimal(string: $0) }),
                let y = b[field].flatMap({ Decimal(string: $0) })
            {
                return x != y
            }
            return a[field] != b[field]
        }
    }

    // MARK: Withdraw

    /// `POST /status/withdraw`: without `confirm=yes`, the confirmation page (carrying the
    /// version read); with it, the withdrawal from that version (409 when it changed since).
    @Sendable func withdraw(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        await signedIn(request) { form, credentials, t, session in
            let me = try Self.verify(credentials, session)
            let details = try session.reader.applicantDetails(me)
            guard Self.changeable(details.status) else {
                return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
            }
            guard form.value("confirm") == "yes" else {
                return .init(ApplicationPageHTML.withdrawConfirmation(t, version: details.version, credentials: credentials), .ok)
            }
            let version = form.value("version").flatMap { Int64($0) } ?? -1
            do {
                _ = try session.store(actor: Caller.applicant(me).actor).withdrawApplicant(me, expectedVersion: version)
                return .init(ApplicationPageHTML.notice(t, t.withdrawn, success: true, credentials: credentials), .ok)
            } catch let error as StoreError where error.code == .staleVersion {
                let now = try session.reader.applicantDetails(me)
                let html = ApplicationPageHTML.withdrawConfirmation(
                    t, version: now.version, credentials: credentials, notice: t.staleWithdraw)
                return .init(html, .conflict)
            } catch let error as StoreError where error.code == .applicantNotChangeable {
                return .init(ApplicationPageHTML.notice(t, t.notChangeable, success: false, credentials: credentials), .conflict)
            }
        }
    }
}
