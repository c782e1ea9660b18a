import EaglehurstAPI
import Foundation

/// What every feature shares: where the app is (screen, overlay), what it says (the message line), who
/// is signed in, how the server is, and the terminal. A feature's update gets its own state and this.
public struct Shell: Equatable, Sendable {
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
    /// Who is signed in, once the server has said so.
    public var account: Account?
    /// A session was found on disk and `/auth/me` is being asked about it.
    public var isRestoringSession = false
    public var spinnerFrame = 0
    public var isQuitting = false
    /// `$VISUAL` or `$EDITOR`: long text opens there when set, in the built-in editor otherwise.
    public var externalEditor: String?
    /// Where a feature asked to go: the app takes it there after the feature's update, since getting
    /// there may concern another feature (a notification opening its thread or listing).
    public var destination: Destination?

    public init(size: Size, bindings: BindingTable, server: ServerInfo, welcomeLines: [String] = [], message: InlineMessage? = nil) {
        self.size = size
        self.bindings = bindings
        self.server = server
        self.welcomeLines = welcomeLines
        self.message = message
    }

    /// Asks the app to go somewhere once the current update is done.
    mutating func go(_ destination: Destination) {
        self.destination = destination
    }
}

/// A place in the app that a feature can send the user to without touching another feature's state.
public enum Destination: Equatable, Sendable {
    case screen(ScreenID)
    /// A listing opened: the seller's own on their listings screen, anyone else's in the browser.
    case listing(UUID, title: String)
    /// The admin's moderation queue, on one of its two lists.
    case moderationQueue(ModerationQueue)
    /// Back from a screen: to the profile, or to signing in.
    case back
    /// Ends the session here and on the server.
    case signOut
    /// The email verification form, for this address.
    case verification(email: String)
    /// The prompt for a buyer's first message to a listing's seller, over the current screen.
    case connectionRequest(listingID: UUID, title: String)
}

/// The shell's fields read and written through the whole state, so app-level code reads as before.
extension AppState {
    public var size: Size { get { shell.size } set { shell.size = newValue } }
    public var bindings: BindingTable { get { shell.bindings } set { shell.bindings = newValue } }
    public var server: ServerInfo { get { shell.server } set { shell.server = newValue } }
    public var connection: ConnectionState { get { shell.connection } set { shell.connection = newValue } }
    public var screen: ScreenID { get { shell.screen } set { shell.screen = newValue } }
    public var overlay: Overlay? { get { shell.overlay } set { shell.overlay = newValue } }
    public var message: InlineMessage? { get { shell.message } set { shell.message = newValue } }
    public var unreadCount: Int? { get { shell.unreadCount } set { shell.unreadCount = newValue } }
    public var welcomeLines: [String] { get { shell.welcomeLines } set { shell.welcomeLines = newValue } }
    public var pendingKeys: [Key] { get { shell.pendingKeys } set { shell.pendingKeys = newValue } }
    public var account: Account? { get { shell.account } set { shell.account = newValue } }
    public var isRestoringSession: Bool { get { shell.isRestoringSession } set { shell.isRestoringSession = newValue } }
    public var spinnerFrame: Int { get { shell.spinnerFrame } set { shell.spinnerFrame = newValue } }
    public var isQuitting: Bool { get { shell.isQuitting } set { shell.isQuitting = newValue } }
    public var externalEditor: String? { get { shell.externalEditor } set { shell.externalEditor = newValue } }
}
