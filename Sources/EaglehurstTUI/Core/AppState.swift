import EaglehurstAPI
import Foundation

/// Every screen the client will have. Those not built yet say so when asked for, rather than pretend.
package enum ScreenID: String, CaseIterable, Sendable {
    case status, signin, register, verify, forgotPassword = "forgot-password", resetPassword = "reset-password", profile
    case listings, saved, myListings = "my-listings", threads, notifications
    case subscriptions, services, dashboard, admin

    package var title: String {
        switch self {
        case .status: "Server status"
        case .signin: "Sign in"
        case .register: "Create an account"
        case .verify: "Verify email"
        case .forgotPassword: "Forgot password"
        case .resetPassword: "Reset password"
        case .profile: "Profile"
        case .listings: "Listings"
        case .saved: "Saved listings"
        case .myListings: "My listings"
        case .threads: "Messages"
        case .notifications: "Notifications"
        case .subscriptions: "Subscriptions"
        case .services: "Services"
        case .dashboard: "Dashboard"
        case .admin: "Admin"
        }
    }

    package var isAvailable: Bool { context != nil }

    var context: Context? {
        switch self {
        case .status: .status
        case .signin: .signin
        case .register: .register
        case .verify: .verify
        case .forgotPassword: .forgotPassword
        case .resetPassword: .resetPassword
        case .profile: .profile
        case .listings: .listings
        case .saved: .saved
        case .myListings: .myListings
        case .admin: .adminQueue
        case .threads: .threads
        case .notifications: .notifications
        case .subscriptions: .subscriptions
        case .services: .services
        case .dashboard: .dashboard
        }
    }
}

package enum ConnectionState: Equatable, Sendable {
    case connecting, connected, unreachable
}

package struct ServerInfo: Equatable, Sendable {
    package var url: URL
    package var isEmbedded: Bool
    /// The demo's data directory when the server is `eaglehurst --demo`'s; nil otherwise.
    package var demoDirectory: String?

    package init(url: URL, isEmbedded: Bool, demoDirectory: String? = nil) {
        self.url = url
        self.isEmbedded = isEmbedded
        self.demoDirectory = demoDirectory
    }

    /// `host:port` as the status bar shows it.
    package var hostLabel: String {
        guard let host = url.host else { return url.absoluteString }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}

package enum Overlay: Equatable, Sendable {
    case help(HelpOverlay)
    case commandLine(CommandLine)
    case confirm(ConfirmDialog)
    case prompt(Prompt)
    case textEditor(TextEditorOverlay)
    case gallery(GalleryOverlay)

    var context: Context {
        switch self {
        case .help: .help
        case .commandLine: .command
        case .confirm: .confirm
        case .prompt: .prompt
        case .textEditor: .textEditor
        case .gallery: .gallery
        }
    }
}

/// The whole state: the shell every feature shares, and each feature's own state. `App.update` hands
/// a feature its own state and the shell, never another feature's state; only the app-level code
/// here and in `Core/` reads across features (which context has the keys, whether anything is in
/// flight, where a cross-feature jump goes).
package struct AppState: Equatable, Sendable {
    package var shell: Shell
    package var status = StatusScreenState()
    package var accountForms: AccountForms
    package var profile = ProfileScreenState()
    package var browser = BrowserState()
    package var saved = SavedScreenState()
    package var seller = SellerScreenState()
    package var admin = AdminScreenState()
    package var conversations = ConversationsState()
    package var subscriptions = SubscriptionsState()
    package var services = ServicesState()
    package var dashboard = DashboardState()

    package init(size: Size, bindings: BindingTable, server: ServerInfo, welcomeLines: [String] = [], message: InlineMessage? = nil, storedSessionEmail: String? = nil) {
        shell = Shell(size: size, bindings: bindings, server: server, welcomeLines: welcomeLines, message: message)
        shell.isRestoringSession = storedSessionEmail != nil
        accountForms = AccountForms(storedSessionEmail: storedSessionEmail)
    }

    /// The context whose keys are live now.
    package var context: Context {
        if let overlay { return overlay.context }
        switch screen {
        case .profile where profile.editor != nil: return .profileEdit
        case .listings:
            if browser.detail != nil { return .listingDetail }
            if browser.filters != nil { return .listingsFilter }
            if browser.search != nil { return .listingsSearch }
        case .saved where saved.detail != nil: return .listingDetail
        case .myListings:
            switch seller.panel {
            case .detail: return .sellerDetail
            case .form: return .listingForm
            case .media: return .mediaForm
            case .analytics: return .analytics
            case nil: break
            }
        case .threads where conversations.threads.focus == .compose: return .compose
        case .notifications where conversations.notifications.preferences != nil: return .preferences
        case .subscriptions: return Subscriptions.context(subscriptions)
        case .services: return Services.context(services)
        case .admin:
            if admin.tab == .users { return admin.userFilterForm == nil ? .adminUsers : .userFilter }
            if admin.listingFilterForm != nil { return .queueFilter }
            if admin.detail != nil { return .adminDetail }
        default: break
        }
        return screen.context ?? .status
    }

    /// The form that has the keyboard on this screen, if any.
    var formPath: WritableKeyPath<AppState, Form>? {
        switch screen {
        case .signin: \.signIn
        case .register: \.registration
        case .verify: \.verification
        case .forgotPassword: \.forgotPassword
        case .resetPassword: \.resetPassword
        case .profile: profile.editor == nil ? nil : \.profile.editor!.form
        case .listings: browser.filters != nil && browser.detail == nil ? \.browser.filters! : nil
        case .myListings:
            switch seller.panel {
            case .form: \.seller.panel!.editorForm
            case .media: \.seller.panel!.mediaForm
            default: nil
            }
        case .admin where admin.tab == .users: admin.userFilterForm != nil ? \.admin.userFilterForm! : nil
        case .admin: admin.listingFilterForm != nil ? \.admin.listingFilterForm! : nil
        default: nil
        }
    }

    /// Something is in flight, so the spinner turns.
    package var isWaiting: Bool {
        status.isChecking || isRestoringSession || isResendingCode || isSigningOut || profile.isLoading
            || [signIn, registration, verification, forgotPassword, resetPassword].contains { $0.isSubmitting }
            || profile.editor?.form.isSubmitting == true
            || isLoadingListings || isLoadingConversations || (screen == .subscriptions && subscriptions.isBusy)
            || (screen == .services && services.isBusy) || (screen == .dashboard && dashboard.isLoading)
    }

    /// A thread, a message or a notification list of the current screen is on its way.
    var isLoadingConversations: Bool {
        switch screen {
        case .threads:
            conversations.threads.isSending || (conversations.threads.isLoading && conversations.threads.conversations.isEmpty)
                || conversations.threads.thread?.isLoading == true
        case .notifications:
            (conversations.notifications.isLoading && conversations.notifications.items.isEmpty)
                || conversations.notifications.preferences?.isLoading == true || conversations.notifications.preferences?.isSaving == true
        default: false
        }
    }

    /// A list or listing of the current screen is on its way.
    var isLoadingListings: Bool {
        switch screen {
        case .listings: browser.list.isLoading || browser.detail?.isLoading == true
        case .saved: saved.list.isLoading || saved.detail?.isLoading == true
        case .myListings: seller.list.isLoading || seller.panel?.isBusy == true
        case .admin: admin.listings.isLoading || admin.users.isLoading || admin.detail?.isLoading == true
        default: false
        }
    }
}

