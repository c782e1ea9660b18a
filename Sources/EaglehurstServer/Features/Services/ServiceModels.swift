import Fluent
import Foundation

/// A firm that takes service requests. `services` and `regions` are stored comma-separated.
final class ServiceProvider: Model, @unchecked Sendable {
    static let schema = "service_providers"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "company_name") var companyName: String
    @Field(key: "services") var servicesList: String
    @Field(key: "regions") var regionsList: String
    @OptionalField(key: "description") var about: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @OptionalField(key: "website") var website: String?
    @Field(key: "rating") var rating: Double
    @Field(key: "review_count") var reviewCount: Int
    @Field(key: "is_active") var isActive: Bool

    init() {}

    var services: [ServiceRequest.Kind] { servicesList.split(separator: ",").compactMap { ServiceRequest.Kind(rawValue: String($0)) } }
    var regions: [String] { regionsList.split(separator: ",").map(String.init) }

    func offers(_ kind: ServiceRequest.Kind) -> Bool { services.contains(kind) }

    func works(in region: String) -> Bool {
        let wanted = region.trimmingCharacters(in: .whitespaces).lowercased()
        return regions.contains { $0.lowercased() == wanted || $0 == "National" }
    }
}

/// A kind of request with a description for the user to edit.
final class ServiceTemplate: Model, @unchecked Sendable {
    static let schema = "service_templates"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "template_name") var templateName: String
    @Field(key: "service_type") var serviceType: ServiceRequest.Kind
    @OptionalField(key: "description") var about: String?
    @Field(key: "content") var content: String

    init() {}

    init(name: String, type: ServiceRequest.Kind, description: String, content: String) {
        self.templateName = name
        self.serviceType = type
        self.about = description
        self.content = content
    }
}

final class ServiceRequest: Model, @unchecked Sendable {
    static let schema = "service_requests"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case legal, valuation, dueDiligence = "due_diligence", accounting, finance, compliance, other
    }

    enum Urgency: String, Codable, Sendable, CaseIterable {
        case low, normal, high, urgent

        /// The desk's queue sorts by this, most urgent first.
        var rank: Int { Self.allCases.firstIndex(of: self)! }
    }

    enum Status: String, Codable, Sendable, CaseIterable {
        case submitted, inReview = "in_review", assigned, inProgress = "in_progress", completed, cancelled
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    // data
    @Field(key: "service_type") var serviceType: Kind
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "urgency") var urgency: Urgency
    @Field(key: "urgency_rank") var urgencyRank: Int
    @Field(key: "status") var status: Status
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "assigned_at") var assignedAt: Date?
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    /// The `seq` of the last message the requester, and the desk, has read.
    @Field(key: "requester_read_seq") var requesterReadSeq: Int64
    @Field(key: "desk_read_seq") var deskReadSeq: Int64

    // relationships
    @Parent(key: "user_id") var user: User
    @OptionalParent(key: "listing_id") var listing: Listing?
    @OptionalParent(key: "connection_id") var connection: Connection?
    @OptionalParent(key: "preferred_provider_id") var preferredProvider: ServiceProvider?
    @OptionalParent(key: "provider_id") var provider: ServiceProvider?

    init() {}
}

final class ServiceCommunication: Model, @unchecked Sendable {
    static let schema = "service_communications"

    @ID(key: .id) var id: UUID?
    @Field(key: "sender_type") var senderType: ServiceSender
    @Field(key: "message") var message: String
    @Field(key: "created_at") var createdAt: Date
    /// Microseconds since 1970, as `Message.seq`: an exact order to page and poll by.
    @Field(key: "seq") var seq: Int64
    @Parent(key: "service_request_id") var request: ServiceRequest
    @OptionalParent(key: "sender_id") var sender: User?

    init() {}

    init(requestID: UUID, senderID: UUID, as senderType: ServiceSender, message: String, at: Date) {
        self.$request.id = requestID
        self.$sender.id = senderID
        self.senderType = senderType
        self.message = message
        self.createdAt = at
        self.seq = Int64((at.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// Who speaks in a request's thread or uploads to it: the requester, the provider (through the
/// admin desk) or the desk itself.
enum ServiceSender: String, Codable, Sendable, CaseIterable {
    case user, provider, admin
}

final class ServiceDocument: Model, @unchecked Sendable {
    static let schema = "service_documents"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case accounts, lease, contract, valuationReport = "valuation_report", registration, correspondence, other
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // data
    @Field(key: "sender_type") var senderType: ServiceSender
    @Field(key: "document_type") var documentType: Kind
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size_bytes") var sizeBytes: Int64
    @Field(key: "storage_key") var storageKey: String

    // relationships
    @Parent(key: "service_request_id") var request: ServiceRequest
    @OptionalParent(key: "uploaded_by") var uploader: User?

    init() {}
}
