import EaglehurstAPI
import Foundation

extension App {
    static func notificationsAction(_ action: Action, state: inout AppState) -> [Effect] {
        var screen = state.conversations.notifications
        if screen.cursor.move(action) {
            state.conversations.notifications = screen
            return []
        }
        switch action {
        case .open:
            guard let notification = screen.selected else { return [] }
            let read: [Effect] = notification.isRead ? [] : [.conversations(.markNotificationRead(notification.id))]
            return read + follow(notification, state: &state)
        case .markRead:
            guard let notification = screen.selected, !notification.isRead else { return [] }
            return [.conversations(.markNotificationRead(notification.id))]
        case .markAllRead:
            return [.conversations(.markAllNotificationsRead)]
        case .toggleUnread:
            screen.unreadOnly.toggle()
            screen.etag = nil
            screen.isLoading = true
            state.conversations.notifications = screen
            state.message = .info(screen.unreadOnly ? "Showing unread notifications only." : "Showing all notifications.")
            return restartPoll(&state)
        case .showPreferences:
            screen.preferences = PreferencesState(cursor: ListCursor(count: 0, viewportHeight: Layout.tableViewportHeight(state.size)))
            state.conversations.notifications = screen
            return [.conversations(.loadPreferences)]
        case .refresh:
            screen.etag = nil
            state.conversations.notifications = screen
            return restartPoll(&state)
        case .back:
            return goBack(&state)
        default:
            return []
        }
        state.conversations.notifications = screen
        return []
    }

    /// Goes where a notification points: its `action_url` is the API path of what it is about.
    static func follow(_ notification: AppNotification, state: inout AppState) -> [Effect] {
        let path = notification.actionUrl ?? ""
        let parts = path.split(separator: "?")[safe: 0].map { $0.split(separator: "/").map(String.init) } ?? []
        let query = path.split(separator: "?").dropFirst().first.map(String.init) ?? ""
        // ["api", "v1", kind, id?]
        let kind = parts.count > 2 ? parts[2] : ""
        let id = parts.count > 3 ? UUID(uuidString: parts[3]) : nil
        switch kind {
        case "connections":
            state.conversations.threads.pendingSelection = id
            if let id, let index = state.conversations.threads.conversations.firstIndex(where: { $0.id == id }) {
                state.conversations.threads.cursor.select(index)
            } else if state.conversations.threads.filter != .all {
                state.conversations.threads.filter = .all
                state.conversations.threads.etag = nil
            }
            state.conversations.threads.focus = .list
            return show(.threads, state: &state) + followSelection(&state)
        case "listings":
            guard let id else { return show(.listings, state: &state) }
            return go(.listing(id, title: notification.title), state: &state)
        case "admin":
            return go(.moderationQueue(query.contains("has_pending_edits") ? .edits : .newListings), state: &state)
        default:
            state.message = .info("This notification points nowhere in the app.")
            return []
        }
    }

    static func preferencesAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard var preferences = state.conversations.notifications.preferences else { return [] }
        if preferences.cursor.move(action) {
            state.conversations.notifications.preferences = preferences
            return []
        }
        switch action {
        case .toggleEmail, .togglePush:
            guard let selected = preferences.selected, !preferences.isSaving else { return [] }
            preferences.isSaving = true
            state.conversations.notifications.preferences = preferences
            let email = action == .toggleEmail ? !selected.emailEnabled : nil
            let push = action == .togglePush ? !selected.pushEnabled : nil
            return [.conversations(.setPreference(selected._type, email: email, push: push))]
        case .back, .close:
            state.conversations.notifications.preferences = nil
            return []
        default:
            return []
        }
        state.conversations.notifications.preferences = preferences
        return []
    }
}
