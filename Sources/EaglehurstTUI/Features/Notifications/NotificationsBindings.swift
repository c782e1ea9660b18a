import Foundation

/// Notifications and their preferences.
extension App {
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
