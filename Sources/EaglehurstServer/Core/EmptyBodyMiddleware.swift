import HTTPTypes
import OpenAPIRuntime

/// Passes "no body" to the generated layer when the request has none.
///
/// The Vapor transport hands every request a body stream, even an empty one, so an operation with
/// an optional JSON body (`POST /listings/{id}/save`) would try to decode nothing and fail. HTTP/1.1
/// says a request without Content-Length or Transfer-Encoding has no body.
struct EmptyBodyMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let length = request.headerFields[.contentLength]
        let chunked = request.headerFields[.transferEncoding] != nil
        let empty = length == "0" || (length == nil && !chunked)
        return try await next(request, empty ? nil : body, metadata)
    }
}
