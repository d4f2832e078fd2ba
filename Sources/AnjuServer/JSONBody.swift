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

    private static func path(_ context: DecodingError.Context, _ last: String? = nil) -> String {
        let keys = context.codingPath.map(\.stringValue) + (last.map { [$0] } ?? [])
        return keys.isEmpty ? "body" : keys.joined(separator: ".")
    }
}
