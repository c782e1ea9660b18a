import Fluent
import Foundation

/// A person who signs in: buyer, seller or admin.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case buyer, seller, admin
    }

    /// Identity (KYC) verification, set by admins after reviewing documents.
    enum VerificationState: String, Codable, CaseIterable, Sendable {
        case unverified, pending, verified, rejected
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Enum(key: "user_type") var userType: Kind
    @Field(key: "first_name") var firstName: String
    @Field(key: "last_name") var lastName: String
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "email_verified") var emailVerified: Bool
    @Field(key: "is_suspended") var isSuspended: Bool
    @OptionalField(key: "suspended_reason") var suspendedReason: String?
    @OptionalField(key: "avatar_path") var avatarPath: String?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    @OptionalField(key: "email_verified_at") var emailVerifiedAt: Date?
    @Field(key: "verification_status") var verificationStatus: VerificationState
    @OptionalField(key: "verification_notes") var verificationNotes: String?
    @OptionalField(key: "verified_at") var verifiedAt: Date?

    // relationships
    @Children(for: \.$user) var documents: [UserDocument]

    init() {}

    init(
        id: UUID? = nil, email: String, passwordHash: String, userType: Kind,
        firstName: String, lastName: String, phone: String? = nil, emailVerified: Bool = false
    ) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.userType = userType
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.emailVerified = emailVerified
        self.isSuspended = false
        self.verificationStatus = .unverified
    }
}
