import Vapor

/// Gives operation handlers the Vapor request they serve.
///
/// Generated OpenAPI handlers receive only their typed input; authentication, the client's address
/// and the request logger live on the Vapor request, which travels in this task-local value.
enum RequestContext {
    @TaskLocal static var current: Request?

    static var request: Request {
        get throws {
            guard let request = current else {
                throw Problem(.internalServerError, slug: "internal", title: "Handler called outside a request")
            }
            return request
        }
    }
}

struct RequestContextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await RequestContext.$current.withValue(request) {
            try await next.respond(to: request)
        }
    }
}
