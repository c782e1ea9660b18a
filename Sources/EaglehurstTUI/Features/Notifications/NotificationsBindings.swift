import Foundation

/// Notifications and their preferences.
extension Conversations {
    static let notificationsBindings: [Binding] =
        listSpecs(.notifications) + [
            spec(.notifications, .open, "go to what it is about (and mark it read)", hint: "open"),
            spec(.notifications, .markRead, "mark read", hint: "read"),
            spec(.notifications, .markAllRead, "mark all read", hint: "all read"),
            spec(.notifications, .toggleUnread, "unread only, or all", hint: "unread"),
            spec(.notifications, .showPreferences, "email and push preferences per kind", hint: "preferences"),
            spec(.notifications, .refresh, "reload"),
            spec(.notifications, .back, "back to your profile"),
            spec(.preferences, .down, "next kind", hint: "move"),
            spec(.preferences, .up, "previous kind"),
            spec(.preferences, .toggleEmail, "email on or off", hint: "email"),
            spec(.preferences, .togglePush, "push on or off", hint: "push"),
            spec(.preferences, .close, "back to the notifications", hint: "close"),
        ]
}

extension Conversations {
    static func notificationsAction(_ action: Action, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        var screen = state.notifications
        if screen.cursor.move(action) {
            state.notifications = screen
            return []
        }
        switch action {
        case .open:
            guard let notification = screen.selected else { return [] }
            let read: [Effect] = notification.isRead ? [] : [.conversations(.markNotificationRead(notification.id))]
            return read + follow(notification, &state, &shell)
        case .markRead:
            guard let notification = screen.selected, !notification.isRead else { return [] }
            return [.conversations(.markNotificationRead(notification.id))]
        case .markAllRead:
            return [.conversations(.markAllNotificationsRead)]
        case .toggleUnread:
            screen.unreadOnly.toggle()
            screen.etag = nil
            screen.isLoading = true
            state.notifications = screen
            shell.message = .info(screen.unreadOnly ? "Showing unread notifications only." : "Showing all notifications.")
            return restartPoll(&state, &shell)
        case .showPreferences:
            screen.preferences = PreferencesState(cursor: ListCursor(count: 0, viewportHeight: Layout.tableViewportHeight(shell.size)))
            state.notifications = screen
            return [.conversations(.loadPreferences)]
        case .refresh:
            screen.etag = nil
            state.notifications = screen
            return restartPoll(&state, &shell)
        case .back:
            shell.go(.back)
            return []
        default:
            return []
        }
    }

    static func preferencesAction(_ action: Action, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        guard var preferences = state.notifications.preferences else { return [] }
        if preferences.cursor.move(action) {
            state.notifications.preferences = preferences
            return []
        }
        switch action {
        case .toggleEmail, .togglePush:
            guard let selected = preferences.selected, !preferences.isSaving else { return [] }
            preferences.isSaving = true
            state.notifications.preferences = preferences
            let email = action == .toggleEmail ? !selected.emailEnabled : nil
            let push = action == .togglePush ? !selected.pushEnabled : nil
            return [.conversations(.setPreference(selected._type, email: email, push: push))]
        case .back, .close:
            state.notifications.preferences = nil
            return []
        default:
            return []
        }
    }
}
