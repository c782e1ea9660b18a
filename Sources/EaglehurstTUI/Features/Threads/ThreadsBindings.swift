import Foundation

/// Connections, their threads and the compose box.
extension Conversations {
    static let threadsBindings: [Binding] =
        listSpecs(.threads) + [
            spec(.threads, .compose, "write in the selected thread", hint: "write"),
            spec(.threads, .editLongText, "write the message in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.threads, .accept, "accept the request, with an optional message (sellers)", hint: "accept"),
            spec(.threads, .reject, "reject the request, with an optional reason (sellers)", hint: "reject"),
            spec(.threads, .block, "block the connection: nobody can write in it again", dangerous: true),
            spec(.threads, .notes, "your private notes on this connection", hint: "notes"),
            spec(.threads, .filter, "show all, requests, accepted, rejected or blocked", hint: "filter"),
            spec(.threads, .scrollThreadUp, "scroll the thread back", hint: "scroll"),
            spec(.threads, .scrollThreadDown, "scroll the thread forward"),
            spec(.threads, .refresh, "reload"),
            spec(.threads, .back, "back to your profile"),
            spec(.compose, .send, "send the message", hint: "send"),
            spec(.compose, .newline, "start a new line", hint: "new line"),
            spec(.compose, .editLongText, "write it in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.compose, .cancel, "back to the connections (the draft is kept)", hint: "list"),
        ]
}

extension Conversations {
    static func perform(_ action: Action, in context: Context, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        switch action {
        case .goThreads:
            shell.message = nil
            return show(.threads, &state, &shell)
        case .goNotifications:
            shell.message = nil
            return show(.notifications, &state, &shell)
        default: break
        }
        switch context {
        case .threads: return threadsAction(action, &state, &shell)
        case .compose: return composeAction(action, &state, &shell)
        case .notifications: return notificationsAction(action, &state, &shell)
        case .preferences: return preferencesAction(action, &state, &shell)
        default: return []
        }
    }

    static func threadsAction(_ action: Action, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        var screen = state.threads
        if screen.cursor.move(action) {
            state.threads = screen
            return followSelection(&state, &shell)
        }
        switch action {
        case .scrollThreadUp, .scrollThreadDown:
            guard var thread = screen.thread else { return [] }
            let step = max(1, Layout.threadLines(shell.size) - 2)
            thread.scrollBack = max(0, thread.scrollBack + (action == .scrollThreadUp ? step : -step))
            state.threads.thread = thread
        case .compose, .open:
            guard let selected = screen.selected else { return [] }
            guard canWrite(selected, me: shell.account?.id) else {
                shell.message = .info(cannotWriteText(selected, me: shell.account?.id))
                return []
            }
            state.threads.focus = .compose
        case .editLongText:
            guard let selected = screen.selected else { return [] }
            guard canWrite(selected, me: shell.account?.id) else {
                shell.message = .info(cannotWriteText(selected, me: shell.account?.id))
                return []
            }
            return openLongText(screen.compose.text, field: "compose:\(selected.id.uuidString)", label: "Message to \(selected.otherParty(me: shell.account?.id).name)", &state, &shell)
        case .accept, .reject:
            guard let selected = screen.selected else { return [] }
            guard selected.iAmSeller(shell.account?.id), selected.status == .pending else {
                shell.message = .info(selected.iAmSeller(shell.account?.id) ? "Only pending requests can be answered; this one is \(selected.status.rawValue)." : "The seller answers requests.")
                return []
            }
            let accept = action == .accept
            let who = selected.buyer.name
            shell.overlay = .prompt(Prompt(
                purpose: .respond(connectionID: selected.id, accept: accept),
                title: accept ? "Accept \(who)'s request" : "Reject \(who)'s request",
                form: Form([FormField("message", accept ? "Message" : "Reason", .text(required: false, maxLength: 5000),
                                      hint: accept ? "optional; Enter accepts" : "optional, shown to the buyer; Enter rejects")])
            ))
        case .block:
            guard let selected = screen.selected else { return [] }
            shell.message = .info("Blocking…")
            return [.conversations(.block(selected.id))]
        case .notes:
            guard let selected = screen.selected else { return [] }
            shell.message = .info("Loading your notes…")
            return [.conversations(.loadNotes(selected.id))]
        case .filter:
            screen.filter = screen.filter.next
            screen.etag = nil
            screen.conversations = []
            screen.total = nil
            screen.isLoading = true
            screen.cursor.setCount(0)
            state.threads = screen
            shell.message = .info("Showing \(screen.filter.label) connections.")
            return followSelection(&state, &shell) + restartPoll(&state, &shell)
        case .refresh:
            state.threads.etag = nil
            if let thread = screen.thread {
                state.threads.thread = ThreadState(connectionID: thread.connectionID)
                return [.conversations(.loadThread(thread.connectionID))] + restartPoll(&state, &shell)
            }
            return restartPoll(&state, &shell)
        case .back:
            shell.go(.back)
            return []
        default:
            break
        }
        return []
    }

    static func composeAction(_ action: Action, _ state: inout ConversationsState, _ shell: inout Shell) -> [Effect] {
        switch action {
        case .send:
            guard let selected = state.threads.selected, !state.threads.isSending else { return [] }
            let text = state.threads.compose.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                shell.message = .info("Write something first.")
                return []
            }
            guard text.count <= 5000 else {
                shell.message = .error("A message can be at most 5,000 characters; this one has \(text.count).")
                return []
            }
            state.threads.isSending = true
            shell.message = .info("Sending…")
            return [.conversations(.send(selected.id, content: text))]
        case .newline:
            _ = state.threads.compose.handle(.enter)
        case .editLongText:
            return threadsAction(.editLongText, &state, &shell)
        case .cancel:
            state.threads.focus = .list
        default:
            break
        }
        return []
    }
}
