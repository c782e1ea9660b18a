import EaglehurstAPI
import Foundation

/// What happens on the threads and notifications screens and in the background poll.
package enum ConversationsMessage: Equatable, Sendable {
    /// The pause of poll cycle `token` is over.
    case pollDue(token: Int)
    case polled(token: Int, PollResult)
    case threadLoaded(UUID, Result<ThreadAnswer, RequestFailure>)
    case messageSent(UUID, Result<ThreadMessage, RequestFailure>)
    case markedRead(UUID, RequestFailure?)
    /// A connection requested, accepted, rejected or blocked.
    case connectionWritten(ConnectionWrite, Result<Conversation, RequestFailure>)
    case usageLoaded(Result<PlanUsage, RequestFailure>)
    case notesLoaded(UUID, Result<String, RequestFailure>)
    case notesSaved(UUID, Result<String, RequestFailure>)
    case notificationRead(UUID, Result<AppNotification, RequestFailure>)
    case allNotificationsRead(Result<Int, RequestFailure>)
    case preferencesLoaded(Result<[NotificationPreference], RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .pollDue: nil
        case .threadLoaded(_, let result): result.failure
        case .messageSent(_, let result): result.failure
        case .connectionWritten(_, let result): result.failure
        case .usageLoaded(let result): result.failure
        case .notesLoaded(_, let result), .notesSaved(_, let result): result.failure
        case .notificationRead(_, let result): result.failure
        case .allNotificationsRead(let result): result.failure
        case .preferencesLoaded(let result): result.failure
        case .markedRead(_, let failure): failure
        case .polled(_, let result):
            // Only what every part of the poll agrees on; a poll speaks for the connection, not a screen.
            Self.connectionFailure(in: [result.notifications.failure, result.conversations?.failure, result.thread?.answer.failure].compactMap { $0 })
        }
    }

    private static func connectionFailure(in failures: [RequestFailure]) -> RequestFailure? {
        failures.first { $0 == .sessionExpired } ?? failures.first { if case .unreachable = $0 { true } else { false } }
    }
}

package enum ConnectionWrite: Equatable, Sendable {
    case requested, accepted, rejected, blocked
}

/// Requests of the conversations screens and the poll.
package enum ConversationsEffect: Equatable, Sendable {
    /// Sleeps, then answers `pollDue(token)`.
    case wait(Duration, token: Int)
    case poll(PollRequest, token: Int)
    /// The newest page of a thread.
    case loadThread(UUID)
    case send(UUID, content: String)
    /// Marks a message, and every earlier one, read.
    case markRead(UUID, message: UUID)
    case respond(UUID, accept: Bool, message: String?)
    case block(UUID)
    case requestConnection(listingID: UUID, message: String)
    case loadUsage
    case loadNotes(UUID)
    case saveNotes(UUID, String)
    case markNotificationRead(UUID)
    case markAllNotificationsRead
    case loadPreferences
    case setPreference(Components.Schemas.NotificationType, email: Bool?, push: Bool?)
}

extension Effect {
    /// The background poll's request or its pause: in the app they go on for as long as it runs, so
    /// harnesses that run effects to the end (tests, benchmarks) hold them back.
    package var isBackgroundPoll: Bool {
        switch self {
        case .conversations(.poll), .conversations(.wait), .services(.poll): true
        case .dashboard(.checkHealth(_, let pause)): pause > .zero
        default: false
        }
    }

    package var isPollRequest: Bool {
        if case .conversations(.poll) = self { return true }
        return false
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
