import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends `If-None-Match` as the entity tag itself. The generated client percent-encodes header
/// values, which turns `"v1"` into `%22v1%22`: a server that compares the header as HTTP defines it
/// (a proxy, a cache, any server not generated from the same contract) would never answer 304.
/// Decoding is harmless to the generated server, which decodes the header the same way.
public struct ConditionalRequestMiddleware: ClientMiddleware {
    public init() {}

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let value = request.headerFields[.ifNoneMatch], let decoded = value.removingPercentEncoding, decoded != value else {
            return try await next(request, body, baseURL)
        }
        var request = request
        request.headerFields[.ifNoneMatch] = decoded
        return try await next(request, body, baseURL)
    }
}
