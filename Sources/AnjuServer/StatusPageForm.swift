import Foundation
import Hummingbird

/// A decoded `application/x-www-form-urlencoded` body of the status page's forms.
///
/// Parsed by hand (the format is four rules) so every failure is a precise 4xx: a body over
/// `ServerConfiguration.maxBodyBytes` is 413, another content type 415, broken percent-encoding or one of
/// the page's own fields sent twice 400. Other fields are ignored, as a form may carry more
/// than the page reads. Values are never logged.
struct StatusPageForm: Sendable, Equatable {
    /// The fields the status page reads; each may appear once.
    static let fieldNames: Set<String> = ["applicant_id", "token", "offer_id", "reason"]

    /// Values of the page's own fields, by name.
    private(set) var fields: [String: String]

    /// Why a form could not be read; each maps to a status and a localized message.
    enum Failure: Error, Equatable {
        case unsupportedMediaType
        case malformed(field: String?)
        case duplicate(field: String)
    }

    /// The fields of `body` (`name=value&…`, `+` for space, `%XX` escapes in UTF-8).
    init(parsing body: String, fieldNames: Set<String> = Self.fieldNames) throws {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { throw Failure.malformed(field: nil) }
            guard let value = Self.decode(parts.count > 1 ? parts[1] : "") else { throw Failure.malformed(field: name) }
            guard fieldNames.contains(name) else { continue }
            guard fields[name] == nil else { throw Failure.duplicate(field: name) }
            fields[name] = value
        }
        self.fields = fields
    }

    /// Reads and parses the request body; see the type's description for the failures.
    /// `fieldNames`: the fields of the form being read (the application forms have more).
    static func read(from request: inout Request, fieldNames: Set<String> = Self.fieldNames) async throws -> StatusPageForm {
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        // An empty body may come without a content type; anything else must say it is a form.
        let buffer = try await request.collectBody(upTo: ServerConfiguration.maxBodyBytes)
        if buffer.readableBytes > 0 || contentType != nil {
            guard contentType == "application/x-www-form-urlencoded" else { throw Failure.unsupportedMediaType }
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Failure.malformed(field: nil)
        }
        return try StatusPageForm(parsing: text, fieldNames: fieldNames)
    }

    /// The value of `name`, whitespace-trimmed; nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The value of `name` as typed (a free-text reason keeps its inner spacing); nil when blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return value
    }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
