import Fluent
import Foundation

/// The business side of a seller account.
final class Seller: Model, @unchecked Sendable {
    static let schema = "sellers"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data
    @OptionalField(key: "business_name") var businessName: String?
    @OptionalField(key: "business_description") var businessDescription: String?
    @OptionalField(key: "business_address") var businessAddress: String?
    @OptionalField(key: "company_number") var companyNumber: String?
    @OptionalField(key: "vat_number") var vatNumber: String?
    @OptionalField(key: "website") var website: String?
    @OptionalField(key: "years_in_business") var yearsInBusiness: Int?
    @Field(key: "verification_status") var verificationStatus: User.VerificationState

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}

    init(userID: UUID) {
        self.$user.id = userID
        self.verificationStatus = .unverified
    }
}

/// What a buyer looks for; `preferences` holds the JSON of `BuyerPreferences`.
final class Buyer: Model, @unchecked Sendable {
    static let schema = "buyers"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data
    @Field(key: "preferences") var preferences: String
    @OptionalField(key: "subscription_id") var subscriptionID: UUID?
    @Field(key: "verification_status") var verificationStatus: User.VerificationState

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}

    init(userID: UUID) {
        self.$user.id = userID
        self.preferences = "{}"
        self.verificationStatus = .unverified
    }
}

/// A KYC document uploaded by a user; the bytes live in the `FileStore` under `storageKey`.
final class UserDocument: Model, @unchecked Sendable {
    static let schema = "user_documents"

    enum Status: String, Codable, Sendable {
        case pending, approved, rejected
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "uploaded_at", on: .create) var uploadedAt: Date?

    // data
    @Field(key: "document_type") var documentType: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size_bytes") var sizeBytes: Int64
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "review_notes") var reviewNotes: String?

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}
}
