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

public struct InlineMessage: Equatable, Sendable {
    public enum Kind: Sendable { case error, info, ok }
    public var kind: Kind
    public var text: String

    public static func error(_ text: String) -> InlineMessage { InlineMessage(kind: .error, text: text) }
    public static func info(_ text: String) -> InlineMessage { InlineMessage(kind: .info, text: text) }
    public static func ok(_ text: String) -> InlineMessage { InlineMessage(kind: .ok, text: text) }
}

/// What the server said about itself in `GET /api/v1/health`, and how long it took.
public struct HealthReport: Equatable, Sendable {
    public var status: String
    public var version: String
    public var database: String
    public var serverTime: Date
    public var roundTrip: Duration

    public init(status: String, version: String, database: String, serverTime: Date, roundTrip: Duration) {
        self.status = status
        self.version = version
        self.database = database
        self.serverTime = serverTime
        self.roundTrip = roundTrip
    }
}

/// A problem+json answer, with what the user needs from it.
public struct ProblemReport: Equatable, Sendable {
    public var status: Int
    public var title: String
    public var detail: String?
    /// A 422's `errors`: field name → messages.
    public var fieldErrors: [String: [String]]
    /// `Retry-After` in seconds, sent with a 429.
    public var retryAfter: Int?

    public init(status: Int, title: String, detail: String? = nil, fieldErrors: [String: [String]] = [:], retryAfter: Int? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.retryAfter = retryAfter
    }
}

/// Why a request gave no answer to show.
public enum RequestFailure: Error, Equatable, Sendable {
    /// No HTTP answer at all: refused, timed out, DNS, TLS.
    case unreachable(String)
    /// The server answered with a problem.
    case problem(ProblemReport)
    /// The server answered something the client cannot read.
    case unexpected(String)
    /// This server's API has no such operation yet.
    case notAvailable(String)
    /// The server refused to renew the session.
    case sessionExpired
    /// A file to upload could not be read; the text completes "… cannot be read: ".
    case file(String)

    public var summary: String {
        switch self {
        case .unreachable(let reason): "server unreachable: \(reason)"
        case .problem(let problem):
            "\(problem.title)\(problem.detail.map { ": \($0)" } ?? "") (HTTP \(problem.status))"
                + (problem.retryAfter.map { "; try again in \(RequestFailure.waitText(seconds: $0))" } ?? "")
        case .unexpected(let reason): "unexpected answer: \(reason)"
        case .notAvailable(let what): "\(what) is not available on this server yet"
        case .sessionExpired: "your session expired"
        case .file(let reason): "the file cannot be read: \(reason)"
        }
    }

    public var status: Int? {
        if case .problem(let problem) = self { return problem.status }
        return nil
    }

    static func waitText(seconds: Int) -> String {
        seconds < 120 ? "\(seconds) s" : "\((seconds + 59) / 60) min"
    }
}

public struct StatusScreenState: Equatable, Sendable {
    public var report: HealthReport?
    public var isChecking = false
    public var failure: RequestFailure?

    /// The data on screen is from an earlier check that has since failed.
    public var isStale: Bool { report != nil && failure != nil }
}

/// The signed-in user as the server describes it.
public typealias Account = Components.Schemas.User

extension Account {
    public var displayName: String {
        let name = "\(firstName) \(lastName)".trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? email : name
    }
}

/// A successful sign-in. The tokens stay with the session keeper; the UI state never holds them.
public struct SignedIn: Equatable, Sendable {
    public var account: Account
    /// Why the session could not be saved for the next start, when it could not.
    public var storageProblem: String?

    public init(account: Account, storageProblem: String? = nil) {
        self.account = account
        self.storageProblem = storageProblem
    }
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
        self.signIn = .signIn(email: storedSessionEmail ?? "")
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

/// What the profile screen shows: the user, the seller or buyer profile, and identity verification.
public struct ProfileData: Equatable, Sendable {
    public var account: Account
    public var seller: Components.Schemas.SellerProfile?
    public var buyer: Components.Schemas.BuyerProfile?
    public var verification: Components.Schemas.VerificationStatusResponse?

    public init(account: Account, seller: Components.Schemas.SellerProfile? = nil, buyer: Components.Schemas.BuyerProfile? = nil, verification: Components.Schemas.VerificationStatusResponse? = nil) {
        self.account = account
        self.seller = seller
        self.buyer = buyer
        self.verification = verification
    }
}

public struct ProfileScreenState: Equatable, Sendable {
    public var data: ProfileData?
    public var isLoading = false
    public var failure: RequestFailure?
    /// The form open over the profile, if one is.
    public var editor: ProfileEditor?

    /// The data on screen is from an earlier load that has since failed.
    public var isStale: Bool { data != nil && failure != nil }
}

/// A form over the profile screen: what it edits and its fields.
public struct ProfileEditor: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable {
        case details, business, preferences, avatar, document

        var title: String {
            switch self {
            case .details: "Edit your name and phone"
            case .business: "Edit your business profile"
            case .preferences: "Edit what you are looking for"
            case .avatar: "Upload a profile picture"
            case .document: "Upload an identity or business document"
            }
        }

        var submitting: String {
            switch self {
            case .avatar, .document: "Uploading…"
            default: "Saving…"
            }
        }

        var done: String {
            switch self {
            case .details: "Profile saved."
            case .business: "Business profile saved."
            case .preferences: "Preferences saved."
            case .avatar: "Profile picture uploaded."
            case .document: "Document uploaded; it waits for review."
            }
        }
    }

    public var kind: Kind
    public var form: Form
}
