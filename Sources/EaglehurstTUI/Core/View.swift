import Foundation

extension App {
    /// The whole screen for a state: header, the current screen, the error line, the status bar, and
    /// any overlay on top. Pure; tests read its text.
    package static func view(_ state: AppState, theme: Theme, size: Size) -> Frame {
        var frame = Frame(size: size, style: theme[.appBackground])
        guard size.width >= 20, size.height >= 6 else {
            frame.write("Window too small", x: 0, y: 0, style: theme[.statusError], maxWidth: size.width)
            return frame
        }
        drawHeader(state, theme: theme, into: &frame)
        let body = (top: 2, bottom: size.height - 4)
        switch state.screen {
        case .signin, .register, .verify, .forgotPassword, .resetPassword: drawFormScreen(state, theme: theme, body: body, into: &frame)
        case .profile: Profile.view(state.profile, shell: state.shell, theme: theme, body: body, into: &frame)
        case .listings: Browse.view(state.browser, shell: state.shell, theme: theme, body: body, into: &frame)
        case .saved: Saved.view(state.saved, shell: state.shell, theme: theme, body: body, into: &frame)
        case .myListings: Seller.view(state.seller, shell: state.shell, theme: theme, body: body, into: &frame)
        case .admin: Admin.view(state.admin, shell: state.shell, theme: theme, body: body, into: &frame)
        case .threads: Conversations.drawThreads(state.conversations, shell: state.shell, theme: theme, body: body, into: &frame)
        case .notifications: Conversations.drawNotifications(state.conversations, shell: state.shell, theme: theme, body: body, into: &frame)
        case .subscriptions: Subscriptions.view(state.subscriptions, shell: state.shell, theme: theme, body: body, into: &frame)
        case .services: Services.view(state.services, shell: state.shell, theme: theme, body: body, into: &frame)
        // Screens not built yet cannot be opened (`ScreenID.isAvailable`); the status screen stands in.
        case .dashboard: Dashboard.view(state.dashboard, shell: state.shell, theme: theme, body: body, into: &frame)
        case .status: StatusScreen.view(state.status, shell: state.shell, theme: theme, body: body, into: &frame)
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
        case .gallery(let gallery): Pictures.drawGallery(gallery, shell: state.shell, theme: theme, into: &frame)
        case nil: break
        }
        return frame
    }

    private static func drawHeader(_ state: AppState, theme: Theme, into frame: inout Frame) {
        let used = frame.write(" Eaglehurst", x: 0, y: 0, style: theme[.title])
        frame.write("  ·  \(state.screen.title)", x: used, y: 0, style: theme[.textDim])
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
                guard let hint = binding.hint, Conversations.hintApplies(binding, in: state.conversations, shell: state.shell),
                      !binding.context.isServices || Services.hintApplies(binding, in: state.services) else { return nil }
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
        case .connecting: right.append((" \(spinner(state.shell)) connecting \(host) ", theme[.statusConnecting]))
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

    /// The data on the current screen is the last the server gave; the latest request failed.
    static func isShowingStale(_ state: AppState) -> Bool {
        switch state.screen {
        case .listings: state.browser.detail?.isStale ?? state.browser.list.isStale
        case .saved: state.saved.detail?.isStale ?? state.saved.list.isStale
        case .myListings:
            if case .detail(let detail) = state.seller.panel { detail.isStale } else { state.seller.list.isStale }
        case .admin: state.admin.tab == .users ? state.admin.users.isStale : (state.admin.detail?.isStale ?? state.admin.listings.isStale)
        case .profile: state.profile.isStale
        case .status: state.status.isStale
        case .services: state.services.detail?.isStale ?? state.services.isStale
        default: false
        }
    }
}
