import Hummingbird

/// `GET /openapi.yaml`: the API's OpenAPI 3.1 description, `openapi.yaml` beside these
/// sources, compiled in by the EmbedOpenAPIDocument plugin. The tests validate it and check
/// that it documents exactly the routes the router has.
///
/// Why not generate the routes from it (swift-openapi-generator): every route's hand-written
/// handler would be rewritten against generated types, and the generator's build cost comes
/// on top of Hummingbird's; the route/document cross-check catches the same drift.
struct OpenAPIController {
    /// The document as served.
    static let yaml = OpenAPIDocumentText.text

    func addRoutes(to router: Router<AnjuRequestContext>) {
        router.get("/openapi.yaml", use: document)
    }

    /// `GET /openapi.yaml`.
    @Sendable func document(_ request: Request, context: AnjuRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: Self.yaml)))
    }
}
