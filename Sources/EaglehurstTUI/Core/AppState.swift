import EaglehurstAPI
import Foundation

/// Every screen the client will have. Those not built yet say so when asked for, rather than pretend.
public enum ScreenID: String, CaseIterable, Sendable {
    case status, signin, register, verify, forgotPassword = "forgot-password", resetPassword = "reset-password", profile
    case listings, saved, myListings = "my-listings", threads, notifications
    case subscriptions, services, analytics, admin

    public var title: String {
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
        case .analytics: "Analytics"
        case .admin: "Admin"
        }
    }

    public var isAvailable: Bool { context != nil }

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
        default: nil
        }
    }
}

public enum ConnectionState: Equatable, Sendable {
    case connecting, connected, unreachable
}

public struct ServerInfo: Equatable, Sendable {
    public var url: URL
    public var isEmbedded: Bool

    public init(url: URL, isEmbedded: Bool) {
        self.url = url
        self.isEmbedded = isEmbedded
    }

    /// `host:port` as the status bar shows it.
    public var hostLabel: String {
        guard let host = url.host else { return url.absoluteString }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}

public enum Overlay: Equatable, Sendable {
    case help(HelpOverlay)
    case commandLine(CommandLine)
    case confirm(ConfirmDialog)
    case prompt(Prompt)
    case textEditor(TextEditorOverlay)

    var context: Context {
        switch self {
        case .help: .help
        case .commandLine: .command
        case .confirm: .confirm
        case .prompt: .prompt
        case .textEditor: .textEditor
        }
    }
}

public struct AppState: Equatable, Sendable {
    public var size: Size
    public var bindings: BindingTable
    public var server: ServerInfo
    public var connection: ConnectionState = .connecting
    public var screen: ScreenID = .status
    public var overlay: Overlay?
    /// The error line: inline messages, and configuration problems found at start-up.
    public var message: InlineMessage?
    /// Unread notifications, shown in the status bar on every screen; nil until the poll has asked.
    public var unreadCount: Int?
    public var welcomeLines: [String]
    public var pendingKeys: [Key] = []
    public var status = StatusScreenState()
    public var signIn = Form.signIn()
    public var registration = Form.registration()
    public var verification = Form.verification(email: "")
    public var forgotPassword = Form.forgotPassword(email: "")
    public var resetPassword = Form.resetPassword()
    public var profile = ProfileScreenState()
    /// Who is signed in, once the server has said so.
    public var account: Account?
    /// A session was found on disk and `/auth/me` is being asked about it.
    public var isRestoringSession = false
    public var isResendingCode = false
    public var isSigningOut = false
    public var spinnerFrame = 0
    public var isQuitting = false
    public var browser = BrowserState()
    public var saved = SavedScreenState()
    public var seller = SellerScreenState()
    public var admin = AdminScreenState()
    public var conversations = ConversationsState()
    /// `$VISUAL` or `$EDITOR`: long text opens there when set, in the built-in editor otherwise.
    public var externalEditor: String?

    public init(size: Size, bindings: BindingTable, server: ServerInfo, welcomeLines: [String] = [], message: InlineMessage? = nil, storedSessionEmail: String? = nil) {
        self.size = size
        self.bindings = bindings
        self.server = server
        self.welcomeLines = welcomeLines
        self.message = message
        // A stored session is resumed at start; should it have expired, sign-in starts with its address.
        self.isRestoringSession = storedSessionEmail != nil
        self.signIn = Form.signIn(email: storedSessionEmail ?? "")
    }

    /// The context whose keys are live now.
    public var context: Context {
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
    public var isWaiting: Bool {
        status.isChecking || isRestoringSession || isResendingCode || isSigningOut || profile.isLoading
            || [signIn, registration, verification, forgotPassword, resetPassword].contains { $0.isSubmitting }
            || profile.editor?.form.isSubmitting == true
            || isLoadingListings || isLoadingConversations
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

