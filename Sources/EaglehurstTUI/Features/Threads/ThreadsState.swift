import EaglehurstAPI
import Foundation

package typealias Conversation = Components.Schemas.Connection
/// A message of a thread (`Message` is the app's own event type).
package typealias ThreadMessage = Components.Schemas.Message
package typealias AppNotification = Components.Schemas.Notification
package typealias NotificationPreference = Components.Schemas.NotificationPreference
package typealias PlanUsage = Components.Schemas.SubscriptionUsage

/// Which connections the threads screen lists.
package enum ConversationFilter: String, Equatable, Sendable, CaseIterable {
    case all, pending, accepted, rejected, blocked

    package var label: String { self == .pending ? "requests" : rawValue }

    var next: ConversationFilter {
        let all = ConversationFilter.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The `status` the server filters by; nil for every connection.
    var status: Components.Schemas.ConnectionStatus? { Components.Schemas.ConnectionStatus(rawValue: rawValue) }
}

/// A connections list as the server gave it, or word that the one held is still current.
package struct ConversationsAnswer: Equatable, Sendable {
    /// Nil: 304, nothing changed since `etag`.
    package var items: [Conversation]?
    package var total: Int
    package var unreadMessages: Int?
    package var etag: String?

    package init(items: [Conversation]?, total: Int, unreadMessages: Int? = nil, etag: String?) {
        self.items = items
        self.total = total
        self.unreadMessages = unreadMessages
        self.etag = etag
    }
}

/// Messages of a thread: the newest page when opened, or what came after the last one when polled.
package struct ThreadAnswer: Equatable, Sendable {
    /// Nil: 304, nothing new.
    package var messages: [ThreadMessage]?
    /// Messages in the thread before the first one given (only for a full load).
    package var earlier: Int
    package var etag: String?

    package init(messages: [ThreadMessage]?, earlier: Int = 0, etag: String?) {
        self.messages = messages
        self.earlier = earlier
        self.etag = etag
    }
}

/// The thread of the selected connection.
package struct ThreadState: Equatable, Sendable {
    package var connectionID: UUID
    package var messages: [ThreadMessage] = []
    /// Messages older than the first one held.
    package var earlier = 0
    package var isLoading = true
    package var failure: RequestFailure?
    package var etag: String?
    /// The `after` of the request that gave `etag` (nil: the full load). The server's tag covers the
    /// query, so a tag is only worth sending again with the same `after`.
    package var etagAfter: UUID?
    /// Lines scrolled up from the newest; 0 follows new messages.
    package var scrollBack = 0
    /// The newest message of the other party already marked read (or being marked).
    package var readUpTo: UUID?

    package init(connectionID: UUID) { self.connectionID = connectionID }

    package var lastMessageID: UUID? { messages.last?.id }
}

package enum ThreadsFocus: Equatable, Sendable { case list, compose }

/// `:threads`: connections on the left, the selected thread on the right, the compose box below it.
package struct ThreadsScreenState: Equatable, Sendable {
    package var filter: ConversationFilter = .all
    package var conversations: [Conversation] = []
    package var total: Int?
    package var cursor = ListCursor(count: 0, viewportHeight: 10)
    package var isLoading = false
    package var failure: RequestFailure?
    package var isStale = false
    package var etag: String?
    package var thread: ThreadState?
    package var focus: ThreadsFocus = .list
    package var compose = TextArea("")
    /// Unsent text per thread, kept while moving between threads.
    package var drafts: [UUID: String] = [:]
    package var isSending = false
    /// A connection to select once the list has it (a notification was opened).
    package var pendingSelection: UUID?

    package var selected: Conversation? {
        conversations.indices.contains(cursor.selected) ? conversations[cursor.selected] : nil
    }
}

/// The conversations part of the app's state: threads, notifications, the poll, the plan's usage.
package struct ConversationsState: Equatable, Sendable {
    package var threads = ThreadsScreenState()
    package var notifications = NotificationsScreenState()
    package var poll = PollState()
    /// The buyer's plan usage, asked for when a connection request is about to be written.
    package var usage: PlanUsage?
}

extension Conversation {
    /// The other party, as the signed-in user sees the connection.
    func otherParty(me: UUID?) -> Components.Schemas.UserSummary {
        me == buyerId ? seller : buyer
    }

    func iAmSeller(_ me: UUID?) -> Bool { me == sellerId }
}

extension Components.Schemas.UserSummary {
    var name: String {
        let full = "\(firstName) \(lastName)".trimmingCharacters(in: .whitespaces)
        return full.isEmpty ? "(no name)" : full
    }
}
