import EaglehurstAPI
import Foundation

public typealias Conversation = Components.Schemas.Connection
/// A message of a thread (`Message` is the app's own event type).
public typealias ThreadMessage = Components.Schemas.Message
public typealias AppNotification = Components.Schemas.Notification
public typealias NotificationPreference = Components.Schemas.NotificationPreference
public typealias PlanUsage = Components.Schemas.SubscriptionUsage

/// Which connections the threads screen lists.
public enum ConversationFilter: String, Equatable, Sendable, CaseIterable {
    case all, pending, accepted, rejected, blocked

    public var label: String { self == .pending ? "requests" : rawValue }

    var next: ConversationFilter {
        let all = ConversationFilter.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The `status` the server filters by; nil for every connection.
    var status: Components.Schemas.ConnectionStatus? { Components.Schemas.ConnectionStatus(rawValue: rawValue) }
}

/// A connections list as the server gave it, or word that the one held is still current.
public struct ConversationsAnswer: Equatable, Sendable {
    /// Nil: 304, nothing changed since `etag`.
    public var items: [Conversation]?
    public var total: Int
    public var unreadMessages: Int?
    public var etag: String?

    public init(items: [Conversation]?, total: Int, unreadMessages: Int? = nil, etag: String?) {
        self.items = items
        self.total = total
        self.unreadMessages = unreadMessages
        self.etag = etag
    }
}

/// Messages of a thread: the newest page when opened, or what came after the last one when polled.
public struct ThreadAnswer: Equatable, Sendable {
    /// Nil: 304, nothing new.
    public var messages: [ThreadMessage]?
    /// Messages in the thread before the first one given (only for a full load).
    public var earlier: Int
    public var etag: String?

    public init(messages: [ThreadMessage]?, earlier: Int = 0, etag: String?) {
        self.messages = messages
        self.earlier = earlier
        self.etag = etag
    }
}

/// The thread of the selected connection.
public struct ThreadState: Equatable, Sendable {
    public var connectionID: UUID
    public var messages: [ThreadMessage] = []
    /// Messages older than the first one held.
    public var earlier = 0
    public var isLoading = true
    public var failure: RequestFailure?
    public var etag: String?
    /// The `after` of the request that gave `etag` (nil: the full load). The server's tag covers the
    /// query, so a tag is only worth sending again with the same `after`.
    public var etagAfter: UUID?
    /// Lines scrolled up from the newest; 0 follows new messages.
    public var scrollBack = 0
    /// The newest message of the other party already marked read (or being marked).
    public var readUpTo: UUID?

    public init(connectionID: UUID) { self.connectionID = connectionID }

    public var lastMessageID: UUID? { messages.last?.id }
}

public enum ThreadsFocus: Equatable, Sendable { case list, compose }

/// `:threads`: connections on the left, the selected thread on the right, the compose box below it.
public struct ThreadsScreenState: Equatable, Sendable {
    public var filter: ConversationFilter = .all
    public var conversations: [Conversation] = []
    public var total: Int?
    public var cursor = ListCursor(count: 0, viewportHeight: 10)
    public var isLoading = false
    public var failure: RequestFailure?
    public var isStale = false
    public var etag: String?
    public var thread: ThreadState?
    public var focus: ThreadsFocus = .list
    public var compose = TextArea("")
    /// Unsent text per thread, kept while moving between threads.
    public var drafts: [UUID: String] = [:]
    public var isSending = false
    /// A connection to select once the list has it (a notification was opened).
    public var pendingSelection: UUID?

    public var selected: Conversation? {
        conversations.indices.contains(cursor.selected) ? conversations[cursor.selected] : nil
    }
}

/// The conversations part of the app's state: threads, notifications, the poll, the plan's usage.
public struct ConversationsState: Equatable, Sendable {
    public var threads = ThreadsScreenState()
    public var notifications = NotificationsScreenState()
    public var poll = PollState()
    /// The buyer's plan usage, asked for when a connection request is about to be written.
    public var usage: PlanUsage?
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
