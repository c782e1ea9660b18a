import Foundation

/// The pure heart of the client: a message changes the state and may ask for effects.
package enum App {
    /// What the app does when it opens: ask the server how it is, and who a stored session belongs to.
    package static func start(_ state: inout AppState) -> [Effect] {
        let effects = StatusScreen.checkHealth(&state.status, &state.shell) + (state.isRestoringSession ? [.account(.restoreSession)] : [])
        return effects + (state.screen == .listings ? showListingScreen(.listings, state: &state) : [])
    }

    package static func update(_ state: inout AppState, _ message: Message) -> [Effect] {
        var effects = react(&state, message)
        offerPlans(after: message, &state)
        if let destination = state.shell.destination {
            state.shell.destination = nil
            effects += go(destination, state: &state)
        }
        return effects + Conversations.keepPolling(&state.conversations, &state.shell) + Pictures.fetchShown(&state)
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
            Conversations.resize(&state.conversations, &state.shell)
            Services.fit(&state.services, size)
            let effects = fetchShownPages(&state)
            if case .help(let help) = state.overlay {
                // Descriptions wrap to the new width; the top row stays about where it was.
                var resized = HelpOverlay(
                    bindings: state.bindings, current: help.current,
                    viewportHeight: Layout.helpViewportHeight(for: size), textWidth: Layout.helpTextWidth(for: size))
                resized.cursor.scroll(by: help.cursor.offset)
                state.overlay = .help(resized)
            }
            return effects
        case .tick:
            if state.isWaiting { state.spinnerFrame += 1 }
        case .inputClosed:
            state.isQuitting = true
        case .textEdited(let field, let result):
            return textEdited(field: field, result, state: &state)
        case .status(let message):
            return StatusScreen.update(&state.status, message, &state.shell)
        case .account(let message):
            return accountAnswer(message, state: &state)
        case .profile(let message):
            return Profile.update(&state.profile, message, &state.shell)
        case .browse(let message):
            return Browse.update(&state.browser, message, &state.shell)
        case .saved(let message):
            return Saved.update(&state.saved, message, &state.shell)
        case .seller(let message):
            return Seller.update(&state.seller, message, &state.shell)
        case .admin(let message):
            return Admin.update(&state.admin, message, &state.shell)
        case .listings(let message):
            return listingsAnswer(message, state: &state)
        case .conversations(let message):
            return Conversations.update(&state.conversations, message, &state.shell)
        case .subscriptions(let message):
            return Subscriptions.update(&state.subscriptions, message, &state.shell)
        case .services(let message):
            return Services.update(&state.services, message, &state.shell)
        case .dashboard(let message):
            return Dashboard.update(&state.dashboard, message, &state.shell)
        case .pictures(let message):
            return Pictures.update(&state.shell, message)
        }
        return []
    }


    // MARK: keys

    /// Typing goes to the focused field; other keys go through the binding table of the live context.
    private static func handle(_ key: Key, in state: inout AppState) -> [Effect] {
        if state.pendingKeys.isEmpty, state.context == .listingsSearch, let effects = Browse.editSearch(key, &state.browser) { return effects }
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
        case nil: state.formPath != nil || [.listingsSearch, .compose, .cardForm, .serviceCompose, .serviceForm].contains(state.context)
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
            if state.context == .compose { return Conversations.editCompose(key, &state.conversations, &state.shell) }
            if state.context == .cardForm { return Subscriptions.edit(key, &state.subscriptions) }
            if state.context == .serviceCompose { return Services.editCompose(key, &state.services) }
            if state.context == .serviceForm { return Services.edit(key, &state.services) }
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

    /// Hands an action to the handler of its context; every context is routed, so a new one that is not
    /// fails to compile. The handlers live beside their bindings (`<Feature>Bindings.swift`).
    static func perform(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        if action == .goThreads || action == .goNotifications {
            return Conversations.perform(action, in: context, &state.conversations, &state.shell)
        }
        if action == .goSubscriptions { return show(.subscriptions, state: &state) }
        if action == .goServices { return show(.services, state: &state) }
        if action == .goDashboard { return show(.dashboard, state: &state) }
        if action == .openGallery { return Pictures.openGallery(&state) }
        if action == .openDocuments, context == .adminUsers { return Pictures.openDocuments(of: state.admin.users.selectedItem, &state.shell) }
        switch context {
        case .global:
            return globalAction(action, state: &state)
        case .status:
            return StatusScreen.perform(action, &state.status, &state.shell)
        case .signin, .register, .verify, .forgotPassword, .resetPassword:
            return formKey(action, state: &state) ?? accountFormAction(action, in: context, state: &state)
        case .profile, .profileEdit:
            if action != .submit, let effects = formKey(action, state: &state) { return effects }
            return Profile.perform(action, in: context, &state.profile, &state.shell)
        case .help:
            moveHelp(action, state: &state)
            return []
        case .command:
            return commandLineAction(action, state: &state)
        case .confirm:
            return confirmAction(action, state: &state)
        case .saved:
            return Saved.perform(action, in: context, &state.saved, &state.shell)
        case .listingDetail where state.screen == .saved:
            return Saved.perform(action, in: context, &state.saved, &state.shell)
        case .adminQueue, .queueFilter, .adminDetail, .adminUsers, .userFilter:
            if action == .nextField || action == .previousField { return formKey(action, state: &state) ?? [] }
            return Admin.perform(action, in: context, &state.admin, &state.shell)
        case .myListings, .sellerDetail, .listingForm, .mediaForm, .analytics:
            if action == .nextField || action == .previousField { return formKey(action, state: &state) ?? [] }
            return Seller.perform(action, in: context, &state.seller, &state.shell)
        case .listings, .listingsSearch, .listingsFilter, .listingDetail:
            if action == .nextField || action == .previousField { return formKey(action, state: &state) ?? [] }
            return Browse.perform(action, in: context, &state.browser, &state.shell)
        case .prompt:
            return promptAction(action, state: &state)
        case .textEditor:
            return textEditorAction(action, state: &state)
        case .threads, .compose, .notifications, .preferences:
            return Conversations.perform(action, in: context, &state.conversations, &state.shell)
        case .subscriptions, .paymentMethods, .invoices, .checkout, .checkoutReview, .cardForm:
            return Subscriptions.perform(action, in: context, &state.subscriptions, &state.shell)
        case .services, .serviceDetail, .serviceCompose, .serviceDocuments, .serviceChooser, .serviceForm:
            return Services.perform(action, in: context, &state.services, &state.shell)
        case .dashboard:
            return Dashboard.perform(action, &state.dashboard, &state.shell)
        case .gallery:
            return Pictures.performGallery(action, state: &state)
        }
    }

    /// A plan's limit stopped something (402): the error line says which key opens the plans.
    private static func offerPlans(after message: Message, _ state: inout AppState) {
        guard message.failure?.status == 402, state.screen != .subscriptions, var line = state.message, line.kind == .error,
              let key = state.bindings.binding(for: .goSubscriptions, in: .global)?.keys.first else { return }
        line.text += " (\(key): plans)"
        state.message = line
    }
}
