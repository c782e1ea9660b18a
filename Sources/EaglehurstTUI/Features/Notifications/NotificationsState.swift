import EaglehurstAPI
import Foundation

public struct NotificationsAnswer: Equatable, Sendable {
    /// Nil: 304.
    public var items: [AppNotification]?
    public var total: Int
    /// Nil with a 304.
    public var unread: Int?
    public var etag: String?

    public init(items: [AppNotification]?, total: Int, unread: Int?, etag: String?) {
        self.items = items
        self.total = total
        self.unread = unread
        self.etag = etag
    }
}

public struct NotificationsScreenState: Equatable, Sendable {
    public var items: [AppNotification] = []
    public var total: Int?
    public var cursor = ListCursor(count: 0, viewportHeight: 10)
    public var isLoading = false
    public var failure: RequestFailure?
    public var isStale = false
    public var etag: String?
    public var unreadOnly = false
    /// The preferences panel over the list, when open.
    public var preferences: PreferencesState?

    public var selected: AppNotification? { items.indices.contains(cursor.selected) ? items[cursor.selected] : nil }
}

public struct PreferencesState: Equatable, Sendable {
    public var items: [NotificationPreference] = []
    public var cursor = ListCursor(count: 0, viewportHeight: 10)
    public var isLoading = true
    public var isSaving = false
    public var failure: RequestFailure?

    public var selected: NotificationPreference? { items.indices.contains(cursor.selected) ? items[cursor.selected] : nil }
}
