import EaglehurstAPI
import Fluent
import Foundation
import JWT
import NIOConcurrencyHelpers
import Vapor

/// The claims of an access token: who, which sign-in, until when.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var sid: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var typ: String

    /// The signature is checked by JWTKit; expiry is checked by `Authenticator` against the
    /// server's clock, which tests can move.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }
}

/// Who is asking, resolved once per request from the bearer token.
struct Authenticator {
    let app: Application
    static let accessTokenLifetime: TimeInterval = 15 * 60

    enum Requirement {
        /// Any signed-in, non-suspended user, verified email or not (`/auth/me`).
        case signedIn
        /// A signed-in user who has verified their email, when the server requires it.
        case verified
    }

    func user(_ requirement: Requirement = .verified) async throws -> User {
        let request = try RequestContext.request
        let user = try await resolve(request)
        if requirement == .verified, app.settings.emailVerificationRequired, !user.emailVerified {
            throw Problem(
                .forbidden, slug: "email-not-verified", title: "Verify your email first",
                detail: "Enter the 6-digit code sent to \(user.email) with POST /api/v1/auth/verify-email, or ask for a new one with POST /api/v1/auth/resend-otp.")
        }
        return user
    }

    /// The signed-in user when the request carries a token (which must then be valid), else nil:
    /// for operations that anyone may call but that answer more to signed-in users.
    func optionalUser() async throws -> User? {
        let request = try RequestContext.request
        guard request.headers.bearerAuthorization != nil else { return nil }
        return try await resolve(request)
    }

    func user(_ requirement: Requirement = .verified, is kinds: User.Kind...) async throws -> User {
        let user = try await user(requirement)
        guard kinds.contains(user.userType) else {
            let names = kinds.map(\.rawValue).joined(separator: " or ")
            throw Problem.forbidden("This operation is for \(names) accounts; you are signed in as a \(user.userType.rawValue).")
        }
        return user
    }

    private func resolve(_ request: Request) async throws -> User {
        if let cached = request.storage[AuthenticatedUserKey.self] { return cached }
        guard let bearer = request.headers.bearerAuthorization else { throw Problem.unauthorized }
        let claims: AccessClaims
        do {
            claims = try await request.jwt.verify(bearer.token, as: AccessClaims.self)
        } catch {
            throw Self.invalidToken("The access token is not valid.")
        }
        guard claims.exp.value > app.serverEnvironment.now() else {
            throw Self.invalidToken("The access token has expired.")
        }
        guard let userID = UUID(uuidString: claims.sub.value), let sessionID = UUID(uuidString: claims.sid) else {
            throw Self.invalidToken("The access token is not valid.")
        }
        app.verifiedTokens.store(.init(user: userID, session: sessionID, expires: claims.exp.value), for: bearer.token, now: app.serverEnvironment.now())
        let user: User
        if let cached = try app.authSessionCache.user(session: sessionID, userID: userID, now: app.serverEnvironment.now()) {
            user = cached
        } else {
            user = try await checkSession(sessionID, of: userID, on: request.db)
        }
        try Self.ensureNotSuspended(user)
        request.storage[AuthenticatedUserKey.self] = user
        return user
    }

    /// Reads the session and the user, and keeps them in `AuthSessionCache` for the next requests.
    private func checkSession(_ sessionID: UUID, of userID: UUID, on db: any Database) async throws -> User {
        let cache = app.authSessionCache
        let epoch = cache.epoch
        guard let session = try await AuthSession.find(sessionID, on: db), session.revokedAt == nil,
              session.$user.id == userID else {
            throw Self.invalidToken("This sign-in has ended.")
        }
        let row = NIOLockedValueBox<(any DatabaseOutput)?>(nil)
        try await User.query(on: db).filter(\.$id == userID).limit(1)
            .run { output in row.withLockedValue { $0 = output.qualifiedSchema(space: User.spaceIfNotAliased, User.schemaOrAlias) } }.get()
        guard let userRow = row.withLockedValue({ $0 }) else {
            throw Self.invalidToken("The account no longer exists.")
        }
        let user = User()
        try user.output(from: userRow)
        cache.store(session: sessionID, userID: userID, userRow: userRow, now: app.serverEnvironment.now(), readSince: epoch)
        return user
    }

    static func ensureNotSuspended(_ user: User) throws {
        guard !user.isSuspended else {
            let reason = user.suspendedReason.map { " Reason: \($0)." } ?? ""
            throw Problem(
                .forbidden, slug: "account-suspended", title: "This account is suspended",
                detail: "An administrator suspended this account.\(reason) Contact support to restore it.")
        }
    }

    static func invalidToken(_ what: String) -> Problem {
        Problem(
            .unauthorized, slug: "invalid-token", title: "Sign-in required",
            detail: "\(what) Get a new one with POST /api/v1/auth/refresh, or sign in again.",
            headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
    }
}

struct AuthenticatedUserKey: StorageKey { typealias Value = User }

extension APIHandler {
    var auth: Authenticator { Authenticator(app: app) }
}
