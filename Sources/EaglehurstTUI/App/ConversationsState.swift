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

/// The background poll: one request batch in flight at a time, then a pause that grows while nothing
/// changes and while the server cannot be reached, and shrinks back when something happens.
public struct PollState: Equatable, Sendable {
    /// Bumped to start a new cycle; answers and timers of older cycles are ignored.
    public var token = 0
    /// A poll or a pause of the current cycle is under way.
    public var isRunning = false
    /// Polls in a row that found nothing new.
    public var quietPolls = 0
    /// Polls in a row that failed.
    public var failures = 0
    public var notificationsETag: String?

    /// How long to wait before the next poll: quicker on the threads screen, where a reply is awaited.
    func pause(onThreads: Bool) -> Duration {
        if failures > 0 { return .seconds(min(30, 2 << min(failures, 4))) }
        let base: Double = onThreads ? 1 : 3
        let ceiling: Double = onThreads ? 4 : 15
        return .milliseconds(Int(min(ceiling, base * pow(1.5, Double(quietPolls))) * 1000))
    }
}

/// What one poll asks for.
public struct PollRequest: Equatable, Sendable {
    public struct Conversations: Equatable, Sendable {
        public var filter: ConversationFilter
        public var etag: String?
    }

    public struct Thread: Equatable, Sendable {
        public var id: UUID
        /// Only messages after this one.
        public var after: UUID?
        public var etag: String?
    }

    public var notificationsETag: String?
    /// The whole notifications list (the screen is open) or just the unread count.
    public var notificationsPerPage: Int
    public var notificationsUnreadOnly: Bool
    public var conversations: Conversations?
    public var thread: Thread?
}

/// What a poll of a thread asked and was told.
public struct ThreadPoll: Equatable, Sendable {
    public var id: UUID
    public var after: UUID?
    /// The request carried the thread's tag for this same `after`.
    public var askedWithETag: Bool
    public var answer: Result<ThreadAnswer, RequestFailure>

    public init(id: UUID, after: UUID?, askedWithETag: Bool, answer: Result<ThreadAnswer, RequestFailure>) {
        self.id = id
        self.after = after
        self.askedWithETag = askedWithETag
        self.answer = answer
    }
}

public struct PollResult: Equatable, Sendable {
    public var notifications: Result<NotificationsAnswer, RequestFailure>
    public var conversations: Result<ConversationsAnswer, RequestFailure>?
    public var thread: ThreadPoll?

    public init(notifications: Result<NotificationsAnswer, RequestFailure>, conversations: Result<ConversationsAnswer, RequestFailure>? = nil, thread: ThreadPoll? = nil) {
        self.notifications = notifications
        self.conversations = conversations
        self.thread = thread
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
