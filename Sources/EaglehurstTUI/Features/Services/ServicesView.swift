import EaglehurstAPI
import Foundation

extension Services {
    /// The width of the documents column beside a request's conversation.
    static func documentsWidth(_ size: Size) -> Int { min(46, max(28, size.width * 3 / 8)) }

    static func view(_ state: ServicesState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        if let chooser = state.chooser {
            drawChooser(chooser, state, shell: shell, theme: theme, body: body, into: &frame)
        } else if let draft = state.draft, let form = draft.form {
            frame.write("New request\(draft.template.map { ": \($0.templateName)" } ?? "")", x: 2, y: body.top, style: theme[.title], maxWidth: frame.size.width - 4)
            let about = draft.listingTitle.map { "About your listing or connection “\($0)”: the provider sees its title, never its confidential details." }
                ?? "Not about a listing: v on a listing asks about that listing."
            frame.write(about, x: 2, y: body.top + 1, style: theme[.textDim], maxWidth: frame.size.width - 4)
            drawForm(form, focused: shell.overlay == nil, top: body.top + 3, bottom: body.bottom, theme: theme, into: &frame)
        } else if let detail = state.detail {
            drawDetail(detail, desk: state.isDesk, shell: shell, theme: theme, body: body, into: &frame)
        } else {
            drawList(state, shell: shell, theme: theme, body: body, into: &frame)
        }
    }

    // MARK: the list

    private static func drawList(_ state: ServicesState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let title = state.isDesk ? "Service desk · \(state.filter.label)   (l: listings queue · u: users)" : "Your service requests · \(state.filter.label)"
        let count = state.total.map { $0 == 1 ? "1 request" : "\(thousands(Int64($0))) requests" } ?? ""
        drawTitleLine(title, right: count, y: body.top, theme: theme, into: &frame)
        let now = state.receivedAt ?? Date()
        var columns = [
            Column(title: "Status", width: 12), Column(title: "Urgency", width: 7), Column(title: "Kind", width: 13), Column(title: "Title"),
            Column(title: "About", width: 22), Column(title: "Provider", width: 20), Column(title: "New", width: 3, alignment: .right),
            Column(title: "Updated", width: 7, alignment: .right),
        ]
        if state.isDesk { columns.insert(Column(title: "From", width: 16), at: 3) }
        drawTable(columns: columns, cursor: state.cursor, top: body.top + 1, theme: theme, focused: shell.overlay == nil, into: &frame) { row in
            guard state.requests.indices.contains(row) else { return nil }
            let request = state.requests[row]
            let unread = request.unreadCount ?? 0
            var texts = [
                "[\(statusLabel(request.status))]", request.urgency.rawValue, typeLabel(request.serviceType), request.title,
                request.listingTitle ?? "—", request.provider?.companyName ?? "—", unread > 0 ? "\(unread)" : "", age(request.updatedAt, now: now),
            ]
            if state.isDesk { texts.insert(request.user.map { "\($0.firstName) \($0.lastName)" } ?? "", at: 3) }
            let style: Style? = state.isStale ? theme[.stale] : unread > 0 ? theme[.listUnread] : [.completed, .cancelled].contains(request.status) ? theme[.textDim] : nil
            return (texts, style)
        }
        let note: (String, FootnoteKind)?
        if state.total == nil, state.isLoading { note = ("\(spinner(shell)) loading…", .busy) }
        else if let failure = state.failure, state.requests.isEmpty { note = ("✕ \(failure.summary)", .error) }
        else if state.requests.isEmpty {
            note = (state.isDesk ? "No \(state.filter == .all ? "" : state.filter.label + " ")requests: f shows others."
                : state.filter == .all ? "No requests yet: n asks for legal, valuation or other help (or v on a listing)." : "None \(state.filter.label): f shows others.", .dim)
        } else if state.isStale { note = ("stale: the latest request failed; these rows are from before", .stale) }
        else { note = state.selected.map { ("\($0.description.replacingOccurrences(of: "\n", with: " "))", .dim) } }
        drawFootnote(note, body: body, theme: theme, into: &frame)
    }

    // MARK: choosing a template or a provider

    private static func drawChooser(_ chooser: ServiceChooser, _ state: ServicesState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let width = frame.size.width - 4
        var y = body.top
        switch chooser.purpose {
        case .template:
            frame.write("What do you need?", x: 2, y: y, style: theme[.title], maxWidth: width)
            if let title = state.draft?.listingTitle {
                frame.write("About “\(title)”", x: 2, y: y + 1, style: theme[.textDim], maxWidth: width)
            }
        case .assign(_, let type):
            frame.write("Assign a provider (\(typeLabel(type)))", x: 2, y: y, style: theme[.title], maxWidth: width)
            if let title = state.detail?.title { frame.write("For “\(title)”", x: 2, y: y + 1, style: theme[.textDim], maxWidth: width) }
        }
        y += 3
        if chooser.isLoading {
            frame.write("\(spinner(shell)) loading…", x: 2, y: y, style: theme[.spinner])
            return
        }
        let rows: [(String, String)]
        switch chooser.purpose {
        case .template:
            rows = (state.templates ?? []).map { ("\($0.templateName) (\(typeLabel($0.serviceType)))", $0.description ?? String($0.content.prefix(200))) }
        case .assign(let requestID, let type):
            let preferred = state.detail?.id == requestID ? state.detail?.request?.preferredProviderId : nil
            rows = (state.providers[type] ?? []).map { provider in
                let rating = provider.rating.map { String(format: "★%.1f (%d)", $0, provider.reviewCount ?? 0) } ?? "no rating"
                let mark = provider.id == preferred ? " · the requester's preference" : ""
                return ("\(provider.companyName)  \(rating)\(mark)", "works in \(provider.regions.joined(separator: ", "))" + (provider.contactEmail.map { " · \($0)" } ?? ""))
            }
        }
        if rows.isEmpty {
            frame.write(chooser.purpose == .template ? "The server offers no kinds of request." : "No active provider offers this service.", x: 2, y: y, style: theme[.textDim])
            return
        }
        for row in chooser.cursor.visibleRows where y + 1 <= body.bottom {
            let selected = row == chooser.cursor.selected && shell.overlay == nil
            let style = selected ? theme[.listSelected] : theme[.listRow]
            if selected { frame.fill(x: 0, y: y, width: frame.size.width, style: style) }
            frame.write(" " + rows[row].0, x: 1, y: y, style: style, maxWidth: width)
            frame.write(rows[row].1.replacingOccurrences(of: "\n", with: " "), x: 4, y: y + 1, style: theme[.textDim], maxWidth: width - 3)
            y += 2
        }
    }

    // MARK: one request

    private static func drawDetail(_ detail: ServiceDetail, desk: Bool, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let width = frame.size.width - 4
        guard let request = detail.request else {
            frame.write(detail.title, x: 2, y: body.top, style: theme[.title], maxWidth: width)
            let text = detail.failure.map { "✕ \($0.summary)" } ?? "\(spinner(shell)) loading…"
            frame.write(text, x: 2, y: body.top + 2, style: detail.failure == nil ? theme[.spinner] : theme[.statusError], maxWidth: width)
            return
        }
        let badge = " \(statusLabel(request.status)) · \(request.urgency.rawValue) "
        frame.write(request.title, x: 2, y: body.top, style: theme[.title], maxWidth: width - TextWidth.of(badge) - 1)
        frame.write(badge, x: frame.size.width - TextWidth.of(badge) - 2, y: body.top, style: [.completed].contains(request.status) ? theme[.statusOK] : theme[.statusInfo])
        var facts = [typeLabel(request.serviceType)]
        if desk, let user = request.user { facts.append("from \(user.firstName) \(user.lastName) (\(user.userType.rawValue))") }
        if let listing = request.listingTitle { facts.append("about “\(listing)”") }
        if let provider = request.provider { facts.append("provider \(provider.companyName)") }
        else if request.preferredProviderId != nil { facts.append("a preferred provider is named") }
        if detail.isStale { facts.append("stale") }
        frame.write(facts.joined(separator: " · "), x: 2, y: body.top + 1, style: detail.isStale ? theme[.stale] : theme[.textDim], maxWidth: width)
        frame.write(timeline(request), x: 2, y: body.top + 2, style: theme[.text], maxWidth: width)
        var y = body.top + 3
        for line in wrap(request.description.replacingOccurrences(of: "\n", with: " "), width: width).prefix(2) {
            frame.write(line, x: 2, y: y, style: theme[.textDim], maxWidth: width)
            y += 1
        }
        y += 1
        if let form = detail.upload {
            frame.write("Attach a document\(desk ? "" : ": the desk and the provider see it, nobody else")", x: 2, y: y, style: theme[.listHeader], maxWidth: width)
            drawForm(form, focused: shell.overlay == nil, top: y + 2, bottom: body.bottom, theme: theme, into: &frame)
            return
        }
        let documentsWidth = documentsWidth(frame.size)
        let threadWidth = frame.size.width - documentsWidth - 4
        let split = 1 + threadWidth + 1
        let threadFocused = detail.focus != .documents && shell.overlay == nil
        let heading = " Conversation" + (desk ? (detail.writeAs == .provider ? " (you write as the provider)" : " (you write as the desk)") : "") + " "
        frame.write(heading + String(repeating: "─", count: max(0, threadWidth - TextWidth.of(heading))), x: 1, y: y, style: threadFocused ? theme[.overlayBorder] : theme[.border], maxWidth: threadWidth)
        let docsHeading = " Documents (\(detail.documents.count)) "
        frame.write(docsHeading + String(repeating: "─", count: max(0, documentsWidth - TextWidth.of(docsHeading))), x: split + 1, y: y,
                    style: detail.focus == .documents ? theme[.overlayBorder] : theme[.border], maxWidth: documentsWidth)
        for row in (y + 1)...max(y + 1, body.bottom) { frame.write("│", x: split, y: row, style: theme[.border]) }
        drawThread(detail, desk: desk, x: 2, width: threadWidth - 1, top: y + 1, bottom: body.bottom, shell: shell, theme: theme, into: &frame)
        drawDocuments(detail, x: split + 2, width: documentsWidth - 2, top: y + 1, bottom: body.bottom, shell: shell, theme: theme, into: &frame)
    }

    /// submitted 2 Dec → in review 3 Dec → assigned → …, each step with its day once reached.
    static func timeline(_ request: ServiceRequest) -> String {
        let steps: [(ServiceStatus, Date?)] = [
            (.submitted, request.createdAt), (.inReview, request.reviewedAt), (.assigned, request.assignedAt),
            (.inProgress, request.startedAt), (.completed, request.completedAt),
        ]
        if request.status == .cancelled {
            let reached = steps.filter { $0.1 != nil }.map { "✓ \(statusLabel($0.0)) \(shortDay($0.1!))" }
            return (reached + ["✕ cancelled" + (request.cancelledAt.map { " \(shortDay($0))" } ?? "")]).joined(separator: " → ")
        }
        return steps.map { step -> String in
            let mark = step.0 == request.status ? "●" : step.1 == nil ? "○" : "✓"
            return "\(mark) \(statusLabel(step.0))" + (step.1.map { " \(shortDay($0))" } ?? "")
        }.joined(separator: " → ")
    }

    static func shortDay(_ date: Date) -> String { dayFormatter.string(from: date) }

    static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.dateFormat = "d MMM"
        return formatter
    }()

    private static func drawThread(_ detail: ServiceDetail, desk: Bool, x: Int, width: Int, top: Int, bottom: Int, shell: Shell, theme: Theme, into frame: inout Frame) {
        let composeTop = bottom - Layout.composeLines + 1
        let messagesBottom = composeTop - 2
        if detail.isThreadLoading && detail.messages.isEmpty {
            frame.write("\(spinner(shell)) loading the conversation…", x: x, y: top, style: theme[.spinner])
        } else if detail.messages.isEmpty {
            let text = desk ? "No messages yet. Enter writes to the requester." : "No messages yet: the desk writes here once it reviews your request. Enter writes to it."
            for (index, line) in wrap(text, width: width).enumerated() where top + index <= messagesBottom {
                frame.write(line, x: x, y: top + index, style: theme[.textDim])
            }
        } else {
            let lines = threadLines(detail.messages, desk: desk, width: width)
            let height = max(0, messagesBottom - top + 1)
            let end = max(0, lines.count - min(detail.scrollBack, max(0, lines.count - height)))
            let start = max(0, end - height)
            var y = messagesBottom - (end - start) + 1
            for line in lines[start..<end] {
                let style: Style = switch line.kind {
                case .mine: theme[.messageMine]
                case .theirs: theme[.messageTheirs]
                case .text: theme[.text]
                }
                frame.write(line.text, x: x + (line.kind == .text ? 2 : 0), y: y, style: style, maxWidth: width - 2)
                y += 1
            }
            if end < lines.count {
                let more = " ↓ newer below "
                frame.write(more, x: x + width - TextWidth.of(more), y: messagesBottom, style: theme[.statusInfo])
            }
        }
        let focused = detail.focus == .compose && shell.overlay == nil
        let rule = detail.isSending ? "─ sending… " : focused ? "─ message (Enter sends) " : canWrite(detail) ? "─ message (Enter to write) " : "─ the conversation is closed "
        frame.write(rule + String(repeating: "─", count: max(0, width - TextWidth.of(rule))), x: x, y: composeTop - 1, style: focused ? theme[.overlayBorder] : theme[.border])
        guard canWrite(detail) else { return }
        drawComposeBox(detail.compose, focused: focused, x: x, top: composeTop, width: width, theme: theme, into: &frame)
    }

    struct ThreadLine: Equatable {
        enum Kind { case mine, theirs, text }
        var kind: Kind
        var text: String
    }

    /// Each message is a name line and its wrapped text, with a blank line between.
    static func threadLines(_ messages: [ServiceCommunication], desk: Bool, width: Int) -> [ThreadLine] {
        var lines: [ThreadLine] = []
        for message in messages {
            if !lines.isEmpty { lines.append(ThreadLine(kind: .text, text: "")) }
            let mine = !isFromOtherSide(message, desk: desk)
            let name: String
            switch message.senderType {
            case .user: name = desk ? (message.senderName ?? "The requester") : "You"
            case .admin: name = message.senderName ?? "Eaglehurst service desk"
            case .provider: name = (message.senderName ?? "The provider") + (desk ? " (written by the desk)" : "")
            }
            let when = Conversations.messageTime.string(from: message.createdAt)
            let read = mine && message.isRead ? " · read" : ""
            lines.append(ThreadLine(kind: mine ? .mine : .theirs, text: "\(name) · \(when)\(read)"))
            for paragraph in message.message.components(separatedBy: "\n") {
                lines += wrap(paragraph, width: max(1, width - 2)).map { ThreadLine(kind: .text, text: $0) }
            }
        }
        return lines
    }

    private static func drawDocuments(_ detail: ServiceDetail, x: Int, width: Int, top: Int, bottom: Int, shell: Shell, theme: Theme, into frame: inout Frame) {
        guard !detail.documents.isEmpty else {
            for (index, line) in wrap("None yet. a attaches one (accounts, a lease, a contract…); reports from the provider arrive here.", width: width).enumerated() where top + index <= bottom {
                frame.write(line, x: x, y: top + index, style: theme[.textDim])
            }
            return
        }
        var y = top
        let focused = detail.focus == .documents && shell.overlay == nil
        for row in detail.documentCursor.visibleRows where y + 1 <= bottom {
            let document = detail.documents[row]
            let selected = focused && row == detail.documentCursor.selected
            let style = selected ? theme[.listSelected] : theme[.listRow]
            if selected { frame.fill(x: x - 1, y: y, width: width + 1, style: style) }
            frame.write(document.fileName, x: x, y: y, style: style, maxWidth: width)
            let from = document.senderType == .provider ? "provider" : document.senderType == .admin ? "desk" : "requester"
            let info = "\(document.documentType.rawValue.replacingOccurrences(of: "_", with: " ")) · \(size(document.sizeBytes)) · \(from) · \(shortDay(document.createdAt))"
            frame.write(info, x: x + 1, y: y + 1, style: theme[.textDim], maxWidth: width - 1)
            y += 2
        }
    }

    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        if bytes < 1024 * 1024 * 1024 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return String(format: "%.1f GB", Double(bytes) / 1_073_741_824)
    }
}
