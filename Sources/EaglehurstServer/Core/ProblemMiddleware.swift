import AsyncKit
import FluentSQLiteDriver
import Foundation
import OpenAPIRuntime
import Vapor

/// Turns every error into `application/problem+json`.
///
/// Sits first in the chain, so it also catches what the router (404, 405), the body limit (413)
/// and the generated OpenAPI layer (malformed JSON, wrong types, bad UUIDs) throw.
struct ProblemMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in
            let problem = Self.problem(for: error, request: request)
            if problem.status.code >= 500, problem.status != .notImplemented {
                // Never the error itself: see `LoggedError` for what it would write.
                request.logger.error("request failed", metadata: LoggedError(error).metadata.merging([
                    "method": "\(request.method)", "path": "\(request.url.path)",
                    "route": "\(MetricsMiddleware.route(of: request))", "problem": "\(problem.slug)",
                ]) { $1 })
            }
            return problem.response(for: request)
        }
    }

    static func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let serverError as ServerError:
            return problem(forServerError: serverError, request: request)
        case let decoding as DecodingError:
            return problem(forDecodingError: decoding)
        case let abort as any AbortError:
            return problem(forAbort: abort, request: request)
        case ConnectionPoolTimeoutError.connectionRequestTimeout:
            return busy
        // SQLite's writer lock stayed taken past the busy timeout, or a transaction's snapshot went
        // stale while it waited: the same overload, told the same way (nothing was written).
        case let sqlite as SQLiteError where [.busy, .busyInSnapshot, .busyTimeout].contains(sqlite.reason):
            return busy
        default:
            return Problem(
                .internalServerError, slug: "internal", title: "Internal server error",
                detail: "The server failed to answer this request. It has been logged with request id \(request.id).")
        }
    }

    /// Every database connection stayed busy for the pool's whole timeout (or SQLite's writer lock for
    /// its busy timeout): the server is overloaded, not broken, so the client is told to come back
    /// instead of being shown an internal error.
    static let busy = Problem(
        .serviceUnavailable, slug: "busy", title: "The server is busy",
        detail: "No database connection came free in time. Try again in a few seconds.",
        headers: ["Retry-After": "2"])

    private static func problem(forServerError error: ServerError, request: Request) -> Problem {
        switch error.underlyingError {
        case let problem as Problem:
            return problem
        case let decoding as DecodingError:
            return problem(forDecodingError: decoding, pathParameters: error.requestMetadata.pathParameters)
        case let abort as any AbortError:
            return problem(forAbort: abort, request: request)
        case let convertible as any HTTPResponseConvertible where convertible.httpStatus.code < 500:
            let status = HTTPResponseStatus(statusCode: convertible.httpStatus.code)
            return Problem(status, title: "The request could not be read", detail: "\(error.causeDescription): \(error.underlyingError).")
        default:
            return Self.problem(for: error.underlyingError, request: request)
        }
    }

    /// Names the field and what is wrong with it; a body that is not JSON at all is a 400.
    static func problem(forDecodingError error: DecodingError, pathParameters: [String: Substring] = [:]) -> Problem {
        let (path, message): ([any CodingKey], String)
        switch error {
        case .keyNotFound(let key, let context):
            (path, message) = (context.codingPath + [key], "is required")
        case .valueNotFound(_, let context):
            (path, message) = (context.codingPath, "must not be null")
        case .typeMismatch(let type, let context):
            (path, message) = (context.codingPath, "must be \(describe(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty,
               context.underlyingError != nil || context.debugDescription.localizedCaseInsensitiveContains("not valid JSON") {
                return Problem(
                    .badRequest, slug: "malformed-body", title: "The body is not valid JSON",
                    detail: "Send a JSON object with Content-Type: application/json.")
            }
            (path, message) = (context.codingPath, friendly(context.debugDescription))
        @unknown default:
            return Problem(.unprocessableEntity, slug: "validation", title: "The request has invalid fields")
        }
        var field = path.map { $0.intValue.map(String.init) ?? $0.stringValue }
            .filter { !$0.isEmpty }.joined(separator: ".")
        if field.isEmpty {
            field = pathParameters.keys.sorted().first ?? "body"
        }
        return .validation([field: [message]])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is UUID.Type: "a UUID"
        case is Date.Type: "an ISO-8601 date-time"
        default: "of the documented type"
        }
    }

    private static func friendly(_ description: String) -> String {
        if description.contains("invalid String value") || description.contains("Cannot initialize") {
            return "has a value that is not one of the allowed values"
        }
        if description.localizedCaseInsensitiveContains("uuid") {
            return "must be a UUID"
        }
        if description.localizedCaseInsensitiveContains("date") {
            return "must be an ISO-8601 date-time"
        }
        return description
    }

    private static func problem(forAbort abort: any AbortError, request: Request) -> Problem {
        switch abort.status {
        case .notFound:
            let allowed = RouteMatcher.allowedMethods(for: request)
            if !allowed.isEmpty {
                let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return Problem(
                    .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                    detail: "\(request.method) is not allowed on \(request.url.path); use \(allow).",
                    headers: ["Allow": allow])
            }
            return Problem(
                .notFound, slug: "not-found", title: "Not found",
                detail: "There is no operation at \(request.method) \(request.url.path). The API is described at /api/v1/openapi.yaml.")
        case .payloadTooLarge:
            return Problem(
                .payloadTooLarge, slug: "payload-too-large", title: "The body is too large",
                detail: abort.reason)
        default:
            return Problem(abort.status, detail: abort.reason, headers: abort.headers)
        }
    }
}

/// Finds the methods registered for a path, so an unknown method is a 405 rather than a 404.
enum RouteMatcher {
    static func allowedMethods(for request: Request) -> [HTTPMethod] {
        let parts = request.url.path.split(separator: "/").map(String.init)
        return request.application.routes.all.compactMap { route in
            matches(route.path, parts) ? route.method : nil
        }
    }

    static func matches(_ pattern: [PathComponent], _ parts: [String]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall:
                return true
            case .anything, .parameter:
                guard index < parts.count else { return false }
            case .constant(let value):
                guard index < parts.count, parts[index] == value else { return false }
            }
            index += 1
        }
        return index == parts.count
    }
}
