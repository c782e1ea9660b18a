import EaglehurstAPI
import Foundation

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
