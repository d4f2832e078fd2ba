import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import Yams

@testable import AnjuServer

/// `openapi.yaml` is the API's contract: served as it is, well-formed OpenAPI 3.1 as far as
/// a reader of it can check (Tests/api/run-api-checks.sh also runs openapi-spec-validator
/// on the served copy), and describing exactly the routes the router has — no route
/// undocumented, no documented one missing.
@Suite("HTTP API: the OpenAPI document")
struct OpenAPIDocumentTests {
    /// `Sources/AnjuServer/openapi.yaml`, read from the source tree.
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/AnjuServer/openapi.yaml")

    static func document() throws -> Node {
        let text = try String(contentsOf: source, encoding: .utf8)
        return try #require(try Yams.compose(yaml: text), "openapi.yaml is empty")
    }

    /// The methods an OpenAPI path item can describe.
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// "METHOD /path/{param}" for every operation of the document.
    static func documentedOperations(_ document: Node) throws -> Set<String> {
        let paths = try #require(document["paths"]?.mapping, "no paths")
        var operations: Set<String> = []
        for (path, item) in paths {
            let path = try #require(path.string)
            for (method, _) in try #require(item.mapping, "\(path) is not a mapping") {
                guard let method = method.string, methods.contains(method) else { continue }
                operations.insert("\(method.uppercased()) \(normalised(path))")
            }
        }
        return operations
    }

    /// A path with every parameter written `{name}` (Hummingbird patterns may say `:name`).
    static func normalised(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }
        return segments.joined(separator: "/")
    }

    @Test("GET /openapi.yaml serves openapi.yaml byte for byte, as YAML")
    func servedAsWritten() async throws {
        let file = try Data(contentsOf: Self.source)
        try await testApplication(ServerConfiguration(databaseURL: "postgresql://127.0.0.1:1/none", poolSize: 1)) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/yaml; charset=utf-8")
                #expect(Data(buffer: r.body) == file)
            }
        }
    }

    @Test("every route the router has is documented, and every documented operation is routed")
    func routesAndDocumentAgree() async throws {
        let pool = ConnectionPool<DatabaseSession>.sessions(ServerConfiguration(databaseURL: "postgresql://127.0.0.1:1/none", poolSize: 1))
        let router = buildRouter(pool: pool, metrics: ServerMetrics(), logger: quietLogger())
        try await pool.shutdown()
        let routed = Set(router.routes.map { "\($0.method.rawValue) \(Self.normalised($0.path.description))" })
        let documented = try Self.documentedOperations(try Self.document())
        #expect(routed.count >= 20, "\(routed.sorted())")
        #expect(routed.subtracting(documented).isEmpty, "routed but not in openapi.yaml: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "in openapi.yaml but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test("the document is OpenAPI 3.1: version, info, an operation's responses, every $ref and path parameter resolved")
    func wellFormed() throws {
        let document = try Self.document()
        #expect(document["openapi"]?.string?.hasPrefix("3.1.") == true)
        #expect(document["info"]?["title"]?.string?.isEmpty == false)
        #expect(document["info"]?["version"]?.string?.isEmpty == false)
        var references: [String] = []
        Self.collectReferences(document, into: &references)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(Self.resolve(reference, in: document) != nil, "\(reference) points nowhere")
        }
        for (path, item) in try #require(document["paths"]?.mapping) {
            let path = try #require(path.string)
            let captures = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (method, operation) in try #require(item.mapping) {
                guard let method = method.string, Self.methods.contains(method) else { continue }
                #expect(operation["responses"]?.mapping?.isEmpty == false, "\(method) \(path) has no responses")
                let parameters = (item["parameters"]?.sequence.map { Array($0) } ?? [])
                    + (operation["parameters"]?.sequence.map { Array($0) } ?? [])
                let declared = Set(parameters.compactMap { parameter -> String? in
                    let parameter = parameter["$ref"]?.string.flatMap { Self.resolve($0, in: document) } ?? parameter
                    return parameter["in"]?.string == "path" ? parameter["name"]?.string : nil
                })
                #expect(declared == Set(captures), "\(method) \(path): path parameters \(declared.sorted()), path has \(captures)")
            }
        }
    }

    /// Every `$ref` value in `node`.
    static func collectReferences(_ node: Node, into references: inout [String]) {
        if let mapping = node.mapping {
            for (key, value) in mapping {
                if key.string == "$ref", let reference = value.string { references.append(reference) }
                collectReferences(value, into: &references)
            }
        } else if let sequence = node.sequence {
            for element in sequence { collectReferences(element, into: &references) }
        }
    }

    /// The node a local reference (`#/components/schemas/Problem`) points to.
    static func resolve(_ reference: String, in document: Node) -> Node? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Node? = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }
}
