import Fluent
import Foundation

/// A medical business for sale.
final class Listing: Model, @unchecked Sendable {
    static let schema = "listings"

    enum Status: String, Codable, CaseIterable, Sendable {
        case draft, pendingApproval = "pending_approval", published, rejected, sold, archived
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data: public
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "business_type") var businessType: String
    @Field(key: "location") var location: String
    @Field(key: "region") var region: String
    @Field(key: "asking_price") var askingPrice: Int64
    @OptionalField(key: "annual_revenue") var annualRevenue: Int64?
    @OptionalField(key: "net_profit") var netProfit: Int64?
    @OptionalField(key: "staff_count") var staffCount: Int?
    @OptionalField(key: "tenure") var tenure: String?
    @OptionalField(key: "year_established") var yearEstablished: Int?
    @OptionalField(key: "reason_for_sale") var reasonForSale: String?

    // data: confidential (owner, admins, and later accepted buyers)
    @OptionalField(key: "exact_address") var exactAddress: String?
    @OptionalField(key: "postcode") var postcode: String?
    @OptionalField(key: "trading_name") var tradingName: String?

    // data: workflow and counters
    @Field(key: "status") var status: Status
    @OptionalField(key: "rejection_reason") var rejectionReason: String?
    @Field(key: "view_count") var viewCount: Int
    @Field(key: "save_count") var saveCount: Int
    @OptionalField(key: "published_at") var publishedAt: Date?

    // relationships
    @Parent(key: "seller_id") var seller: User
    @Children(for: \.$listing) var media: [ListingMedia]

    init() {}
}

final class ListingMedia: Model, @unchecked Sendable {
    static let schema = "listing_media"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "media_type") var mediaType: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size_bytes") var sizeBytes: Int64
    @Field(key: "storage_key") var storageKey: String
    @OptionalField(key: "caption") var caption: String?
    @Field(key: "display_order") var displayOrder: Int
    @Field(key: "is_confidential") var isConfidential: Bool
    /// The 320 px card and 1280 px view (JPEG), made by the thumbnail job; nil until then and for documents.
    @OptionalField(key: "card_key") var cardKey: String?
    @OptionalField(key: "view_key") var viewKey: String?
    /// The original's size, orientation applied; nil for documents and until read.
    @OptionalField(key: "width") var width: Int?
    @OptionalField(key: "height") var height: Int?
    /// `approved`, or `pending` while media added to a published listing waits for an admin.
    @Field(key: "review_status") var reviewStatus: String

    // relationships
    @Parent(key: "listing_id") var listing: Listing

    init() { reviewStatus = ReviewStatus.approved.rawValue }

    enum ReviewStatus: String, Sendable {
        case approved, pending
    }
}

/// A changed field of a published listing, waiting for an admin.
final class ListingEdit: Model, @unchecked Sendable {
    static let schema = "listing_edits"

    enum Status: String, Codable, Sendable {
        case pending, approved, rejected
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "field_name") var fieldName: String
    @OptionalField(key: "old_value") var oldValue: String?
    @OptionalField(key: "new_value") var newValue: String?
    @Field(key: "status") var status: Status
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?

    // relationships
    @Parent(key: "listing_id") var listing: Listing

    init() {}

    init(listingID: UUID, field: String, old: String?, new: String?) {
        self.$listing.id = listingID
        self.fieldName = field
        self.oldValue = old
        self.newValue = new
        self.status = .pending
    }
}

final class SavedListing: Model, @unchecked Sendable {
    static let schema = "saved_listings"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "notes") var notes: String?
    @Parent(key: "buyer_id") var buyer: User
    @Parent(key: "listing_id") var listing: Listing

    init() {}

    init(buyerID: UUID, listingID: UUID, notes: String?) {
        self.$buyer.id = buyerID
        self.$listing.id = listingID
        self.notes = notes
    }
}
