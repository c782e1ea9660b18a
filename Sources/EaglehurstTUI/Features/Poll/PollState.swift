import EaglehurstAPI
import Foundation

/// The background poll: one request batch in flight at a time, then a pause that grows while nothing
/// changes and while the server cannot be reached, and shrinks back when something happens.
package struct PollState: Equatable, Sendable {
    /// Bumped to start a new cycle; answers and timers of older cycles are ignored.
    package var token = 0
    /// A poll or a pause of the current cycle is under way.
    package var isRunning = false
    /// Polls in a row that found nothing new.
    package var quietPolls = 0
    /// Polls in a row that failed.
    package var failures = 0
    package var notificationsETag: String?

    /// How long to wait before the next poll: quicker on the threads screen, where a reply is awaited.
    func pause(onThreads: Bool) -> Duration {
        if failures > 0 { return .seconds(min(30, 2 << min(failures, 4))) }
        let base: Double = onThreads ? 1 : 3
        let ceiling: Double = onThreads ? 4 : 15
        return .milliseconds(Int(min(ceiling, base * pow(1.5, Double(quietPolls))) * 1000))
    }
}

/// What one poll asks for.
package struct PollRequest: Equatable, Sendable {
    package struct Conversations: Equatable, Sendable {
        package var filter: ConversationFilter
        package var etag: String?
    }

    package struct Thread: Equatable, Sendable {
        package var id: UUID
        /// Only messages after this one.
        package var after: UUID?
        package var etag: String?
    }

    package var notificationsETag: String?
    /// The whole notifications list (the screen is open) or just the unread count.
    package var notificationsPerPage: Int
    package var notificationsUnreadOnly: Bool
    package var conversations: Conversations?
    package var thread: Thread?
}

/// What a poll of a thread asked and was told.
package struct ThreadPoll: Equatable, Sendable {
    package var id: UUID
    package var after: UUID?
    /// The request carried the thread's tag for this same `after`.
    package var askedWithETag: Bool
    package var answer: Result<ThreadAnswer, RequestFailure>

    package init(id: UUID, after: UUID?, askedWithETag: Bool, answer: Result<ThreadAnswer, RequestFailure>) {
        self.id = id
        self.after = after
        self.askedWithETag = askedWithETag
        self.answer = answer
    }
}

package struct PollResult: Equatable, Sendable {
    package var notifications: Result<NotificationsAnswer, RequestFailure>
    package var conversations: Result<ConversationsAnswer, RequestFailure>?
    package var thread: ThreadPoll?

    package init(notifications: Result<NotificationsAnswer, RequestFailure>, conversations: Result<ConversationsAnswer, RequestFailure>? = nil, thread: ThreadPoll? = nil) {
        self.notifications = notifications
        self.conversations = conversations
        self.thread = thread
    }
}
