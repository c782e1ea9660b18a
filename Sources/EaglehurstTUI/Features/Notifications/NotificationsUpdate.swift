import EaglehurstAPI
import Foundation

extension Conversations {
    /// Goes where a notification points: its `action_url` is the API path of what it is about.
    static func follow(_ notification: AppNotification, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        let path = notification.actionUrl ?? ""
        let parts = path.split(separator: "?")[safe: 0].map { $0.split(separator: "/").map(String.init) } ?? []
        let query = path.split(separator: "?").dropFirst().first.map(String.init) ?? ""
        // ["api", "v1", kind, id?]
        let kind = parts.count > 2 ? parts[2] : ""
        let id = parts.count > 3 ? UUID(uuidString: parts[3]) : nil
        switch kind {
        case "connections":
            state.threads.pendingSelection = id
            if let id, let index = state.threads.conversations.firstIndex(where: { $0.id == id }) {
                state.threads.cursor.select(index)
            } else if state.threads.filter != .all {
                state.threads.filter = .all
                state.threads.etag = nil
            }
            state.threads.focus = .list
            shell.message = nil
            return show(.threads, &state, &shell) + followSelection(&state, &shell)
        case "listings":
            shell.go(id.map { .listing($0, title: notification.title) } ?? .screen(.listings))
            return []
        case "services":
            shell.go(id.map { .serviceRequestOpened($0, title: notification.title) } ?? .screen(.services))
            return []
        case "admin":
            shell.go(.moderationQueue(query.contains("has_pending_edits") ? .edits : .newListings))
            return []
        default:
            shell.message = .info("This notification points nowhere in the app.")
            return []
        }
    }

}
