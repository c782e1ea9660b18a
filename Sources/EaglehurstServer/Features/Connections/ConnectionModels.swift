import Fluent
import Foundation

/// A buyer's request about a listing, and the thread it opens with the seller.
final class Connection: Model, @unchecked Sendable {
    static let schema = "connections"

    enum Status: String, Codable, Sendable, CaseIterable {
        case pending, accepted, rejected, blocked
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data
    @Field(key: "status") var status: Status
    @Field(key: "initial_message") var initialMessage: String
    @OptionalField(key: "response_message") var responseMessage: String?
    @OptionalField(key: "blocked_by") var blockedBy: UUID?
    @OptionalField(key: "blocked_reason") var blockedReason: String?
    @OptionalField(key: "responded_at") var respondedAt: Date?
    @OptionalField(key: "last_message_at") var lastMessageAt: Date?
    @OptionalField(key: "last_message_preview") var lastMessagePreview: String?

    // relationships
    @Parent(key: "listing_id") var listing: Listing
    @Parent(key: "buyer_id") var buyer: User
    @Parent(key: "seller_id") var seller: User

    init() {}

    func isParty(_ userID: UUID?) -> Bool {
        userID != nil && ($buyer.id == userID || $seller.id == userID)
    }

    func otherParty(of userID: UUID) -> UUID {
        $buyer.id == userID ? $seller.id : $buyer.id
    }
}

final class Message: Model, @unchecked Sendable {
    static let schema = "messages"

    enum Kind: String, Codable, Sendable {
        case text, system
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "content") var content: String
    @Field(key: "message_type") var messageType: Kind
    @Field(key: "created_at") var createdAt: Date
    /// Microseconds since 1970 when sent: an exact integer to order and page a thread by, where a
    /// timestamp would lose its last digit on a round trip through PostgreSQL.
    @Field(key: "seq") var seq: Int64
    @Parent(key: "connection_id") var connection: Connection
    @Parent(key: "sender_id") var sender: User

    init() {}

    init(connectionID: UUID, senderID: UUID, content: String, kind: Kind, at: Date) {
        self.$connection.id = connectionID
        self.$sender.id = senderID
        self.content = content
        self.messageType = kind
        self.createdAt = at
        self.seq = Int64((at.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

final class MessageRead: Model, @unchecked Sendable {
    static let schema = "message_reads"

    @ID(key: .id) var id: UUID?
    @Field(key: "read_at") var readAt: Date
    @Parent(key: "message_id") var message: Message
    @Parent(key: "user_id") var user: User

    init() {}
}

final class ConnectionNote: Model, @unchecked Sendable {
    static let schema = "connection_notes"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "notes") var notes: String
    @Parent(key: "connection_id") var connection: Connection
    @Parent(key: "user_id") var user: User

    init() {}
}
