import Foundation

/// Every screen the client will have. Those not built yet say so when asked for, rather than pretend.
public enum ScreenID: String, CaseIterable, Sendable {
    case status, signin, listings, saved, myListings = "my-listings", threads, notifications
    case subscriptions, services, analytics, admin

    public var title: String {
        switch self {
        case .status: "Server status"
        case .signin: "Sign in"
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

/// Why a request gave no answer to show.
public enum RequestFailure: Error, Equatable, Sendable {
    /// No HTTP answer at all: refused, timed out, DNS, TLS.
    case unreachable(String)
    /// The server answered with a problem.
    case problem(status: Int, title: String, detail: String?)
    /// The server answered something the client cannot read.
    case unexpected(String)
    /// This server's API has no such operation yet.
    case notAvailable(String)

    public var summary: String {
        switch self {
        case .unreachable(let reason): "server unreachable: \(reason)"
        case .problem(let status, let title, let detail): "\(title)\(detail.map { ": \($0)" } ?? "") (HTTP \(status))"
        case .unexpected(let reason): "unexpected answer: \(reason)"
        case .notAvailable(let what): "\(what) is not available on this server yet"
        }
    }
}

public struct StatusScreenState: Equatable, Sendable {
    public var report: HealthReport?
    public var isChecking = false
    public var failure: RequestFailure?

    /// The data on screen is from an earlier check that has since failed.
    public var isStale: Bool { report != nil && failure != nil }
}

/// The signed-in user, kept for the session.
public struct Session: Equatable, Sendable {
    public var email: String
    public var displayName: String
    public var accessToken: String
    public var refreshToken: String
}

public struct ServerInfo: Equatable, Sendable {
    public var url: URL
    public var isEmbedded: Bool

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

    var context: Context {
        switch self {
        case .help: .help
        case .commandLine: .command
        case .confirm: .confirm
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
    /// Shown in the status bar when set; nothing counts unread items yet.
    public var unreadCount: Int?
    public var welcomeLines: [String]
    public var pendingKeys: [Key] = []
    public var status = StatusScreenState()
    public var signIn = SignInForm()
    public var session: Session?
    public var spinnerFrame = 0
    public var isQuitting = false

    public init(size: Size, bindings: BindingTable, server: ServerInfo, welcomeLines: [String] = [], message: InlineMessage? = nil) {
        self.size = size
        self.bindings = bindings
        self.server = server
        self.welcomeLines = welcomeLines
        self.message = message
    }

    /// The context whose keys are live now.
    public var context: Context { overlay?.context ?? screen.context ?? .status }

    /// Something is in flight, so the spinner turns.
    public var isWaiting: Bool { status.isChecking || signIn.isSubmitting }
}
