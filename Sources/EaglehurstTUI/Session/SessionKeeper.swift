import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// What the server said to a refresh token.
package enum RefreshAnswer: Sendable {
    case renewed(accessToken: String, refreshToken: String)
    /// 401 or 403: the refresh token is expired, revoked or was used before.
    case rejected
    /// No answer that settles it (unreachable, 5xx, 429): the session stays, a later request tries again.
    case failed(any Error)
}

/// The one holder of the session's tokens for one server. An actor, so requests that all hear 401 at
/// once share one refresh instead of each spending (and so revoking) the single-use refresh token.
package actor SessionKeeper {
    package typealias Refresh = @Sendable (_ refreshToken: String) async -> RefreshAnswer

    package enum Renewal: Sendable {
        case renewed(accessToken: String)
        /// The server refused the refresh token: the session is gone, here and on disk.
        case expired
        case failed(any Error)
        case noSession
    }

    /// The key the store files this session under: the server's URL, or a stable name for a server
    /// whose URL changes from run to run.
    package let server: String
    private let store: SessionStore?
    private let refresh: Refresh
    package private(set) var session: StoredSession?
    private var renewal: Task<Renewal, Never>?
    /// The access token of the last session the server refused to renew, so a request that was out
    /// with it learns the session expired rather than that there is none.
    private var refusedAccessToken: String?

    /// Starts with the session stored for `server`, if any. A nil store keeps the session in memory only.
    package init(server: String, store: SessionStore?, refresh: @escaping Refresh) {
        self.server = server
        self.store = store
        self.refresh = refresh
        self.session = store?.load(server: server)
    }

    /// Keeps the session of a new sign-in. It is in use even when saving it fails; the error says why
    /// it will not survive a restart.
    package func begin(_ session: StoredSession) throws {
        self.session = session
        refusedAccessToken = nil
        try store?.save(session, server: server)
    }

    /// Forgets the session, here and on disk, and hands it back so sign-out can revoke it on the server.
    package func end() -> StoredSession? {
        let ended = session
        session = nil
        refusedAccessToken = nil
        try? store?.save(nil, server: server)
        return ended
    }

    /// The server refused to renew the last session, and no one has signed in since.
    package var hasExpired: Bool { session == nil && refusedAccessToken != nil }

    /// Called after the server rejected `accessToken`. Refreshes once for every caller that saw the
    /// same token rejected; one that comes after the refresh gets the new token at once.
    package func renew(rejected accessToken: String) async -> Renewal {
        if let renewal { return await renewal.value }
        guard let session else { return accessToken == refusedAccessToken ? .expired : .noSession }
        guard session.accessToken == accessToken else { return .renewed(accessToken: session.accessToken) }
        let task = Task { await self.performRenewal(of: session) }
        renewal = task
        return await task.value
    }

    private func performRenewal(of old: StoredSession) async -> Renewal {
        let answer = await refresh(old.refreshToken)
        defer { renewal = nil }
        // A sign-out or a new sign-in while the refresh was out wins over its answer.
        guard session == old else { return session.map { .renewed(accessToken: $0.accessToken) } ?? .expired }
        switch answer {
        case .renewed(let accessToken, let refreshToken):
            let renewed = StoredSession(email: old.email, accessToken: accessToken, refreshToken: refreshToken)
            session = renewed
            // Kept in memory even if the disk refuses; the next start then asks the user to sign in.
            try? store?.save(renewed, server: server)
            return .renewed(accessToken: accessToken)
        case .rejected:
            session = nil
            refusedAccessToken = old.accessToken
            try? store?.save(nil, server: server)
            return .expired
        case .failed(let error):
            return .failed(error)
        }
    }
}

extension SessionKeeper {
    /// Refreshes through `client`, which must not carry the session middleware itself.
    package static func refresher(client: Client) -> Refresh {
        { refreshToken in
            do {
                switch try await client.authRefresh(body: .json(.init(refreshToken: refreshToken))) {
                case .ok(let ok):
                    let tokens = try ok.body.json
                    return .renewed(accessToken: tokens.accessToken, refreshToken: tokens.refreshToken)
                case .default(let statusCode, let problem):
                    if statusCode == 401 || statusCode == 403 { return .rejected }
                    let title = (try? problem.body.applicationProblemJson.title) ?? "HTTP \(statusCode)"
                    return .failed(RefreshFailed(statusCode: statusCode, title: title))
                }
            } catch {
                return .failed(error)
            }
        }
    }
}

/// The refresh was answered with something other than new tokens or a refusal.
package struct RefreshFailed: Error, Equatable, CustomStringConvertible {
    package var statusCode: Int
    package var title: String

    package var description: String { "renewing the session failed: \(title) (HTTP \(statusCode))" }
}
