import EaglehurstAPI
import Foundation

extension Conversations {
    static func drawNotifications(_ state: ConversationsState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let screen = state.notifications
        if let preferences = screen.preferences {
            drawPreferences(preferences, state: state, shell: shell, theme: theme, body: body, into: &frame)
            return
        }
        let unread = shell.unreadCount.map { "\($0) unread" } ?? ""
        drawTitleLine(screen.unreadOnly ? "Unread notifications" : "Notifications, unread first", right: unread, y: body.top, theme: theme, into: &frame)
        let now = Date()
        let columns = [Column(title: "", width: 1), Column(title: "What", width: 34), Column(title: "Message"), Column(title: "Age", width: 4, alignment: .right)]
        drawTable(columns: columns, cursor: screen.cursor, top: body.top + 1, theme: theme, focused: shell.overlay == nil, into: &frame) { row in
            guard screen.items.indices.contains(row) else { return nil }
            let item = screen.items[row]
            return ([item.isRead ? "" : "●", item.title, item.message.replacingOccurrences(of: "\n", with: " "), age(item.createdAt, now: now)],
                    item.isRead ? (screen.isStale ? theme[.stale] : theme[.textDim]) : theme[.listUnread])
        }
        let note: (String, FootnoteKind)?
        if screen.items.isEmpty, screen.isLoading { note = ("\(spinner(shell)) loading…", .busy) }
        else if let failure = screen.failure, screen.items.isEmpty { note = ("✕ \(failure.summary)", .error) }
        else if screen.items.isEmpty { note = (screen.unreadOnly ? "Nothing unread." : "No notifications yet.", .dim) }
        else if screen.isStale { note = ("stale: the last poll failed; these are from before", .stale) }
        else if let total = screen.total, total > screen.items.count { note = ("the newest \(screen.items.count) of \(total)", .dim) }
        else { note = nil }
        drawFootnote(note, body: body, theme: theme, into: &frame)
    }

    static func drawPreferences(_ preferences: PreferencesState, state: ConversationsState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        drawTitleLine("Notification preferences", right: preferences.isSaving ? "\(spinner(shell)) saving…" : "in-app is always on", y: body.top, theme: theme, into: &frame)
        let columns = [Column(title: "Kind"), Column(title: "In app", width: 7), Column(title: "Email", width: 7), Column(title: "Push", width: 7)]
        drawTable(columns: columns, cursor: preferences.cursor, top: body.top + 1, theme: theme, focused: shell.overlay == nil, into: &frame) { row in
            guard preferences.items.indices.contains(row) else { return nil }
            let item = preferences.items[row]
            func mark(_ on: Bool) -> String { on ? "[x]" : "[ ]" }
            return ([item._type.label, mark(item.inApp), mark(item.emailEnabled), mark(item.pushEnabled)], nil)
        }
        if preferences.isLoading { drawFootnote(("\(spinner(shell)) loading…", .busy), body: body, theme: theme, into: &frame) }
        else if let failure = preferences.failure { drawFootnote(("✕ \(failure.summary)", .error), body: body, theme: theme, into: &frame) }
        else { drawFootnote(("Email goes to your account's address; push to the devices registered with the server.", .dim), body: body, theme: theme, into: &frame) }
    }
}

extension Components.Schemas.NotificationType {
    var label: String {
        switch self {
        case .connectionRequest: "Connection requests"
        case .connectionAccepted: "Requests accepted"
        case .connectionRejected: "Requests rejected"
        case .newMessage: "New messages"
        case .listingApproved: "Listings approved"
        case .listingRejected: "Listings rejected"
        case .listingPendingReview: "Listings to review (admins)"
        case .subscription: "Subscription"
        case .serviceRequest: "Service requests"
        case .account: "Account"
        case .system: "System"
        }
    }
}
