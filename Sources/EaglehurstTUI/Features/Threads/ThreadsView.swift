import EaglehurstAPI
import Foundation

/// The threads and notifications screens as frames.
extension Conversations {
    // MARK: threads

    static func drawThreads(_ state: ConversationsState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let screen = state.threads
        let me = shell.account?.id
        let leftWidth = Layout.conversationsWidth(frame.size)
        let count = screen.total.map { $0 == 1 ? "1 connection" : "\($0) connections" } ?? ""
        frame.write("Connections · \(screen.filter.label)", x: 1, y: body.top, style: theme[.title], maxWidth: leftWidth - 2)
        frame.write(count, x: max(1, leftWidth - TextWidth.of(count) - 1), y: body.top + 1, style: theme[.textDim])
        for y in body.top...body.bottom { frame.write("│", x: leftWidth, y: y, style: theme[.border]) }
        let listFocused = screen.focus == .list && shell.overlay == nil
        var y = body.top + 2
        for row in screen.cursor.visibleRows where y + 1 <= body.bottom {
            let conversation = screen.conversations[row]
            let selected = row == screen.cursor.selected
            let unread = conversation.unreadCount > 0
            let base = selected ? (listFocused ? theme[.listSelected] : theme[.listHeader]) : unread ? theme[.listUnread] : theme[.listRow]
            frame.fill(x: 0, y: y, width: leftWidth, style: selected ? base : theme[.appBackground])
            frame.fill(x: 0, y: y + 1, width: leftWidth, style: selected ? base : theme[.appBackground])
            let badge = unread ? " \(conversation.unreadCount) " : ""
            let status = conversation.status == .accepted ? "" : " [\(statusLabel(conversation, me: me))]"
            let name = (unread ? "● " : "  ") + conversation.otherParty(me: me).name + status
            frame.write(name, x: 0, y: y, style: base, maxWidth: leftWidth - TextWidth.of(badge) - 1)
            if unread { frame.write(badge, x: leftWidth - TextWidth.of(badge) - 1, y: y, style: theme[.badgeUnread]) }
            let when = conversation.lastMessageAt.map { age($0, now: Date()) } ?? ""
            let listing = conversation.listing?.title ?? "listing"
            let preview = conversation.lastMessagePreview.map { ": " + $0.replacingOccurrences(of: "\n", with: " ") } ?? ""
            frame.write("  " + listing + preview, x: 0, y: y + 1, style: selected ? base : theme[.textDim], maxWidth: leftWidth - TextWidth.of(when) - 2)
            frame.write(when, x: leftWidth - TextWidth.of(when) - 1, y: y + 1, style: selected ? base : theme[.textDim])
            y += 2
        }
        if screen.conversations.isEmpty {
            let text: String
            if screen.isLoading { text = "\(spinner(shell)) loading…" }
            else if let failure = screen.failure { text = "✕ \(failure.summary)" }
            else if shell.account?.userType == .buyer { text = screen.filter == .all ? "No connections yet. Open a listing and press c to ask its seller." : "None." }
            else { text = screen.filter == .all ? "No connections yet. Buyers' requests about your listings arrive here." : "None." }
            for (index, line) in wrap(text, width: leftWidth - 3).enumerated() where body.top + 2 + index <= body.bottom {
                frame.write(line, x: 1, y: body.top + 2 + index, style: screen.failure == nil ? theme[.textDim] : theme[.statusError])
            }
        } else if screen.isStale {
            frame.write("stale: the last poll failed", x: 1, y: body.bottom, style: theme[.stale], maxWidth: leftWidth - 2)
        }
        drawThread(state, shell: shell, x: leftWidth + 2, width: frame.size.width - leftWidth - 3, theme: theme, body: body, into: &frame)
    }

    static func statusLabel(_ conversation: Conversation, me: UUID?) -> String {
        switch conversation.status {
        case .pending: conversation.iAmSeller(me) ? "request" : "waiting"
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .blocked: "blocked"
        }
    }

    private static func drawThread(_ state: ConversationsState, shell: Shell, x: Int, width: Int, theme: Theme, body: Body, into frame: inout Frame) {
        let screen = state.threads
        let me = shell.account?.id
        guard width >= 10, let conversation = screen.selected else { return }
        let other = conversation.otherParty(me: me)
        frame.write(conversation.listing?.title ?? "Listing", x: x, y: body.top, style: theme[.title], maxWidth: width)
        let role = conversation.iAmSeller(me) ? "buyer" : "seller"
        let what: String
        switch conversation.status {
        case .pending where conversation.iAmSeller(me): what = "asks to connect: a accepts, x rejects, or write to ask first"
        case .pending: what = "request waiting for the seller's answer"
        case .accepted: what = "connected"
        case .rejected: what = "request rejected"
        case .blocked: what = "blocked"
        }
        frame.write("with \(other.name) (\(role)) · \(what)", x: x, y: body.top + 1, style: theme[.textDim], maxWidth: width)
        frame.write(String(repeating: "─", count: width), x: x, y: body.top + 2, style: theme[.border])
        let composeTop = body.bottom - Layout.composeLines + 1
        let messagesTop = body.top + 3
        let messagesBottom = composeTop - 2
        if let thread = screen.thread {
            if thread.isLoading && thread.messages.isEmpty {
                frame.write("\(spinner(shell)) loading the thread…", x: x, y: messagesTop, style: theme[.spinner])
            } else if let failure = thread.failure, thread.messages.isEmpty {
                frame.write("✕ \(failure.summary)", x: x, y: messagesTop, style: theme[.statusError], maxWidth: width)
            } else {
                let lines = threadLines(thread, conversation: conversation, me: me, width: width)
                let height = messagesBottom - messagesTop + 1
                let end = max(0, lines.count - thread.scrollBack)
                let start = max(0, end - height)
                var y = messagesBottom - (end - start) + 1
                for line in lines[start..<end] {
                    let style: Style = switch line.kind {
                    case .mine: theme[.messageMine]
                    case .theirs: theme[.messageTheirs]
                    case .text: theme[.text]
                    case .note: theme[.textDim]
                    }
                    frame.write(line.text, x: x + (line.kind == .text ? 2 : 0), y: y, style: style, maxWidth: width - 2)
                    y += 1
                }
                if thread.scrollBack > 0 {
                    let more = " ↓ newer below "
                    frame.write(more, x: x + width - TextWidth.of(more), y: messagesBottom, style: theme[.statusInfo])
                }
            }
        }
        let composeFocused = screen.focus == .compose && shell.overlay == nil
        let canWrite = canWrite(conversation, me: me)
        let rule = screen.isSending ? "─ sending… " : composeFocused ? "─ message (Enter sends) " : canWrite ? "─ message (Enter to write) " : ""
        frame.write(rule + String(repeating: "─", count: max(0, width - TextWidth.of(rule))), x: x, y: composeTop - 1, style: composeFocused ? theme[.overlayBorder] : theme[.border])
        guard canWrite else {
            // The compose box's rows hold the reason, wrapped rather than cut off.
            for (index, line) in wrap(cannotWriteText(conversation, me: me), width: width).prefix(Layout.composeLines).enumerated() {
                frame.write(line, x: x, y: composeTop + index, style: theme[.textDim], maxWidth: width)
            }
            return
        }
        drawComposeBox(screen.compose, focused: composeFocused, x: x, top: composeTop, width: width, theme: theme, into: &frame)
    }

    /// "26 Nov 14:05" in the terminal's time zone, whatever the locale says about AM/PM.
    static let messageTime: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.dateFormat = "d MMM HH:mm"
        return formatter
    }()

    struct ThreadLine: Equatable {
        enum Kind { case mine, theirs, text, note }
        var kind: Kind
        var text: String
    }

    /// A thread as lines: each message is a name line and its wrapped text, with a blank line between.
    static func threadLines(_ thread: ThreadState, conversation: Conversation, me: UUID?, width: Int) -> [ThreadLine] {
        var lines: [ThreadLine] = []
        if thread.earlier > 0 {
            lines.append(ThreadLine(kind: .note, text: "— \(thread.earlier) earlier message\(thread.earlier == 1 ? "" : "s") not shown —"))
        }
        let names = [conversation.buyerId: conversation.buyer.name, conversation.sellerId: conversation.seller.name]
        for message in thread.messages {
            if !lines.isEmpty { lines.append(ThreadLine(kind: .text, text: "")) }
            let mine = message.senderId == me
            let when = messageTime.string(from: message.createdAt)
            let read = mine ? (message.isRead ? " · read" : "") : ""
            let name = mine ? "You" : names[message.senderId] ?? "Them"
            lines.append(ThreadLine(kind: mine ? .mine : .theirs, text: "\(name) · \(when)\(read)"))
            for paragraph in message.content.components(separatedBy: "\n") {
                lines += wrap(paragraph, width: max(1, width - 2)).map { ThreadLine(kind: .text, text: $0) }
            }
        }
        return lines
    }

    /// The footer offers what the selected connection allows: answering to a seller's pending request,
    /// writing where writing is allowed. The keys themselves still say why when pressed elsewhere.
    static func hintApplies(_ binding: Binding, in state: ConversationsState, shell: Shell) -> Bool {
        guard binding.context == .threads else { return true }
        let me = shell.account?.id
        guard let selected = state.threads.selected else { return ![.accept, .reject, .compose, .editLongText, .notes].contains(binding.action) }
        switch binding.action {
        case .accept, .reject: return selected.status == .pending && selected.iAmSeller(me)
        case .compose, .editLongText: return canWrite(selected, me: me)
        default: return true
        }
    }

    // MARK: notifications

}

