import Foundation
import Vapor

/// An RFC 9457 problem: the one shape every error leaves the server in.
///
/// Handlers throw `Problem`s for what the caller can fix (4xx); `ProblemMiddleware` turns every
/// other error into one too, so no client ever sees Vapor's default body or a stack trace.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponseStatus
    public var title: String
    public var detail: String?
    /// Field → messages, for 422 answers.
    public var errors: [String: [String]]?
    /// A short slug appended to the type URI, e.g. `validation`, `not-found`.
    public var slug: String
    public var headers: HTTPHeaders

    public init(
        _ status: HTTPResponseStatus,
        slug: String? = nil,
        title: String? = nil,
        detail: String? = nil,
        errors: [String: [String]]? = nil,
        headers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.slug = slug ?? Problem.defaultSlug(status)
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var type: String { "https://eaglehurst.example/problems/\(slug)" }

    static func defaultSlug(_ status: HTTPResponseStatus) -> String {
        status.reasonPhrase.lowercased()
            .replacingOccurrences(of: "'", with: "")
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .joined(separator: "-")
    }
}

extension Problem {
    public static func validation(_ errors: [String: [String]], detail: String? = nil) -> Problem {
        let fields = errors.keys.sorted().joined(separator: ", ")
        return Problem(
            .unprocessableEntity, slug: "validation", title: "The request has invalid fields",
            detail: detail ?? "Fix these fields and try again: \(fields).", errors: errors)
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, slug: "not-found", title: "Not found", detail: "\(what) does not exist or is not visible to you.")
    }

    public static func notImplemented(operation: String) -> Problem {
        Problem(
            .notImplemented, slug: "not-implemented", title: "Not implemented yet",
            detail: "The operation \(operation) is part of the API contract but this server does not implement it yet.")
    }

    public static let unauthorized = Problem(
        .unauthorized, slug: "unauthorized", title: "Sign-in required",
        detail: "Send a valid access token as 'Authorization: Bearer <token>'.",
        headers: ["WWW-Authenticate": "Bearer"])

    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, slug: "forbidden", title: "Not allowed", detail: detail)
    }

    static let unsupportedBody = Problem(
        .unsupportedMediaType, slug: "unsupported-body", title: "Unsupported body",
        detail: "Send the body as application/json.")

    public static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, slug: "conflict", title: "Conflict", detail: detail)
    }
}

/// The JSON body of a problem, as `application/problem+json`.
struct ProblemBody: Codable, Equatable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var errors: [String: [String]]?
    var requestId: String?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case requestId = "request_id"
    }
}

extension Problem {
    func response(for request: Request) -> Response {
        let body = ProblemBody(
            type: type, title: title, status: Int(status.code), detail: detail,
            instance: request.url.path, errors: errors, requestId: request.id)
        var headers = self.headers
        headers.replaceOrAdd(name: .contentType, value: "application/problem+json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"type":"about:blank","title":"Error","status":500}"#.utf8)
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}
