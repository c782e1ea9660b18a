import EaglehurstAPI
import Foundation

/// What every feature shares: where the app is (screen, overlay), what it says (the message line), who
/// is signed in, how the server is, and the terminal. A feature's update gets its own state and this.
package struct Shell: Equatable, Sendable {
    package var size: Size
    package var bindings: BindingTable
    package var server: ServerInfo
    package var connection: ConnectionState = .connecting
    package var screen: ScreenID = .status
    package var overlay: Overlay?
    /// The error line: inline messages, and configuration problems found at start-up.
    package var message: InlineMessage?
    /// Unread notifications, shown in the status bar on every screen; nil until the poll has asked.
    package var unreadCount: Int?
    package var welcomeLines: [String]
    package var pendingKeys: [Key] = []
    /// Who is signed in, once the server has said so.
    package var account: Account?
    /// A session was found on disk and `/auth/me` is being asked about it.
    package var isRestoringSession = false
    package var spinnerFrame = 0
    package var isQuitting = false
    /// `$VISUAL` or `$EDITOR`: long text opens there when set, in the built-in editor otherwise.
    package var externalEditor: String?
    /// Where a feature asked to go: the app takes it there after the feature's update, since getting
    /// there may concern another feature (a notification opening its thread or listing).
    package var destination: Destination?
    /// Listing photos fetched and decoded, shared by every screen that shows a listing.
    package var pictures = PictureStore()
    /// How pictures are drawn: kitty, sixel or half blocks (`auto` already resolved at start-up).
    package var pictureProtocol: PictureProtocol = .halfblock
    /// A graphical display (`DISPLAY` or `WAYLAND_DISPLAY`) where `xdg-open` can show a file.
    package var hasDisplay = false

    package init(size: Size, bindings: BindingTable, server: ServerInfo, welcomeLines: [String] = [], message: InlineMessage? = nil) {
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
package enum Destination: Equatable, Sendable {
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
    /// A new service request about a listing, on the services screen.
    case serviceRequest(listingID: UUID, title: String)
    /// A service request opened on the services screen (from its notification).
    case serviceRequestOpened(UUID, title: String)
    /// One of the admin screen's tabs.
    case adminTab(AdminScreenState.Tab)
}

/// The shell's fields read and written through the whole state, so app-level code reads as before.
extension AppState {
    package var size: Size { get { shell.size } set { shell.size = newValue } }
    package var bindings: BindingTable { get { shell.bindings } set { shell.bindings = newValue } }
    package var server: ServerInfo { get { shell.server } set { shell.server = newValue } }
    package var connection: ConnectionState { get { shell.connection } set { shell.connection = newValue } }
    package var screen: ScreenID { get { shell.screen } set { shell.screen = newValue } }
    package var overlay: Overlay? { get { shell.overlay } set { shell.overlay = newValue } }
    package var message: InlineMessage? { get { shell.message } set { shell.message = newValue } }
    package var unreadCount: Int? { get { shell.unreadCount } set { shell.unreadCount = newValue } }
    package var welcomeLines: [String] { get { shell.welcomeLines } set { shell.welcomeLines = newValue } }
    package var pendingKeys: [Key] { get { shell.pendingKeys } set { shell.pendingKeys = newValue } }
    package var account: Account? { get { shell.account } set { shell.account = newValue } }
    package var isRestoringSession: Bool { get { shell.isRestoringSession } set { shell.isRestoringSession = newValue } }
    package var spinnerFrame: Int { get { shell.spinnerFrame } set { shell.spinnerFrame = newValue } }
    package var isQuitting: Bool { get { shell.isQuitting } set { shell.isQuitting = newValue } }
    package var externalEditor: String? { get { shell.externalEditor } set { shell.externalEditor = newValue } }
}
