import Foundation

extension App {
    /// The whole screen for a state: header, the current screen, the error line, the status bar, and
    /// any overlay on top. Pure; tests read its text.
    public static func view(_ state: AppState, theme: Theme, size: Size) -> Frame {
        var frame = Frame(size: size, style: theme[.appBackground])
        guard size.width >= 20, size.height >= 6 else {
            frame.write("Window too small", x: 0, y: 0, style: theme[.statusError], maxWidth: size.width)
            return frame
        }
        drawHeader(state, theme: theme, into: &frame)
        let body = (top: 2, bottom: size.height - 4)
        switch state.screen {
        case .signin, .register, .verify, .forgotPassword, .resetPassword: drawFormScreen(state, theme: theme, body: body, into: &frame)
        case .profile: drawProfile(state, theme: theme, body: body, into: &frame)
        case .listings: drawListings(state, theme: theme, body: body, into: &frame)
        case .saved: drawSaved(state, theme: theme, body: body, into: &frame)
        case .myListings: drawMyListings(state, theme: theme, body: body, into: &frame)
        case .admin: drawAdmin(state, theme: theme, body: body, into: &frame)
        case .threads: drawThreads(state, theme: theme, body: body, into: &frame)
        case .notifications: drawNotifications(state, theme: theme, body: body, into: &frame)
        default: drawStatus(state, theme: theme, body: body, into: &frame)
        }
        drawMessageLine(state, theme: theme, into: &frame)
        drawStatusBar(state, theme: theme, into: &frame)
        drawHints(state, theme: theme, into: &frame)
        switch state.overlay {
        case .help(let help): drawHelp(help, theme: theme, into: &frame)
        case .commandLine(let line): drawCommandLine(line, theme: theme, into: &frame)
        case .confirm(let dialog): drawConfirm(dialog, bindings: state.bindings, theme: theme, into: &frame)
        case .prompt(let prompt): drawPrompt(prompt, theme: theme, into: &frame)
        case .textEditor(let editor): drawTextEditor(editor, theme: theme, into: &frame)
        case nil: break
        }
        return frame
    }

    static func spinner(_ state: AppState) -> String {
        String(Layout.spinnerFrames[state.spinnerFrame % Layout.spinnerFrames.count])
    }

    private static func drawHeader(_ state: AppState, theme: Theme, into frame: inout Frame) {
        let used = frame.write(" Eaglehurst", x: 0, y: 0, style: theme[.title])
        frame.write("  ·  \(state.screen.title)", x: used, y: 0, style: theme[.textDim])
    }

    // MARK: status screen

    private static func drawStatus(_ state: AppState, theme: Theme, body: (top: Int, bottom: Int), into frame: inout Frame) {
        let status = state.status
        let valueStyle = status.isStale ? theme[.stale] : theme[.text]
        var y = body.top
        func row(_ label: String, _ value: String, _ style: Style) {
            guard y <= body.bottom else { return }
            frame.write(TextWidth.pad(label, to: 14), x: 2, y: y, style: theme[.label])
            frame.write(value, x: 16, y: y, style: style, maxWidth: frame.size.width - 18)
            y += 1
        }
        row("Server", "\(state.server.url.absoluteString)  (\(state.server.isEmbedded ? "embedded in this app" : "remote"))", theme[.text])
        let health: (String, Style)
        if status.isChecking {
            health = ("\(spinner(state)) checking…", theme[.spinner])
        } else if let report = status.report, !status.isStale {
            health = ("● \(report.status)", report.status == "ok" ? theme[.statusOK] : theme[.stale])
        } else if let failure = status.failure {
            health = ("✕ \(failure.summary)", theme[.statusError])
        } else {
            health = ("not checked yet", theme[.textDim])
        }
        row("Health", health.0, health.1)
        let report = status.report
        row("Version", report?.version ?? "—", valueStyle)
        row("Database", report?.database ?? "—", valueStyle)
        row("Server time", report.map { $0.serverTime.formatted(.iso8601) } ?? "—", valueStyle)
        row("Round trip", report.map { "\(milliseconds($0.roundTrip)) ms" } ?? "—", valueStyle)
        if status.isStale {
            row("", "stale: from an earlier check; the latest one failed", theme[.stale])
        }
        y += 1
        if state.isRestoringSession {
            row("", "\(spinner(state)) resuming your session…", theme[.spinner])
        } else if state.account == nil, let signIn = state.bindings.binding(for: .signIn, in: .status)?.keys.first {
            row("", "Press \(signIn) to sign in.", theme[.textDim])
        }
        if !state.welcomeLines.isEmpty { y += 1 }
        for line in state.welcomeLines where y <= body.bottom {
            frame.write(line, x: 2, y: y, style: theme[.text], maxWidth: frame.size.width - 4)
            y += 1
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: error line and status bar

    private static func drawMessageLine(_ state: AppState, theme: Theme, into frame: inout Frame) {
        guard let message = state.message else { return }
        let style: Style
        switch message.kind {
        case .error: style = theme[.statusError]
        case .info: style = theme[.statusInfo]
        case .ok: style = theme[.statusOK]
        }
        frame.write(" " + message.text, x: 0, y: Layout.messageRow(frame.size), style: style, maxWidth: frame.size.width)
    }

    /// The footer's hints: the live context's bindings marked as hints, with the first key that works
    /// while typing (a printable key types instead of commanding).
    static func hints(_ state: AppState) -> [(key: String, text: String)] {
        let typing = isTyping(state)
        return BindingTable.activeContexts(for: state.context).flatMap { state.bindings.bindings(in: $0) }
            .compactMap { binding in
                guard let hint = binding.hint, hintApplies(binding, in: state) else { return nil }
                let usable = binding.keys.first { !typing || !($0.keys.first?.isPrintable ?? false) }
                return usable.map { ($0.description, hint) }
            }
    }

    /// The screen's name on the left; the unread count and the connection on the right.
    private static func drawStatusBar(_ state: AppState, theme: Theme, into frame: inout Frame) {
        let y = Layout.statusBarRow(frame.size)
        frame.fill(y: y, style: theme[.statusBar])
        var right: [(String, Style)] = []
        if let account = state.account { right.append((" \(account.email) (\(account.userType.rawValue)) ", theme[.statusUser])) }
        if let unread = state.unreadCount, unread > 0 { right.append((" \(unread) unread ", theme[.badgeUnread])) }
        if isShowingStale(state) { right.append((" stale ", theme[.stale])) }
        let host = state.server.hostLabel
        switch state.connection {
        case .connected: right.append((" ● connected \(host) ", theme[.statusConnected]))
        case .connecting: right.append((" \(spinner(state)) connecting \(host) ", theme[.statusConnecting]))
        case .unreachable: right.append((" ✕ unreachable \(host) ", theme[.statusUnreachable]))
        }
        let rightWidth = right.reduce(0) { $0 + TextWidth.of($1.0) }
        var x = max(0, frame.size.width - rightWidth)
        let rightStart = x
        for (text, style) in right { x += frame.write(text, x: x, y: y, style: style) }
        frame.write(" \(state.screen.title) ", x: 0, y: y, style: theme[.statusScreen], maxWidth: max(0, rightStart - 1))
    }

    /// The keys of the live context, as many as fit.
    private static func drawHints(_ state: AppState, theme: Theme, into frame: inout Frame) {
        let y = Layout.hintsRow(frame.size)
        frame.fill(y: y, style: theme[.statusBar])
        var x = 0
        for hint in hints(state) {
            let needed = 1 + TextWidth.of(hint.key) + 1 + TextWidth.of(hint.text) + 1
            guard x + needed <= frame.size.width else { break }
            x += 1
            x += frame.write(hint.key, x: x, y: y, style: theme[.statusKey])
            x += frame.write(" " + hint.text + " ", x: x, y: y, style: theme[.statusBar])
        }
    }

    // MARK: overlays

    static func drawBox(x: Int, y: Int, width: Int, height: Int, title: String, theme: Theme, border: Style, into frame: inout Frame) {
        frame.fill(x: x, y: y, width: width, height: height, style: theme[.overlay])
        let horizontal = String(repeating: "─", count: max(0, width - 2))
        frame.write("┌" + horizontal + "┐", x: x, y: y, style: border)
        frame.write("└" + horizontal + "┘", x: x, y: y + height - 1, style: border)
        for row in (y + 1)..<(y + height - 1) {
            frame.write("│", x: x, y: row, style: border)
            frame.write("│", x: x + width - 1, y: row, style: border)
        }
        frame.write(" \(title) ", x: x + 2, y: y, style: theme[.helpTitle], maxWidth: width - 4)
    }

    private static func drawHelp(_ help: HelpOverlay, theme: Theme, into frame: inout Frame) {
        let box = Layout.helpBox(for: frame.size)
        drawBox(x: box.x, y: box.y, width: box.width, height: box.height, title: "Keys", theme: theme, border: theme[.overlayBorder], into: &frame)
        let keysWidth = min(24, (box.width - 4) / 3)
        var y = box.y + 1
        for index in help.cursor.visibleRows {
            let row = help.rows[index]
            switch row.kind {
            case .blank: break
            case .section:
                frame.write(row.text, x: box.x + 2, y: y, style: theme[.helpSection], maxWidth: box.width - 4)
            case .binding:
                frame.write(TextWidth.pad(row.keys, to: keysWidth), x: box.x + 3, y: y, style: theme[.helpKey])
                frame.write(row.text, x: box.x + 4 + keysWidth, y: y, style: theme[.overlay], maxWidth: box.width - keysWidth - 6)
            }
            y += 1
        }
        let shown = help.cursor.visibleRows
        let position = " \(shown.lowerBound + 1)–\(shown.upperBound) of \(help.rows.count) "
        frame.write(position, x: box.x + box.width - 2 - TextWidth.of(position), y: box.y + box.height - 1, style: theme[.overlayBorder])
    }

    private static func drawCommandLine(_ line: CommandLine, theme: Theme, into frame: inout Frame) {
        let y = Layout.messageRow(frame.size)
        frame.fill(y: y, style: theme[.commandLine])
        frame.write(":", x: 0, y: y, style: theme[.commandLine])
        let visible = line.field.visible(width: frame.size.width - 2)
        frame.write(visible.text, x: 1, y: y, style: theme[.commandLine])
        frame.cursor = (1 + visible.cursorColumn, y)
        guard line.candidates.count > 1 else { return }
        frame.fill(y: y - 1, style: theme[.commandLine])
        var x = 1
        for (index, candidate) in line.candidates.enumerated() {
            let current = line.cycle?.index == index
            let style = current ? theme[.listSelected] : theme[.commandCompletion]
            guard x + TextWidth.of(candidate) < frame.size.width else { break }
            x += frame.write(candidate, x: x, y: y - 1, style: style) + 2
        }
    }

    private static func drawConfirm(_ dialog: ConfirmDialog, bindings: BindingTable, theme: Theme, into frame: inout Frame) {
        let width = min(56, frame.size.width - 4)
        let height = 7
        let x = (frame.size.width - width) / 2
        let y = max(1, (frame.size.height - height) / 2)
        drawBox(x: x, y: y, width: width, height: height, title: "Confirm", theme: theme, border: theme[.dialogDanger], into: &frame)
        frame.write(dialog.question, x: x + 2, y: y + 2, style: theme[.dialogDanger], maxWidth: width - 4)
        let yesKey = bindings.binding(for: .confirm, in: .confirm)?.keys.first.map { " (\($0))" } ?? ""
        let noKey = bindings.binding(for: .cancel, in: .confirm)?.keys.first.map { " (\($0))" } ?? ""
        let yes = "[ Yes\(yesKey) ]"
        let no = "[ No\(noKey) ]"
        let buttonsX = x + (width - TextWidth.of(yes) - TextWidth.of(no) - 2) / 2
        frame.write(yes, x: buttonsX, y: y + 4, style: dialog.yesHighlighted ? theme[.buttonFocused] : theme[.button])
        frame.write(no, x: buttonsX + TextWidth.of(yes) + 2, y: y + 4, style: dialog.yesHighlighted ? theme[.button] : theme[.buttonFocused])
    }
}
