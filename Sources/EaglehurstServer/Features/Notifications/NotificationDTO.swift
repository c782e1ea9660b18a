import EaglehurstAPI
import Foundation

extension Notification {
    func toDTO() throws -> Components.Schemas.Notification {
        .init(
            id: try requireID(), userId: $user.id, _type: .init(rawValue: type) ?? .system, title: title, message: message,
            isRead: isRead, actionUrl: actionURL, readAt: readAt, createdAt: createdAt)
    }
}

extension PushDevice {
    func toDTO() throws -> Components.Schemas.PushDevice {
        .init(
            id: try requireID(), platform: .init(rawValue: platform) ?? .web, isActive: isActive,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0), lastUsedAt: lastUsedAt)
    }
}
