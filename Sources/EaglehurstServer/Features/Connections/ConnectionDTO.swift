import EaglehurstAPI
import Foundation

extension Connection {
    var apiStatus: Components.Schemas.ConnectionStatus { .init(rawValue: status.rawValue)! }

    /// The connection as `viewer` (one of its parties) sees it; its listing only while the viewer may see it.
    func toDTO(unread: Int, viewer: User) throws -> Components.Schemas.Connection {
        .init(
            id: try requireID(), listingId: $listing.id, buyerId: $buyer.id, sellerId: $seller.id, status: apiStatus,
            listing: try $listing.value.map { try $0.toSummary(for: viewer, sellerSuspended: seller.isSuspended) }, buyer: try buyer.toSummary(), seller: try seller.toSummary(),
            initialMessage: initialMessage, responseMessage: responseMessage, lastMessagePreview: lastMessagePreview,
            lastMessageAt: lastMessageAt, unreadCount: unread, blockedBy: blockedBy, respondedAt: respondedAt,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0), updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension Message {
    func toDTO(readAt: Date?) throws -> Components.Schemas.Message {
        .init(
            id: try requireID(), connectionId: $connection.id, senderId: $sender.id, content: content,
            messageType: messageType == .system ? .system : .text, isRead: readAt != nil, readAt: readAt, createdAt: createdAt)
    }
}
