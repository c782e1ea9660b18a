import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Sends the session's access token as `Authorization: Bearer` and, when the server answers 401,
/// renews the session once through the keeper and sends the request again, once. When the server
/// refuses the refresh token, the request fails with `SessionExpiredError`.
package struct SessionMiddleware: ClientMiddleware {
    package let keeper: SessionKeeper

    package init(keeper: SessionKeeper) {
        self.keeper = keeper
    }

    /// Operations whose credential travels in the body, or that need none: no bearer token, and their
    /// 401 (a wrong password, a spent refresh token) is the answer, not a reason to refresh.
    static let credentialOperations: Set<String> = [
        "healthGet", "authRegister", "authLogin", "authLogout", "authRefresh", "authVerifyEmail",
        "authResendOtp", "authForgotPassword", "authResetPassword",
    ]

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if Self.credentialOperations.contains(operationID) { return try await next(request, body, baseURL) }
        guard let token = await keeper.session?.accessToken else {
            let answer = try await next(request, body, baseURL)
            // Sent just after the session expired (a sibling request's refresh was refused).
            if answer.0.status == .unauthorized, await keeper.hasExpired { throw SessionExpiredError() }
            return answer
        }
        let body = try await Self.replayable(body)
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        let first = try await next(request, body, baseURL)
        guard first.0.status == .unauthorized else { return first }
        switch await keeper.renew(rejected: token) {
        case .renewed(let accessToken):
            request.headerFields[.authorization] = "Bearer \(accessToken)"
            return try await next(request, body, baseURL)
        case .expired:
            throw SessionExpiredError()
        case .failed(let error):
            throw (error as? ClientError)?.underlyingError ?? error
        case .noSession:
            return first
        }
    }

    /// A streamed body can be sent only once; a retry needs its bytes.
    static func replayable(_ body: HTTPBody?) async throws -> HTTPBody? {
        guard let body, body.iterationBehavior == .single else { return body }
        return HTTPBody(try await Data(collecting: body, upTo: .max))
    }
}

/// The server refused to renew the session: the user must sign in again.
package struct SessionExpiredError: Error, Equatable, CustomStringConvertible {
    package init() {}
    package var description: String { "the session expired" }
}

/// Headers of an answer that the generated client drops for problem answers, kept for the effect that
/// made the request (a task-local, so concurrent effects do not see each other's).
final class ResponseNotes: Sendable {
    @TaskLocal static var current: ResponseNotes?

    private let retryAfter = Mutex<Int?>(nil)

    /// `Retry-After` of the last answer, in seconds.
    var retryAfterSeconds: Int? { retryAfter.withLock { $0 } }

    func record(_ response: HTTPResponse) {
        let seconds = response.headerFields[.retryAfter].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        retryAfter.withLock { $0 = seconds }
    }
}

struct ResponseNotesMiddleware: ClientMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let answer = try await next(request, body, baseURL)
        ResponseNotes.current?.record(answer.0)
        return answer
    }
}
