import EaglehurstAPI
import Fluent
import Foundation
import JWT
import SQLKit
import Vapor

/// The account rules: registration, email verification, sign-in with rotating refresh tokens,
/// sign-out and password reset.
struct AuthService {
    let app: Application
    let request: Request

    static let otpLifetime: TimeInterval = 10 * 60
    static let otpMaxFailures = 5
    static let resetLifetime: TimeInterval = 60 * 60
    static let refreshLifetime: TimeInterval = 30 * 24 * 60 * 60

    var db: any Database { request.db }
    var now: Date { app.serverEnvironment.now() }
    var limiter: RateLimiter { RateLimiter(db: db, enabled: app.settings.rateLimitEnabled, now: now) }
    var clientIP: String { request.clientAddress }

    static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    // MARK: registration and verification

    func register(_ body: Components.Schemas.RegisterRequest) async throws -> User {
        var checks: [(field: String, problems: [String])] = [
            ("email", Validation.email(body.email)),
            ("password", Validation.password(body.password)),
            ("first_name", Validation.name(body.firstName)),
            ("last_name", Validation.name(body.lastName)),
        ]
        if let phone = body.phone, !phone.isEmpty { checks.append(("phone", Validation.phone(phone))) }
        let errors = Validation.collect(checks)
        guard errors.isEmpty else { throw Problem.validation(errors) }

        let email = Self.normalize(body.email)
        if try await User.query(on: db).filter(\.$email == email).count() > 0 {
            throw Self.emailTaken(email)
        }
        let hash = try await request.password.async.hash(body.password)
        let kind: User.Kind = body.userType == .seller ? .seller : .buyer
        let user = User(
            email: email, passwordHash: hash, userType: kind,
            firstName: body.firstName.trimmingCharacters(in: .whitespaces),
            lastName: body.lastName.trimmingCharacters(in: .whitespaces),
            phone: body.phone.flatMap { $0.isEmpty ? nil : $0 })
        let code = Secrets.otp()
        do {
            try await db.transaction { db in
                try await user.create(on: db)
                let userID = try user.requireID()
                switch kind {
                case .seller: try await Seller(userID: userID).create(on: db)
                case .buyer: try await Buyer(userID: userID).create(on: db)
                case .admin: break
                }
                try await EmailVerification(
                    userID: userID, otpHash: Secrets.hmac(code, key: app.codeKey),
                    expiresAt: now.addingTimeInterval(Self.otpLifetime)
                ).create(on: db)
                try await queueMail(AuthMail.verification(to: user, code: code, from: app.settings.mailFrom), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Self.emailTaken(email)
        }
        app.analyticsLog.activity(user, .register, ["user_type": kind.rawValue], at: now)
        app.analyticsLog.step(user, .registered, at: now)
        return user
    }

    static func emailTaken(_ email: String) -> Problem {
        Problem(
            .conflict, slug: "email-taken", title: "This email is already registered",
            detail: "An account with \(email) exists. Sign in, or reset its password with POST /api/v1/auth/forgot-password.",
            errors: ["email": ["is already registered"]])
    }

    func verifyEmail(_ body: Components.Schemas.VerifyEmailRequest) async throws -> User {
        let code = body.otpCode.trimmingCharacters(in: .whitespaces)
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Problem.validation(["otp_code": ["must be the 6-digit code from the email"]])
        }
        // One answer for every failure (unknown email, already verified, wrong, expired, used up), so that
        // the answers do not tell which emails have accounts.
        let invalid = Problem(
            .badRequest, slug: "invalid-code", title: "The code is not valid",
            detail: "The code is wrong, has expired, or was entered wrongly \(Self.otpMaxFailures) times. Check it, or ask for a new one with POST /api/v1/auth/resend-otp.",
            errors: ["otp_code": ["is wrong, expired or used up"]])
        // One statement finds the email's pending code and counts the attempt before the code is compared,
        // so that codes sent at the same moment each take one of the 5 tries and a sixth never gets
        // compared. It is the same statement, and the same HMAC, for an email without an account: a
        // lookup of the user first, then of the code, made a known email answer 45 % slower (issue 28).
        let sql = db.sql
        let counted = try await sql.raw("""
            UPDATE \(ident: EmailVerification.schema) SET failed_attempts = failed_attempts + 1
            WHERE id = (SELECT v.id FROM \(ident: EmailVerification.schema) v JOIN \(ident: User.schema) u ON u.id = v.user_id
                        WHERE u.email = \(bind: Self.normalize(body.email)) AND u.email_verified = \(bind: false)
                            AND v.is_used = \(bind: false)
                        ORDER BY v.created_at DESC LIMIT 1)
                AND is_used = \(bind: false) AND failed_attempts < \(bind: Self.otpMaxFailures) AND expires_at > \(bind: now)
            RETURNING id, user_id, otp_hash
            """).all()
        let given = Secrets.hmac(code, key: app.codeKey)
        guard let pending = counted.first,
              Secrets.constantTimeEquals(try pending.decode(column: "otp_hash", as: String.self), given),
              let user = try await User.find(try pending.decode(column: "user_id", as: UUID.self), on: db) else {
            throw invalid
        }
        let verificationID = try pending.decode(column: "id", as: UUID.self)
        try await db.transaction { db in
            try await EmailVerification.query(on: db).filter(\.$id == verificationID).set(\.$isUsed, to: true).update()
            user.emailVerified = true
            user.emailVerifiedAt = now
            try await user.save(on: db)
        }
        app.authSessionCache.forget(user: try user.requireID())  // after the commit, see AuthSessionCache
        app.analyticsLog.activity(user, .emailVerified, at: now)
        app.analyticsLog.step(user, .emailVerified, at: now)
        return user
    }

    /// Queues the account's half (`AccountMailJob`) whether or not the email has an account, so the
    /// answer costs the same either way.
    func resendOTP(_ body: Components.Schemas.EmailRequest) async throws -> String {
        let email = Self.normalize(body.email)
        _ = try await limiter.reserve([(.otpPerIP, clientIP), (.otpPerEmail, email)])
        try await app.jobs.enqueue(.accountMail, AccountMailJob(purpose: .verificationCode, email: email), on: db)
        return "If \(email) has an account that is not verified yet, a new code is on its way. It is valid for 10 minutes."
    }

    // MARK: sign-in and tokens

    func login(_ body: Components.Schemas.LoginRequest) async throws -> Components.Schemas.TokenResponse {
        let email = Self.normalize(body.email)
        // Every attempt takes its place under the limits before the password is checked, so sign-ins sent
        // at once cannot all slip under them; a right password gives its places back.
        let attempts = try await limiter.reserve([
            (.failedLoginPerEmailAndIP, "\(email)|\(clientIP)"), (.failedLoginPerEmail, email), (.failedLoginPerIP, clientIP),
        ])
        let user = try await User.query(on: db).filter(\.$email == email).first()
        let matches: Bool
        if let user {
            matches = try await request.password.async.verify(body.password, created: user.passwordHash)
        } else {
            // Same work whether or not the account exists, so timing does not reveal accounts.
            _ = try? await request.password.async.verify(body.password, created: Self.dummyHash)
            matches = false
        }
        guard let user, matches else {
            throw Problem(
                .unauthorized, slug: "invalid-credentials", title: "Email or password is wrong",
                detail: "Check both and try again, or reset your password with POST /api/v1/auth/forgot-password.")
        }
        try await limiter.release(attempts)
        // Only a right password learns that the account is suspended: a wrong one answers as above.
        try Authenticator.ensureNotSuspended(user)
        let session = AuthSession(
            userID: try user.requireID(), userAgent: request.headers.first(name: .userAgent), ipAddress: clientIP)
        session.lastUsedAt = now
        user.lastLoginAt = now
        let refresh = Secrets.randomToken()
        try await db.transaction { db in
            try await session.create(on: db)
            try await user.save(on: db)
            try await RefreshToken(
                sessionID: session.requireID(), tokenHash: Secrets.sha256(refresh),
                expiresAt: now.addingTimeInterval(Self.refreshLifetime)
            ).create(on: db)
        }
        app.authSessionCache.forget(user: try user.requireID())  // after the commit, see AuthSessionCache
        app.analyticsLog.activity(user, .signIn, at: now)
        return try await tokens(for: user, session: session, refresh: refresh)
    }

    /// A bcrypt hash of a random password, to spend the same time on unknown emails.
    static let dummyHash = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5BWs4i5d3zTtTg3r2lOvv8i4ZB0R2Ta"

    func refresh(_ body: Components.Schemas.RefreshTokenRequest) async throws -> Components.Schemas.TokenResponse {
        let invalid = Problem(
            .unauthorized, slug: "invalid-refresh-token", title: "Sign in again",
            detail: "The refresh token is not valid or has expired. Sign in with POST /api/v1/auth/login.")
        guard let stored = try await RefreshToken.query(on: db)
            .filter(\.$tokenHash == Secrets.sha256(body.refreshToken)).with(\.$session).first() else {
            throw invalid
        }
        let session = stored.session
        guard session.revokedAt == nil, stored.expiresAt > now else { throw invalid }
        let rotated = try await db.sql
            .update(RefreshToken.schema).set("rotated_at", to: now)
            .where("id", .equal, try stored.requireID()).where("rotated_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !rotated.isEmpty else {
            // A token that was already exchanged came back: someone else may hold this family.
            session.revokedAt = now
            session.revokedReason = "refresh token reuse"
            try await session.save(on: db)
            app.logger.warning("refresh token reuse; session revoked", metadata: ["session": "\(session.id?.uuidString ?? "")"])
            throw Problem(
                .unauthorized, slug: "refresh-token-reused", title: "Sign in again",
                detail: "This refresh token was already used, so the sign-in was ended to keep the account safe. Sign in with POST /api/v1/auth/login.")
        }
        guard let user = try await User.find(session.$user.id, on: db) else { throw invalid }
        try Authenticator.ensureNotSuspended(user)
        let next = Secrets.randomToken()
        session.lastUsedAt = now
        try await db.transaction { db in
            try await session.save(on: db)
            try await RefreshToken(
                sessionID: session.requireID(), tokenHash: Secrets.sha256(next),
                expiresAt: now.addingTimeInterval(Self.refreshLifetime)
            ).create(on: db)
        }
        return try await tokens(for: user, session: session, refresh: next)
    }

    func logout(_ body: Components.Schemas.RefreshTokenRequest) async throws {
        guard let stored = try await RefreshToken.query(on: db)
            .filter(\.$tokenHash == Secrets.sha256(body.refreshToken)).with(\.$session).first() else { return }
        let session = stored.session
        guard session.revokedAt == nil else { return }
        session.revokedAt = now
        session.revokedReason = "signed out"
        try await session.save(on: db)
    }

    func tokens(for user: User, session: AuthSession, refresh: String) async throws -> Components.Schemas.TokenResponse {
        let claims = AccessClaims(
            sub: .init(value: try user.requireID().uuidString),
            sid: try session.requireID().uuidString,
            iat: .init(value: now),
            exp: .init(value: now.addingTimeInterval(Authenticator.accessTokenLifetime)),
            typ: "access")
        let access = try await request.jwt.sign(claims)
        return .init(
            accessToken: access, refreshToken: refresh, tokenType: .bearer,
            expiresIn: Int(Authenticator.accessTokenLifetime), user: try user.toDTO())
    }

    // MARK: password reset

    /// Queues the account's half (`AccountMailJob`) whether or not the email has an account, so the
    /// answer costs the same either way.
    func forgotPassword(_ body: Components.Schemas.EmailRequest) async throws -> String {
        let email = Self.normalize(body.email)
        _ = try await limiter.reserve([(.resetPerIP, clientIP), (.resetPerEmail, email)])
        try await app.jobs.enqueue(.accountMail, AccountMailJob(purpose: .passwordReset, email: email), on: db)
        return "If \(email) has an account, a reset token is on its way. It is valid for 1 hour."
    }

    func resetPassword(_ body: Components.Schemas.ResetPasswordRequest) async throws {
        let problems = Validation.password(body.newPassword)
        guard problems.isEmpty else { throw Problem.validation(["new_password": problems]) }
        let invalid = Problem(
            .badRequest, slug: "invalid-reset-token", title: "The reset token is not valid",
            detail: "The token is wrong, was already used, or has expired. Ask for a new one with POST /api/v1/auth/forgot-password.",
            errors: ["token": ["is wrong, used or expired"]])
        guard let reset = try await PasswordReset.query(on: db)
            .filter(\.$tokenHash == Secrets.sha256(body.token.trimmingCharacters(in: .whitespacesAndNewlines))).first(),
            !reset.isUsed, reset.expiresAt > now,
            let user = try await User.find(reset.$user.id, on: db) else {
            throw invalid
        }
        let hash = try await request.password.async.hash(body.newPassword)
        let userID = try user.requireID()
        let resetID = try reset.requireID()
        try await db.transaction { db in
            // One reset spends every outstanding reset token of the user, not only this one; if this one
            // was spent meanwhile (the same token sent twice at once), the later one changes nothing.
            let spent = try await db.sql.update(PasswordReset.schema).set("is_used", to: true)
                .where("user_id", .equal, userID).where("is_used", .equal, false)
                .returning("id").all()
            guard try spent.contains(where: { try $0.decode(column: "id", as: UUID.self) == resetID }) else { throw invalid }
            user.passwordHash = hash
            try await user.save(on: db)
            try await AuthSession.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: now).set(\.$revokedReason, to: "password reset").update()
        }
        // The bulk update ends every session without the model middleware seeing them.
        app.authSessionCache.forget(user: userID)
    }

    /// Queues a mail on `db` — the transaction of the work it reports, so both commit or neither.
    /// Sending it is the job worker's, with retries; a failure to send never undoes the action.
    func queueMail(_ message: MailMessage, on db: any Database) async throws {
        try await app.jobs.enqueue(.mail, MailJob(message), on: db)
    }
}
