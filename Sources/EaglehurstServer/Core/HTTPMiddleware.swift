import Foundation
import Vapor

/// Security headers the seed asks for, on every answer.
///
/// The middlewares every request passes through are written on futures, not `AsyncMiddleware`:
/// each `AsyncMiddleware` starts a task of its own per request (a thread hop and an allocation),
/// which the listing pages, answered in microseconds, paid several times over.
struct SecurityHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-XSS-Protection", value: "1; mode=block")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'")
        return response
        }
    }
}

/// Logs one line per request with its id, and echoes the id as `X-Request-ID`.
///
/// Vapor already gives each request an id (taken from an incoming `X-Request-ID` when present)
/// and puts it in the request logger's metadata.
struct RequestLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        return next.respond(to: request).map { response in
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        response.headers.replaceOrAdd(name: "X-Request-ID", value: request.id)
        let path = request.url.path
        request.logger.info("\(request.method) \(path) \(response.status.code)", metadata: [
            "method": "\(request.method.rawValue)",
            "path": "\(path)",
            "route": "\(MetricsMiddleware.route(of: request))",
            "status": "\(response.status.code)",
            "duration_ms": "\(Self.oneDecimal(ms))",
        ])
        return response
        }
    }
}

extension RequestLogMiddleware {
    /// `ms` with one decimal, as `%.1f` writes it, without Foundation's formatter on every request.
    static func oneDecimal(_ ms: Double) -> String {
        let tenths = Int((max(0, ms) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Bounds request bodies before anything reads them.
///
/// The generated OpenAPI layer streams bodies and would read them without limit, so the limit is
/// enforced here: uploads get a larger one than JSON operations.
struct BodyLimitMiddleware: Middleware {
    var jsonLimit: Int
    var uploadLimit: Int
    /// Listing photos (`…/media`): a 12-megapixel photo does not fit in `uploadLimit`.
    var mediaUploadLimit: Int

    static let uploadSuffixes = ["/upload-avatar", "/kyc-upload", "/documents"]

    func limit(for path: String) -> Int {
        if path.hasSuffix("/media") { return mediaUploadLimit }
        return Self.uploadSuffixes.contains(where: { path.hasSuffix($0) }) ? uploadLimit : jsonLimit
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method != .GET, request.method != .HEAD else { return next.respond(to: request) }
        let limit = limit(for: request.url.path)
        let length = request.headers.first(name: .contentLength).flatMap(Int.init)
        if let length, length > limit {
            return request.eventLoop.makeFailedFuture(Problem(
                .payloadTooLarge, slug: "payload-too-large", title: "The body is too large",
                detail: "This operation accepts bodies up to \(limit) bytes; this one has \(length)."))
        }
        // An upload of a stated length streams on to its reader (`MultipartForm`), which spools
        // the file to disk: the length bounds what arrives. Other bodies (JSON, and uploads of
        // unstated length, chunked) are read here within the limit first.
        if length != nil, limit != jsonLimit { return next.respond(to: request) }
        return request.eventLoop.makeFutureWithTask { try await collected(request, within: limit, chainingTo: next) }
    }

    private func collected(_ request: Request, within limit: Int, chainingTo next: any Responder) async throws -> Response {
        do {
            _ = try await request.body.collect(max: limit).get()
        } catch let abort as any AbortError where abort.status == .payloadTooLarge {
            throw Problem(
                .payloadTooLarge, slug: "payload-too-large", title: "The body is too large",
                detail: "This operation accepts bodies up to \(limit) bytes.")
        }
        return try await next.respond(to: request).get()
    }
}
