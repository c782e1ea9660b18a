import Fluent
import Foundation

/// A pending email verification: a 6-digit code, stored as an HMAC, valid 10 minutes, 5 tries.
final class EmailVerification: Model, @unchecked Sendable {
    static let schema = "email_verifications"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "otp_hash") var otpHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "failed_attempts") var failedAttempts: Int
    @Field(key: "is_used") var isUsed: Bool

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}

    init(userID: UUID, otpHash: String, expiresAt: Date) {
        self.$user.id = userID
        self.otpHash = otpHash
        self.expiresAt = expiresAt
        self.failedAttempts = 0
        self.isUsed = false
    }
}

/// A password reset: a random token, stored hashed, valid 1 hour, single use.
final class PasswordReset: Model, @unchecked Sendable {
    static let schema = "password_resets"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "is_used") var isUsed: Bool

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}

    init(userID: UUID, tokenHash: String, expiresAt: Date) {
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.isUsed = false
    }
}

/// One sign-in. Its refresh tokens rotate; revoking it ends every token of the family.
final class AuthSession: Model, @unchecked Sendable {
    static let schema = "auth_sessions"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revoked_reason") var revokedReason: String?
    @OptionalField(key: "user_agent") var userAgent: String?
    @OptionalField(key: "ip_address") var ipAddress: String?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}

    init(userID: UUID, userAgent: String?, ipAddress: String?) {
        self.$user.id = userID
        self.userAgent = userAgent
        self.ipAddress = ipAddress
    }
}

/// A refresh token of a session, stored as a SHA-256 hash. `rotatedAt` is set when it was exchanged.
final class RefreshToken: Model, @unchecked Sendable {
    static let schema = "refresh_tokens"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "rotated_at") var rotatedAt: Date?

    // relationships
    @Parent(key: "session_id") var session: AuthSession

    init() {}

    init(sessionID: UUID, tokenHash: String, expiresAt: Date) {
        self.$session.id = sessionID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}

final class RateLimitEvent: Model, @unchecked Sendable {
    static let schema = "rate_limit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "bucket") var bucket: String
    @Field(key: "key") var key: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(bucket: String, key: String, createdAt: Date) {
        self.bucket = bucket
        self.key = key
        self.createdAt = createdAt
    }
}
