import EaglehurstAPI
import Foundation

extension Conversations {
    /// Starts a new poll cycle at once; the pause and answers of the old one are ignored.
    static func restartPoll(_ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        state.poll.token += 1
        state.poll.quietPolls = 0
        state.poll.isRunning = true
        return [.conversations(.poll(pollRequest(state, shell), token: state.poll.token))]
    }

    /// Runs after every message: a verified signed-in user has a poll running; nobody else does.
    static func keepPolling(_ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        let wanted = shell.account?.emailVerified == true
        if wanted, !state.poll.isRunning { return restartPoll(&state, &shell) }
        if !wanted, state.poll.isRunning {
            state.poll.token += 1
            state.poll.isRunning = false
        }
        return []
    }

    static func pollRequest(_ state: ConversationsState, _ shell: Shell) -> PollRequest {
        let c = state
        let onNotifications = shell.screen == .notifications
        var request = PollRequest(
            notificationsETag: onNotifications ? c.notifications.etag : c.poll.notificationsETag,
            notificationsPerPage: onNotifications ? 100 : 1,
            notificationsUnreadOnly: onNotifications && c.notifications.unreadOnly
        )
        if shell.screen == .threads {
            request.conversations = .init(filter: c.threads.filter, etag: c.threads.etag)
            if let thread = c.threads.thread, !thread.isLoading, thread.failure == nil {
                let after = thread.lastMessageID
                request.thread = .init(id: thread.connectionID, after: after, etag: thread.etagAfter == after ? thread.etag : nil)
            }
        }
        return request
    }

    /// Takes what a poll brought. A part that changed counts as activity and resets the pause.
    static func applyPoll(_ result: PollResult, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        var changed = false
        var reached = false
        var effects: [Effect] = []
        let onNotifications = shell.screen == .notifications
        switch result.notifications {
        case .success(let answer):
            reached = true
            if let unread = answer.unread {
                changed = changed || (shell.unreadCount != nil && unread != shell.unreadCount)
                shell.unreadCount = unread
            }
            if onNotifications {
                var screen = state.notifications
                screen.etag = answer.etag
                screen.isLoading = false
                screen.failure = nil
                screen.isStale = false
                if let items = answer.items {
                    changed = changed || items != screen.items
                    let selectedID = screen.selected?.id
                    screen.items = items
                    screen.total = answer.total
                    screen.cursor.setCount(items.count)
                    if let selectedID, let index = items.firstIndex(where: { $0.id == selectedID }) { screen.cursor.select(index) }
                }
                state.notifications = screen
            } else if answer.items != nil {
                state.poll.notificationsETag = answer.etag
            }
        case .failure(let failure):
            if onNotifications {
                state.notifications.isLoading = false
                state.notifications.failure = failure
                state.notifications.isStale = !state.notifications.items.isEmpty
            }
        }
        if let conversations = result.conversations {
            var screen = state.threads
            screen.isLoading = false
            switch conversations {
            case .success(let answer):
                reached = true
                screen.failure = nil
                screen.isStale = false
                screen.etag = answer.etag
                if let items = answer.items {
                    changed = changed || items != screen.conversations
                    let selectedID = screen.pendingSelection ?? screen.selected?.id
                    screen.conversations = items
                    screen.total = answer.total
                    screen.cursor.setCount(items.count)
                    if let selectedID, let index = items.firstIndex(where: { $0.id == selectedID }) {
                        screen.cursor.select(index)
                        screen.pendingSelection = nil
                    }
                }
            case .failure(let failure):
                screen.failure = failure
                screen.isStale = !screen.conversations.isEmpty
            }
            state.threads = screen
            effects += followSelection(&state, &shell)
        }
        if let poll = result.thread, var thread = state.threads.thread, thread.connectionID == poll.id {
            switch poll.answer {
            case .success(let news):
                reached = true
                thread.etag = news.etag
                thread.etagAfter = poll.after
                if news.messages?.isEmpty == true, poll.askedWithETag, poll.after == thread.lastMessageID {
                    // The thread changed with nothing new in it: the other party read something.
                    effects.append(.conversations(.loadThread(poll.id)))
                }
                let fresh = (news.messages ?? []).filter { message in !thread.messages.contains { $0.id == message.id } }
                if !fresh.isEmpty {
                    changed = true
                    thread.messages += fresh
                    // Someone scrolled back to read stays where they are.
                    if thread.scrollBack > 0 { thread.scrollBack += fresh.count }
                }
                thread.failure = nil
            case .failure(let failure):
                if case .unreachable = failure {} else { thread.failure = failure }
            }
            state.threads.thread = thread
            effects += markSeen(&state, &shell)
        }
        if reached {
            state.poll.failures = 0
            if shell.connection != .connected { shell.connection = .connected }
        } else {
            state.poll.failures += 1
        }
        state.poll.quietPolls = changed ? 0 : state.poll.quietPolls + 1
        return effects
    }
}
