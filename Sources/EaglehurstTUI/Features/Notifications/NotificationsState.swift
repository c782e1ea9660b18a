import EaglehurstAPI
import Foundation

package struct NotificationsAnswer: Equatable, Sendable {
    /// Nil: 304.
    package var items: [AppNotification]?
    package var total: Int
    /// Nil with a 304.
    package var unread: Int?
    package var etag: String?

    package init(items: [AppNotification]?, total: Int, unread: Int?, etag: String?) {
        self.items = items
        self.total = total
        self.unread = unread
        self.etag = etag
    }
}

package struct NotificationsScreenState: Equatable, Sendable {
    package var items: [AppNotification] = []
    package var total: Int?
    package var cursor = ListCursor(count: 0, viewportHeight: 10)
    package var isLoading = false
    package var failure: RequestFailure?
    package var isStale = false
    package var etag: String?
    package var unreadOnly = false
    /// The preferences panel over the list, when open.
    package var preferences: PreferencesState?

    package var selected: AppNotification? { items.indices.contains(cursor.selected) ? items[cursor.selected] : nil }
}

package struct PreferencesState: Equatable, Sendable {
    package var items: [NotificationPreference] = []
    package var cursor = ListCursor(count: 0, viewportHeight: 10)
    package var isLoading = true
    package var isSaving = false
    package var failure: RequestFailure?

    package var selected: NotificationPreference? { items.indices.contains(cursor.selected) ? items[cursor.selected] : nil }
}
