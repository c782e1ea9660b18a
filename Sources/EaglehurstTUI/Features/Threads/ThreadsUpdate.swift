import EaglehurstAPI
import Foundation

/// Threads, requests, notifications and the poll that keeps them (and the unread count in the status
/// bar) current without a key being pressed. One feature over three folders (Threads, Notifications,
/// Poll) because the poll refreshes both screens at once: they share `ConversationsState`.
enum Conversations: Drawing {}

extension Conversations {
    // MARK: showing the screens

    static func show(_ screen: ScreenID, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        guard let account = shell.account else {
            shell.screen = .signin
            shell.message = .info("Sign in to see \(screen.title.lowercased()).")
            return []
        }
        guard account.emailVerified else {
            shell.message = .info("Verify your email address first (:verify).")
            return []
        }
        shell.screen = screen
        resize(&state, &shell)
        if screen == .notifications { state.notifications.isLoading = state.notifications.total == nil }
        if screen == .threads { state.threads.isLoading = state.threads.total == nil }
        // The screen's data comes with the next poll, which starts now.
        return restartPoll(&state, &shell)
    }

    static func resize(_ state: inout ConversationsState, _ shell: inout Shell) {
        let height = Layout.tableViewportHeight(shell.size)
        state.threads.cursor.setViewportHeight(Layout.conversationRows(shell.size))
        state.notifications.cursor.setViewportHeight(height)
        state.notifications.preferences?.cursor.setViewportHeight(height)
    }

    // MARK: the poll

    static func update(_ state: inout ConversationsState, _ message: ConversationsMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .pollDue(let token):
            guard token == state.poll.token, state.poll.isRunning else { return [] }
            return [.conversations(.poll(pollRequest(state, shell), token: token))]
        case .polled(let token, let result):
            guard token == state.poll.token, state.poll.isRunning else { return [] }
            var effects = applyPoll(result, &state, &shell)
            let poll = state.poll
            effects.append(.conversations(.wait(poll.pause(onThreads: shell.screen == .threads), token: poll.token)))
            return effects
        case .threadLoaded(let id, let result):
            guard var thread = state.threads.thread, thread.connectionID == id else { return [] }
            thread.isLoading = false
            switch result {
            case .success(let answer):
                thread.messages = answer.messages ?? thread.messages
                thread.earlier = answer.earlier
                thread.etag = answer.etag
                thread.etagAfter = nil
                thread.failure = nil
            case .failure(let failure):
                thread.failure = failure
            }
            state.threads.thread = thread
            return markSeen(&state, &shell)
        case .messageSent(let id, let result):
            state.threads.isSending = false
            switch result {
            case .success(let sent):
                state.threads.drafts[id] = nil
                if state.threads.selected?.id == id { state.threads.compose = TextArea("") }
                if var thread = state.threads.thread, thread.connectionID == id, !thread.messages.contains(where: { $0.id == sent.id }) {
                    thread.messages.append(sent)
                    thread.scrollBack = 0
                    state.threads.thread = thread
                }
                shell.message = nil
                // The other side may answer soon: look more often for a while.
                return restartPoll(&state, &shell)
            case .failure(let failure):
                shell.message = .error("Not sent (your text is kept): \(failure.summary)")
            }
        case .markedRead(let id, let failure):
            if failure != nil, state.threads.thread?.connectionID == id {
                // Try again with the next poll.
                state.threads.thread?.readUpTo = nil
            }
        case .connectionWritten(let write, let result):
            return connectionWritten(write, result, &state, &shell)
        case .usageLoaded(let result):
            guard case .success(let usage) = result else { return [] }
            state.usage = usage
            if case .prompt(var prompt) = shell.overlay, case .connectionRequest = prompt.purpose {
                prompt.form.fields[0].hint = requestsLeftText(usage)
                shell.overlay = .prompt(prompt)
            }
        case .notesLoaded(let id, let result):
            switch result {
            case .success(let notes):
                shell.message = nil
                return openLongText(notes, field: "notes:\(id.uuidString)", label: "Private notes (only you see them)", &state, &shell)
            case .failure(let failure):
                shell.message = .error("Could not load your notes: \(failure.summary)")
            }
        case .notesSaved(_, let result):
            switch result {
            case .success: shell.message = .ok("Notes saved.")
            case .failure(let failure): shell.message = .error("Notes not saved: \(failure.summary)")
            }
        case .notificationRead(let id, let result):
            if case .success(let read) = result, let index = state.notifications.items.firstIndex(where: { $0.id == id }) {
                if !state.notifications.items[index].isRead, let unread = shell.unreadCount { shell.unreadCount = max(0, unread - 1) }
                state.notifications.items[index] = read
            }
        case .allNotificationsRead(let result):
            switch result {
            case .success(let count):
                for index in state.notifications.items.indices { state.notifications.items[index].isRead = true }
                shell.unreadCount = 0
                shell.message = .ok(count == 1 ? "1 notification marked read." : "\(count) notifications marked read.")
                return restartPoll(&state, &shell)
            case .failure(let failure):
                shell.message = .error("Could not mark them read: \(failure.summary)")
            }
        case .preferencesLoaded(let result):
            guard var preferences = state.notifications.preferences else { return [] }
            preferences.isLoading = false
            preferences.isSaving = false
            switch result {
            case .success(let items):
                preferences.items = items
                preferences.failure = nil
                preferences.cursor.setCount(items.count)
            case .failure(let failure):
                preferences.failure = failure
                shell.message = .error("Preferences: \(failure.summary)")
            }
            state.notifications.preferences = preferences
        }
        return []
    }

    /// The thread on the right follows the selected connection, with its unsent draft.
    static func followSelection(_ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        var screen = state.threads
        guard let selected = screen.selected else {
            screen.thread = nil
            state.threads = screen
            return []
        }
        guard screen.thread?.connectionID != selected.id else { return [] }
        if let previous = screen.thread?.connectionID {
            let draft = screen.compose.text
            screen.drafts[previous] = draft.isEmpty ? nil : draft
        }
        screen.compose = TextArea(screen.drafts[selected.id] ?? "")
        screen.thread = ThreadState(connectionID: selected.id)
        state.threads = screen
        return [.conversations(.loadThread(selected.id))]
    }

    /// Marks the thread read up to the other party's newest message once it is on screen.
    static func markSeen(_ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        guard shell.screen == .threads, shell.overlay == nil, let thread = state.threads.thread, !thread.isLoading,
              let me = shell.account?.id,
              let newest = thread.messages.last(where: { $0.senderId != me }), newest.id != thread.readUpTo else { return [] }
        state.threads.thread?.readUpTo = newest.id
        if let index = state.threads.conversations.firstIndex(where: { $0.id == thread.connectionID }) {
            state.threads.conversations[index].unreadCount = 0
        }
        guard !newest.isRead else { return [] }
        return [.conversations(.markRead(thread.connectionID, message: newest.id))]
    }

    private static func connectionWritten(_ write: ConnectionWrite, _ result: Result<Conversation, RequestFailure>, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        switch result {
        case .success(let conversation):
            let who = conversation.otherParty(me: shell.account?.id).name
            switch write {
            case .requested:
                shell.message = .ok("Request sent to \(who). Its thread is in :threads.")
                state.usage = state.usage.map { usage in
                    var usage = usage
                    usage.connectionsUsed += 1
                    return usage
                }
            case .accepted: shell.message = .ok("Accepted \(who)'s request; you can talk now.")
            case .rejected: shell.message = .ok("Rejected \(who)'s request.")
            case .blocked: shell.message = .ok("Blocked. Nobody can write in this thread now.")
            }
            if let index = state.threads.conversations.firstIndex(where: { $0.id == conversation.id }) {
                state.threads.conversations[index] = conversation
            }
            if write != .requested, state.threads.thread?.connectionID == conversation.id {
                // The answer is a message in the thread: load it again.
                state.threads.thread = ThreadState(connectionID: conversation.id)
                return [.conversations(.loadThread(conversation.id))] + restartPoll(&state, &shell)
            }
            return restartPoll(&state, &shell)
        case .failure(let failure):
            let doing = switch write {
            case .requested: "Request not sent"
            case .accepted: "Not accepted"
            case .rejected: "Not rejected"
            case .blocked: "Not blocked"
            }
            shell.message = .error("\(doing): \(failure.summary)")
        }
        return []
    }

    static func requestsLeftText(_ usage: PlanUsage) -> String {
        let resets = usage.periodEnd.formatted(.dateTime.day().month(.abbreviated))
        guard let limit = usage.connectionsLimit else { return "\(usage.planName) plan: unlimited requests" }
        let left = max(0, limit - usage.connectionsUsed)
        return "\(left) of \(limit) requests left this month (\(usage.planName) plan, resets \(resets))"
    }

    // MARK: keys

    /// The server's rule: the two parties write in an accepted thread; while a request is pending only
    /// the seller may (to ask before answering); nobody writes in a rejected or blocked one.
    static func canWrite(_ conversation: Conversation, me: UUID?) -> Bool {
        conversation.status == .accepted || (conversation.status == .pending && conversation.iAmSeller(me))
    }

    static func cannotWriteText(_ conversation: Conversation, me: UUID?) -> String {
        switch conversation.status {
        case .pending: "Waiting for the seller to accept your request; then you can write again."
        case .rejected: "This request was rejected; nobody can write in its thread."
        case .blocked: "This thread is blocked; nobody can write in it."
        case .accepted: ""
        }
    }

    /// Typing in the compose box; Enter is left to the bindings (send).
    static func editCompose(_ key: Key, _ state: inout ConversationsState, _ shell: inout Shell) -> Bool {
        guard key != .enter, key != .escape else { return false }
        guard state.threads.compose.handle(key) else { return false }
        state.threads.compose.keepCursorVisible(height: Layout.composeLines)
        return true
    }

    /// Long text in `$EDITOR` when set, in the built-in editor otherwise.
    static func openLongText(_ text: String, field: String, label: String, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        if shell.externalEditor != nil { return [.editExternally(field: field, text: text)] }
        var area = TextArea(text)
        area.keepCursorVisible(height: Layout.textEditorHeight(shell.size))
        shell.overlay = .textEditor(TextEditorOverlay(field: field, label: label, area: area))
        return []
    }

    /// Text back from an editor for a field of these screens; nil when the field is another screen's.
    static func conversationText(_ text: String, field: String, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect]? {
        if field.hasPrefix("notes:"), let id = UUID(uuidString: String(field.dropFirst(6))) {
            shell.message = .info("Saving notes…")
            return [.conversations(.saveNotes(id, text))]
        }
        if field.hasPrefix("compose:"), let id = UUID(uuidString: String(field.dropFirst(8))) {
            if state.threads.selected?.id == id {
                state.threads.compose = TextArea(text)
                state.threads.focus = .compose
            } else {
                state.threads.drafts[id] = text
            }
            return []
        }
        return nil
    }

    /// A prompt of these screens was answered.
    static func conversationPrompt(_ purpose: Prompt.Purpose, text: String, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        switch purpose {
        case .connectionRequest(let listingID):
            shell.message = .info("Sending your request…")
            return [.conversations(.requestConnection(listingID: listingID, message: text))]
        case .respond(let id, let accept):
            shell.message = .info(accept ? "Accepting…" : "Rejecting…")
            return [.conversations(.respond(id, accept: accept, message: text.isEmpty ? nil : text))]
        case .saveNote, .editNote, .rejectReason, .suspendReason, .refusalReason, .saveDocument:
            return []
        }
    }

    /// `c` on a listing: a buyer asks the seller to connect, seeing how many requests the plan has left.
    static func requestConnection(listingID: UUID, title: String, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        guard let account = shell.account, account.userType == .buyer else {
            shell.message = .info(shell.account == nil ? "Sign in as a buyer to ask the seller to connect." : "Connection requests are for buyers.")
            return []
        }
        guard account.emailVerified else {
            shell.message = .info("Verify your email address first (:verify).")
            return []
        }
        var field = FormField("message", "First message to the seller", .text(required: true, maxLength: 5000), hint: "checking your plan…")
        if let usage = state.usage { field.hint = requestsLeftText(usage) }
        shell.overlay = .prompt(Prompt(purpose: .connectionRequest(listingID: listingID), title: "Ask about “\(title)”", form: Form([field])))
        return [.conversations(.loadUsage)]
    }

}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
