import EaglehurstAPI
import Foundation

/// Threads, requests, notifications and the poll that keeps them (and the unread count in the status
/// bar) current without a key being pressed.
extension App {
    // MARK: showing the screens

    static func showConversations(_ screen: ScreenID, state: inout AppState) -> [Effect] {
        guard let account = state.account else {
            state.screen = .signin
            state.message = .info("Sign in to see \(screen.title.lowercased()).")
            return []
        }
        guard account.emailVerified else {
            state.message = .info("Verify your email address first (:verify).")
            return []
        }
        state.screen = screen
        resizeConversations(&state)
        if screen == .notifications { state.conversations.notifications.isLoading = state.conversations.notifications.total == nil }
        if screen == .threads { state.conversations.threads.isLoading = state.conversations.threads.total == nil }
        // The screen's data comes with the next poll, which starts now.
        return restartPoll(&state)
    }

    static func resizeConversations(_ state: inout AppState) {
        let height = Layout.tableViewportHeight(state.size)
        state.conversations.threads.cursor.setViewportHeight(Layout.conversationRows(state.size))
        state.conversations.notifications.cursor.setViewportHeight(height)
        state.conversations.notifications.preferences?.cursor.setViewportHeight(height)
    }

    // MARK: the poll

    static func conversationsAnswer(_ message: ConversationsMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .pollDue(let token):
            guard token == state.conversations.poll.token, state.conversations.poll.isRunning else { return [] }
            return [.conversations(.poll(pollRequest(state), token: token))]
        case .polled(let token, let result):
            guard token == state.conversations.poll.token, state.conversations.poll.isRunning else { return [] }
            var effects = applyPoll(result, state: &state)
            let poll = state.conversations.poll
            effects.append(.conversations(.wait(poll.pause(onThreads: state.screen == .threads), token: poll.token)))
            return effects
        case .threadLoaded(let id, let result):
            guard var thread = state.conversations.threads.thread, thread.connectionID == id else { return [] }
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
            state.conversations.threads.thread = thread
            return markSeen(&state)
        case .messageSent(let id, let result):
            state.conversations.threads.isSending = false
            switch result {
            case .success(let sent):
                state.conversations.threads.drafts[id] = nil
                if state.conversations.threads.selected?.id == id { state.conversations.threads.compose = TextArea("") }
                if var thread = state.conversations.threads.thread, thread.connectionID == id, !thread.messages.contains(where: { $0.id == sent.id }) {
                    thread.messages.append(sent)
                    thread.scrollBack = 0
                    state.conversations.threads.thread = thread
                }
                state.message = nil
                // The other side may answer soon: look more often for a while.
                return restartPoll(&state)
            case .failure(let failure):
                state.message = .error("Not sent (your text is kept): \(failure.summary)")
            }
        case .markedRead(let id, let failure):
            if failure != nil, state.conversations.threads.thread?.connectionID == id {
                // Try again with the next poll.
                state.conversations.threads.thread?.readUpTo = nil
            }
        case .connectionWritten(let write, let result):
            return connectionWritten(write, result, state: &state)
        case .usageLoaded(let result):
            guard case .success(let usage) = result else { return [] }
            state.conversations.usage = usage
            if case .prompt(var prompt) = state.overlay, case .connectionRequest = prompt.purpose {
                prompt.form.fields[0].hint = requestsLeftText(usage)
                state.overlay = .prompt(prompt)
            }
        case .notesLoaded(let id, let result):
            switch result {
            case .success(let notes):
                state.message = nil
                return openLongText(notes, field: "notes:\(id.uuidString)", label: "Private notes (only you see them)", state: &state)
            case .failure(let failure):
                state.message = .error("Could not load your notes: \(failure.summary)")
            }
        case .notesSaved(_, let result):
            switch result {
            case .success: state.message = .ok("Notes saved.")
            case .failure(let failure): state.message = .error("Notes not saved: \(failure.summary)")
            }
        case .notificationRead(let id, let result):
            if case .success(let read) = result, let index = state.conversations.notifications.items.firstIndex(where: { $0.id == id }) {
                if !state.conversations.notifications.items[index].isRead, let unread = state.unreadCount { state.unreadCount = max(0, unread - 1) }
                state.conversations.notifications.items[index] = read
            }
        case .allNotificationsRead(let result):
            switch result {
            case .success(let count):
                for index in state.conversations.notifications.items.indices { state.conversations.notifications.items[index].isRead = true }
                state.unreadCount = 0
                state.message = .ok(count == 1 ? "1 notification marked read." : "\(count) notifications marked read.")
                return restartPoll(&state)
            case .failure(let failure):
                state.message = .error("Could not mark them read: \(failure.summary)")
            }
        case .preferencesLoaded(let result):
            guard var preferences = state.conversations.notifications.preferences else { return [] }
            preferences.isLoading = false
            preferences.isSaving = false
            switch result {
            case .success(let items):
                preferences.items = items
                preferences.failure = nil
                preferences.cursor.setCount(items.count)
            case .failure(let failure):
                preferences.failure = failure
                state.message = .error("Preferences: \(failure.summary)")
            }
            state.conversations.notifications.preferences = preferences
        }
        return []
    }

    /// The thread on the right follows the selected connection, with its unsent draft.
    static func followSelection(_ state: inout AppState) -> [Effect] {
        var screen = state.conversations.threads
        guard let selected = screen.selected else {
            screen.thread = nil
            state.conversations.threads = screen
            return []
        }
        guard screen.thread?.connectionID != selected.id else { return [] }
        if let previous = screen.thread?.connectionID {
            let draft = screen.compose.text
            screen.drafts[previous] = draft.isEmpty ? nil : draft
        }
        screen.compose = TextArea(screen.drafts[selected.id] ?? "")
        screen.thread = ThreadState(connectionID: selected.id)
        state.conversations.threads = screen
        return [.conversations(.loadThread(selected.id))]
    }

    /// Marks the thread read up to the other party's newest message once it is on screen.
    static func markSeen(_ state: inout AppState) -> [Effect] {
        guard state.screen == .threads, state.overlay == nil, let thread = state.conversations.threads.thread, !thread.isLoading,
              let me = state.account?.id,
              let newest = thread.messages.last(where: { $0.senderId != me }), newest.id != thread.readUpTo else { return [] }
        state.conversations.threads.thread?.readUpTo = newest.id
        if let index = state.conversations.threads.conversations.firstIndex(where: { $0.id == thread.connectionID }) {
            state.conversations.threads.conversations[index].unreadCount = 0
        }
        guard !newest.isRead else { return [] }
        return [.conversations(.markRead(thread.connectionID, message: newest.id))]
    }

    private static func connectionWritten(_ write: ConnectionWrite, _ result: Result<Conversation, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .success(let conversation):
            let who = conversation.otherParty(me: state.account?.id).name
            switch write {
            case .requested:
                state.message = .ok("Request sent to \(who). Its thread is in :threads.")
                state.conversations.usage = state.conversations.usage.map { usage in
                    var usage = usage
                    usage.connectionsUsed += 1
                    return usage
                }
            case .accepted: state.message = .ok("Accepted \(who)'s request; you can talk now.")
            case .rejected: state.message = .ok("Rejected \(who)'s request.")
            case .blocked: state.message = .ok("Blocked. Nobody can write in this thread now.")
            }
            if let index = state.conversations.threads.conversations.firstIndex(where: { $0.id == conversation.id }) {
                state.conversations.threads.conversations[index] = conversation
            }
            if write != .requested, state.conversations.threads.thread?.connectionID == conversation.id {
                // The answer is a message in the thread: load it again.
                state.conversations.threads.thread = ThreadState(connectionID: conversation.id)
                return [.conversations(.loadThread(conversation.id))] + restartPoll(&state)
            }
            return restartPoll(&state)
        case .failure(let failure):
            let doing = switch write {
            case .requested: "Request not sent"
            case .accepted: "Not accepted"
            case .rejected: "Not rejected"
            case .blocked: "Not blocked"
            }
            state.message = .error("\(doing): \(failure.summary)")
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

    static func conversationsAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        switch action {
        case .goThreads: return show(.threads, state: &state)
        case .goNotifications: return show(.notifications, state: &state)
        default: break
        }
        switch context {
        case .threads: return threadsAction(action, state: &state)
        case .compose: return composeAction(action, state: &state)
        case .notifications: return notificationsAction(action, state: &state)
        case .preferences: return preferencesAction(action, state: &state)
        default: return []
        }
    }

    private static func threadsAction(_ action: Action, state: inout AppState) -> [Effect] {
        var screen = state.conversations.threads
        if screen.cursor.move(action) {
            state.conversations.threads = screen
            return followSelection(&state)
        }
        switch action {
        case .scrollThreadUp, .scrollThreadDown:
            guard var thread = screen.thread else { return [] }
            let step = max(1, Layout.threadLines(state.size) - 2)
            thread.scrollBack = max(0, thread.scrollBack + (action == .scrollThreadUp ? step : -step))
            state.conversations.threads.thread = thread
        case .compose, .open:
            guard let selected = screen.selected else { return [] }
            guard canWrite(selected, me: state.account?.id) else {
                state.message = .info(cannotWriteText(selected, me: state.account?.id))
                return []
            }
            state.conversations.threads.focus = .compose
        case .editLongText:
            guard let selected = screen.selected else { return [] }
            guard canWrite(selected, me: state.account?.id) else {
                state.message = .info(cannotWriteText(selected, me: state.account?.id))
                return []
            }
            return openLongText(screen.compose.text, field: "compose:\(selected.id.uuidString)", label: "Message to \(selected.otherParty(me: state.account?.id).name)", state: &state)
        case .accept, .reject:
            guard let selected = screen.selected else { return [] }
            guard selected.iAmSeller(state.account?.id), selected.status == .pending else {
                state.message = .info(selected.iAmSeller(state.account?.id) ? "Only pending requests can be answered; this one is \(selected.status.rawValue)." : "The seller answers requests.")
                return []
            }
            let accept = action == .accept
            let who = selected.buyer.name
            state.overlay = .prompt(Prompt(
                purpose: .respond(connectionID: selected.id, accept: accept),
                title: accept ? "Accept \(who)'s request" : "Reject \(who)'s request",
                form: Form([FormField("message", accept ? "Message" : "Reason", .text(required: false, maxLength: 5000),
                                      hint: accept ? "optional; Enter accepts" : "optional, shown to the buyer; Enter rejects")])
            ))
        case .block:
            guard let selected = screen.selected else { return [] }
            state.message = .info("Blocking…")
            return [.conversations(.block(selected.id))]
        case .notes:
            guard let selected = screen.selected else { return [] }
            state.message = .info("Loading your notes…")
            return [.conversations(.loadNotes(selected.id))]
        case .filter:
            screen.filter = screen.filter.next
            screen.etag = nil
            screen.conversations = []
            screen.total = nil
            screen.isLoading = true
            screen.cursor.setCount(0)
            state.conversations.threads = screen
            state.message = .info("Showing \(screen.filter.label) connections.")
            return followSelection(&state) + restartPoll(&state)
        case .refresh:
            state.conversations.threads.etag = nil
            if let thread = screen.thread {
                state.conversations.threads.thread = ThreadState(connectionID: thread.connectionID)
                return [.conversations(.loadThread(thread.connectionID))] + restartPoll(&state)
            }
            return restartPoll(&state)
        case .back:
            return goBack(&state)
        default:
            break
        }
        return []
    }

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

    private static func composeAction(_ action: Action, state: inout AppState) -> [Effect] {
        switch action {
        case .send:
            guard let selected = state.conversations.threads.selected, !state.conversations.threads.isSending else { return [] }
            let text = state.conversations.threads.compose.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                state.message = .info("Write something first.")
                return []
            }
            guard text.count <= 5000 else {
                state.message = .error("A message can be at most 5,000 characters; this one has \(text.count).")
                return []
            }
            state.conversations.threads.isSending = true
            state.message = .info("Sending…")
            return [.conversations(.send(selected.id, content: text))]
        case .newline:
            _ = state.conversations.threads.compose.handle(.enter)
        case .editLongText:
            return threadsAction(.editLongText, state: &state)
        case .cancel:
            state.conversations.threads.focus = .list
        default:
            break
        }
        return []
    }

    /// Typing in the compose box; Enter is left to the bindings (send).
    static func editCompose(_ key: Key, state: inout AppState) -> Bool {
        guard key != .enter, key != .escape else { return false }
        guard state.conversations.threads.compose.handle(key) else { return false }
        state.conversations.threads.compose.keepCursorVisible(height: Layout.composeLines)
        return true
    }

    /// Long text in `$EDITOR` when set, in the built-in editor otherwise.
    static func openLongText(_ text: String, field: String, label: String, state: inout AppState) -> [Effect] {
        if state.externalEditor != nil { return [.editExternally(field: field, text: text)] }
        var area = TextArea(text)
        area.keepCursorVisible(height: Layout.textEditorHeight(state.size))
        state.overlay = .textEditor(TextEditorOverlay(field: field, label: label, area: area))
        return []
    }

    /// Text back from an editor for a field of these screens; nil when the field is another screen's.
    static func conversationText(_ text: String, field: String, state: inout AppState) -> [Effect]? {
        if field.hasPrefix("notes:"), let id = UUID(uuidString: String(field.dropFirst(6))) {
            state.message = .info("Saving notes…")
            return [.conversations(.saveNotes(id, text))]
        }
        if field.hasPrefix("compose:"), let id = UUID(uuidString: String(field.dropFirst(8))) {
            if state.conversations.threads.selected?.id == id {
                state.conversations.threads.compose = TextArea(text)
                state.conversations.threads.focus = .compose
            } else {
                state.conversations.threads.drafts[id] = text
            }
            return []
        }
        return nil
    }

    /// A prompt of these screens was answered.
    static func conversationPrompt(_ purpose: Prompt.Purpose, text: String, state: inout AppState) -> [Effect] {
        switch purpose {
        case .connectionRequest(let listingID):
            state.message = .info("Sending your request…")
            return [.conversations(.requestConnection(listingID: listingID, message: text))]
        case .respond(let id, let accept):
            state.message = .info(accept ? "Accepting…" : "Rejecting…")
            return [.conversations(.respond(id, accept: accept, message: text.isEmpty ? nil : text))]
        default:
            return []
        }
    }

    /// `c` on a listing: a buyer asks the seller to connect, seeing how many requests the plan has left.
    static func requestConnection(listingID: UUID, title: String, state: inout AppState) -> [Effect] {
        guard let account = state.account, account.userType == .buyer else {
            state.message = .info(state.account == nil ? "Sign in as a buyer to ask the seller to connect." : "Connection requests are for buyers.")
            return []
        }
        guard account.emailVerified else {
            state.message = .info("Verify your email address first (:verify).")
            return []
        }
        var field = FormField("message", "First message to the seller", .text(required: true, maxLength: 5000), hint: "checking your plan…")
        if let usage = state.conversations.usage { field.hint = requestsLeftText(usage) }
        state.overlay = .prompt(Prompt(purpose: .connectionRequest(listingID: listingID), title: "Ask about “\(title)”", form: Form([field])))
        return [.conversations(.loadUsage)]
    }

}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
