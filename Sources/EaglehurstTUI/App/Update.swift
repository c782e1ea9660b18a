import Foundation

/// The pure heart of the client: a message changes the state and may ask for effects.
public enum App {
    /// What the app does when it opens: ask the server how it is, and who a stored session belongs to.
    public static func start(_ state: inout AppState) -> [Effect] {
        startHealthCheck(&state) + (state.isRestoringSession ? [.restoreSession] : [])
    }

    public static func update(_ state: inout AppState, _ message: Message) -> [Effect] {
        let effects = react(&state, message)
        return effects + keepPolling(&state)
    }

    private static func react(_ state: inout AppState, _ message: Message) -> [Effect] {
        if let failure = message.failure {
            if failure == .sessionExpired { return expireSession(&state) }
            if case .unreachable = failure { state.connection = .unreachable }
        }
        switch message {
        case .key(let key):
            return handle(key, in: &state)
        case .resized(let size):
            state.size = size
            resizeLists(&state)
            resizeConversations(&state)
            let effects = fetchShownPages(&state)
            if case .help(var help) = state.overlay {
                help.cursor.setViewportHeight(Layout.helpViewportHeight(for: size))
                state.overlay = .help(help)
            }
            return effects
        case .tick:
            if state.isWaiting { state.spinnerFrame += 1 }
        case .healthChecked(.success(let report)):
            state.status.report = report
            state.status.failure = nil
            state.status.isChecking = false
            state.connection = .connected
            if state.message?.kind == .error, state.message?.text.hasPrefix(healthFailurePrefix) == true { state.message = nil }
        case .healthChecked(.failure(let failure)):
            state.status.failure = failure
            state.status.isChecking = false
            if case .unreachable = failure {} else { state.connection = .connected }
            state.message = .error(healthFailurePrefix + failure.summary)
        case .inputClosed:
            state.isQuitting = true
        case .searchSettled, .listingPageLoaded, .savedPageLoaded, .usersPageLoaded, .listingLoaded, .saveChanged,
             .listingWritten, .listingDeleted, .mediaUploaded, .mediaDeleted, .analyticsLoaded, .userModerated, .textEdited:
            return listingsAnswer(message, state: &state)
        case .conversations(let message):
            return conversationsAnswer(message, state: &state)
        default:
            return accountAnswer(message, state: &state)
        }
        return []
    }

    static let healthFailurePrefix = "Health check failed: "

    // MARK: keys

    /// Typing goes to the focused field; other keys go through the binding table of the live context.
    private static func handle(_ key: Key, in state: inout AppState) -> [Effect] {
        if state.pendingKeys.isEmpty, let effects = editSearch(key, state: &state) { return effects }
        if state.pendingKeys.isEmpty, edit(key, in: &state) { return [] }
        let sequence = KeySequence(state.pendingKeys + [key])
        switch state.bindings.resolve(sequence, in: state.context, allowPrintable: !isTyping(state)) {
        case .action(let binding):
            state.pendingKeys = []
            return trigger(binding, in: &state)
        case .pending:
            state.pendingKeys = sequence.keys
            return []
        case .unbound:
            guard !state.pendingKeys.isEmpty else { return [] }
            state.pendingKeys = []
            return handle(key, in: &state)
        }
    }

    static func isTyping(_ state: AppState) -> Bool {
        switch state.overlay {
        case .commandLine, .prompt, .textEditor: true
        case .some: false
        case nil: state.formPath != nil || state.context == .listingsSearch || state.context == .compose
        }
    }

    private static func edit(_ key: Key, in state: inout AppState) -> Bool {
        switch state.overlay {
        case .commandLine(var line):
            if key == .backspace && line.field.text.isEmpty {
                state.overlay = nil
                return true
            }
            guard line.edit(key) else { return false }
            state.overlay = .commandLine(line)
            return true
        case .prompt, .textEditor:
            return editOverlay(key, state: &state)
        case .some:
            return false
        case nil:
            if state.context == .compose { return editCompose(key, state: &state) }
            guard let path = state.formPath, !state[keyPath: path].isSubmitting else { return false }
            return state[keyPath: path].edit(key)
        }
    }

    /// Dangerous actions ask first (unless they cannot be done, which is said at once); the rest happen at once.
    private static func trigger(_ binding: Binding, in state: inout AppState) -> [Effect] {
        if binding.dangerous {
            if let reason = whyNot(binding.action, in: binding.context, state: state) {
                state.message = .info(reason)
                return []
            }
            let subject = dangerSubject(binding.action, in: binding.context, state: state).map { " “\($0)”" } ?? ""
            state.overlay = .confirm(ConfirmDialog(question: "Really \(binding.description)?\(subject)", action: binding.action, context: binding.context))
            return []
        }
        return perform(binding.action, in: binding.context, state: &state)
    }

    private static func perform(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        if context.isConversations || action == .goThreads || action == .goNotifications {
            return conversationsAction(action, in: context, state: &state)
        }
        if context.isListings, action != .nextField, action != .previousField {
            return listingsAction(action, in: context, state: &state)
        }
        switch (context, action) {
        case (.profile, .goListings), (.profile, .goSaved), (.profile, .goMyListings), (.profile, .goAdmin):
            return listingsAction(action, in: context, state: &state)
        case (.global, .help):
            state.overlay = .help(HelpOverlay(bindings: state.bindings, current: state.context, viewportHeight: Layout.helpViewportHeight(for: state.size)))
        case (.global, .commandLine):
            state.overlay = .commandLine(CommandLine())
        case (.global, .quit):
            state.isQuitting = true
        case (.status, .refresh):
            return startHealthCheck(&state)
        case (.status, .signIn):
            return show(state.account == nil ? .signin : .profile, state: &state)
        case (_, .nextField):
            guard let path = state.formPath else { return [] }
            state[keyPath: path].moveFocus(by: 1)
        case (_, .previousField):
            guard let path = state.formPath else { return [] }
            state[keyPath: path].moveFocus(by: -1)
        case (_, .submit):
            return submit(&state)
        case (_, .back):
            return goBack(&state)
        case (.signin, .createAccount):
            return show(.register, state: &state)
        case (.signin, .forgotPassword):
            if state.forgotPassword["email"].value.isEmpty { state.forgotPassword["email"].input.setText(state.signIn["email"].value) }
            return show(.forgotPassword, state: &state)
        case (.verify, .resendCode):
            return resendCode(&state)
        case (.forgotPassword, .haveToken):
            return show(.resetPassword, state: &state)
        case (.profile, _), (.profileEdit, .cancel):
            return profileAction(action, state: &state)
        case (.help, let movement):
            moveHelp(movement, state: &state)
        case (.command, .complete):
            guard case .commandLine(var line) = state.overlay else { return [] }
            line.complete()
            state.overlay = .commandLine(line)
        case (.command, .run):
            guard case .commandLine(let line) = state.overlay else { return [] }
            state.overlay = nil
            return run(command: line.field.text, state: &state)
        case (.command, .cancel), (.confirm, .cancel):
            state.overlay = nil
        case (.confirm, .confirm):
            return confirm(&state)
        case (.confirm, .toggleChoice):
            guard case .confirm(var dialog) = state.overlay else { return [] }
            dialog.yesHighlighted.toggle()
            state.overlay = .confirm(dialog)
        case (.confirm, .choose):
            guard case .confirm(let dialog) = state.overlay else { return [] }
            if dialog.yesHighlighted { return confirm(&state) }
            state.overlay = nil
        default:
            break
        }
        return []
    }

    private static func confirm(_ state: inout AppState) -> [Effect] {
        guard case .confirm(let dialog) = state.overlay else { return [] }
        state.overlay = nil
        return perform(dialog.action, in: dialog.context, state: &state)
    }

    private static func moveHelp(_ action: Action, state: inout AppState) {
        guard case .help(var help) = state.overlay else { return }
        let page = help.cursor.viewportHeight
        switch action {
        case .close: state.overlay = nil; return
        case .down: help.cursor.scroll(by: 1)
        case .up: help.cursor.scroll(by: -1)
        case .pageDown: help.cursor.scroll(by: page)
        case .pageUp: help.cursor.scroll(by: -page)
        case .top: help.cursor.moveToTop()
        case .bottom: help.cursor.moveToBottom()
        default: return
        }
        state.overlay = .help(help)
    }

    private static func run(command text: String, state: inout AppState) -> [Effect] {
        let command = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch command {
        case "": return []
        case "q", "quit":
            state.isQuitting = true
        case "help":
            return perform(.help, in: .global, state: &state)
        case "signout":
            return signOut(&state)
        default:
            guard let screen = ScreenID(rawValue: command) else {
                state.message = .error("Unknown command ':\(command)'. Tab completes the screen names.")
                return []
            }
            guard screen.isAvailable else {
                state.message = .info("\(screen.title) (:\(screen.rawValue)) is not available yet.")
                return []
            }
            return show(screen, state: &state)
        }
        return []
    }

    private static func startHealthCheck(_ state: inout AppState) -> [Effect] {
        guard !state.status.isChecking else { return [] }
        state.status.isChecking = true
        if state.connection != .connected { state.connection = .connecting }
        return [.checkHealth]
    }
}
