import Foundation
import Hummingbird

/// JSON in and out: snake_case keys, sorted so bodies are byte-stable, absent optionals
/// left out.
enum JSONBody {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// `value` as an `application/json` response (problems pass their own content type).
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json; charset=utf-8" }
        // Encoding our own plain structs cannot fail; an empty object would hide a bug, so trap.
        let data = try! encoder().encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a request body of at most `ServerConfiguration.maxBodyBytes` (413 beyond); an empty body
    /// decodes as `{}`. Malformed JSON or wrong types are a 400 problem saying where.
    static func decode<T: Decodable>(_ type: T.Type, from request: inout Request) async throws -> T {
        let buffer = try await request.collectBody(upTo: ServerConfiguration.maxBodyBytes)
        var data = Data(buffer: buffer)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { data = Data("{}".utf8) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Problem.badRequest("invalid_body", "\(path(context)): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem.badRequest("invalid_body", "\(path(context, key.stringValue)): required field is missing")
        } catch {
            throw Problem.badRequest("invalid_body", "the body is not valid JSON")
        }
    }

    /// `decode`, for a body whose members are exactly `allowedKeys` at most (the OpenAPI
    /// document says `additionalProperties: false`): another member is a 422 naming it.
    static func decode<T: Decodable>(_ type: T.Type, from request: inout Request, allowedKeys: Set<String>) async throws -> T {
        let buffer = try await request.collectBody(upTo: ServerConfiguration.maxBodyBytes)
        var copy = request
        copy.body = .init(buffer: buffer)
        let value = try await decode(T.self, from: &copy)
        let data = Data(buffer: buffer)
        if let keys = try? JSONDecoder().decode(TopLevelKeys.self, from: data) {
            let unknown = keys.names.filter { !allowedKeys.contains($0) }.sorted()
            if !unknown.isEmpty {
                var problem = Problem(
                    .unprocessableContent, code: "invalid_body", title: "Invalid request",
                    detail: unknown.map { "\($0.prefix(64)): not a member of this body" }.joined(separator: "; "))
                problem.errors = unknown.map { "\($0.prefix(64)): not a member of this body" }
                throw problem
            }
        }
        request = copy
        return value
    }

    /// The member names of a JSON object.
    private struct TopLevelKeys: Decodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var names: [String]
        init(from decoder: any Decoder) throws {
            names = try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue)
        }
    }

    private static func path(_ context: DecodingError.Context, _ last: String? = nil) -> String {
        let keys = context.codingPath.map(\.stringValue) + (last.map { [$0] } ?? [])
        return keys.isEmpty ? "body" : keys.joined(separator: ".")
    }
}
