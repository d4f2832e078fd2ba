import Hummingbird

/// Answers a request for a path the API serves, but with a method it does not serve, with a
/// 405 problem and an `Allow` header (RFC 9110 §15.5.6) instead of the router's 404: the
/// resource exists, the method is the client's mistake. Any method, standard or not (TRACE,
/// QUERY, …), is answered the same way.
///
/// Added to the router after every route, so it wraps only the router's not-found responder
/// (Hummingbird builds that with all middleware, but each route with the middleware present
/// when it was added): matched requests never pass through it.
struct MethodNotAllowed<Context: RequestContext>: RouterMiddleware {
    /// Each served path pattern with the methods it answers, as `Allow` lists them.
    let served: [(path: RouterPath, allow: String)]

    /// The patterns and methods of every route `router` has now.
    init(routes: [Router<Context>.RouteDescription]) {
        let byPath = Dictionary(grouping: routes, by: { $0.path.description })
        served = byPath.values.map { routes in
            (routes[0].path, Set(routes.map(\.method.rawValue)).sorted().joined(separator: ", "))
        }.sorted { $0.path.description < $1.path.description }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let components = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
            guard let match = served.first(where: { Self.matches($0.path, components) }) else { throw error }
            var problem = Problem(
                .methodNotAllowed, code: "method_not_allowed", title: "Method not allowed",
                detail: "\(request.method.rawValue) is not served here; this path answers \(match.allow)")
            problem.headers[.allow] = match.allow
            throw problem
        }
    }

    /// Whether `components` fit `pattern` element by element (literals equal, captures any).
    static func matches(_ pattern: RouterPath, _ components: [Substring]) -> Bool {
        guard pattern.components.count == components.count else { return false }
        return zip(pattern.components, components).allSatisfy { element, component in element ~= component }
    }
}

extension Router {
    /// Installs `MethodNotAllowed` for the routes added so far; call after the last route.
    func answerOtherMethodsWith405() {
        add(middleware: MethodNotAllowed<Context>(routes: routes))
    }
}
