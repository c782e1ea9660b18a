/// A fully resolved style, as frame cells carry it.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    /// True when the semantic style sets a background of its own (a selection, a focused input):
    /// the no-colour profile shows it in reverse video.
    public var standsOut: Bool

    public init(
        foreground: Color = .terminalDefault, background: Color = .terminalDefault,
        bold: Bool = false, underline: Bool = false, reverse: Bool = false, standsOut: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.standsOut = standsOut
    }

    public static let plain = Style()
}

/// One style as a theme file writes it; unset fields come from the parent style.
public struct StyleSpec: Equatable, Sendable {
    public var foreground: Color?
    public var background: Color?
    public var bold: Bool?
    public var underline: Bool?
    public var reverse: Bool?

    public init(foreground: Color? = nil, background: Color? = nil, bold: Bool? = nil, underline: Bool? = nil, reverse: Bool? = nil) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
    }

    func applied(to base: Style, isOwnLayer: Bool) -> Style {
        var style = base
        if let foreground { style.foreground = foreground }
        if let background {
            if isOwnLayer && background != base.background { style.standsOut = true }
            style.background = background
        }
        if let bold { style.bold = bold }
        if let underline { style.underline = underline }
        if let reverse { style.reverse = reverse }
        return style
    }
}

/// The semantic style names a theme may set. Each inherits from its parent, and every chain starts at
/// `app.background` (base → state → selected, as aerc stacks its styles).
public struct StyleName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let parent: String?

    public var description: String { rawValue }

    public static let appBackground = StyleName(rawValue: "app.background", parent: nil)
    public static let title = StyleName(rawValue: "title", parent: "app.background")
    public static let text = StyleName(rawValue: "text", parent: "app.background")
    public static let textDim = StyleName(rawValue: "text.dim", parent: "text")
    public static let label = StyleName(rawValue: "label", parent: "text")
    public static let border = StyleName(rawValue: "border", parent: "app.background")
    public static let listHeader = StyleName(rawValue: "list.header", parent: "text")
    public static let listRow = StyleName(rawValue: "list.row", parent: "text")
    public static let listSelected = StyleName(rawValue: "list.selected", parent: "list.row")
    public static let statusBar = StyleName(rawValue: "status.bar", parent: "app.background")
    public static let statusScreen = StyleName(rawValue: "status.screen", parent: "status.bar")
    public static let statusKey = StyleName(rawValue: "status.key", parent: "status.bar")
    /// Who is signed in, in the status bar.
    public static let statusUser = StyleName(rawValue: "status.user", parent: "status.bar")
    public static let statusConnected = StyleName(rawValue: "status.connected", parent: "status.bar")
    public static let statusConnecting = StyleName(rawValue: "status.connecting", parent: "status.bar")
    public static let statusUnreachable = StyleName(rawValue: "status.unreachable", parent: "status.bar")
    public static let statusError = StyleName(rawValue: "status.error", parent: "app.background")
    public static let statusOK = StyleName(rawValue: "status.ok", parent: "app.background")
    public static let statusInfo = StyleName(rawValue: "status.info", parent: "app.background")
    public static let stale = StyleName(rawValue: "stale", parent: "text")
    public static let spinner = StyleName(rawValue: "spinner", parent: "text")
    public static let badgeUnread = StyleName(rawValue: "badge.unread", parent: "status.bar")
    /// A row with something unread (a connection, a notification).
    public static let listUnread = StyleName(rawValue: "list.unread", parent: "list.row")
    /// The name line over a message in a thread: the user's own, and the other party's.
    public static let messageMine = StyleName(rawValue: "message.mine", parent: "text")
    public static let messageTheirs = StyleName(rawValue: "message.theirs", parent: "text")
    public static let helpTitle = StyleName(rawValue: "help.title", parent: "overlay")
    public static let helpKey = StyleName(rawValue: "help.key", parent: "overlay")
    public static let helpSection = StyleName(rawValue: "help.section", parent: "overlay")
    public static let overlay = StyleName(rawValue: "overlay", parent: "app.background")
    public static let overlayBorder = StyleName(rawValue: "overlay.border", parent: "overlay")
    public static let input = StyleName(rawValue: "input", parent: "text")
    public static let inputFocused = StyleName(rawValue: "input.focused", parent: "input")
    public static let inputError = StyleName(rawValue: "input.error", parent: "text")
    public static let commandLine = StyleName(rawValue: "command.line", parent: "app.background")
    public static let commandCompletion = StyleName(rawValue: "command.completion", parent: "command.line")
    public static let dialogDanger = StyleName(rawValue: "dialog.danger", parent: "overlay")
    public static let button = StyleName(rawValue: "button", parent: "overlay")
    public static let buttonFocused = StyleName(rawValue: "button.focused", parent: "button")

    public static let all: [StyleName] = [
        .appBackground, .title, .text, .textDim, .label, .border, .listHeader, .listRow, .listSelected,
        .statusBar, .statusScreen, .statusKey, .statusUser, .statusConnected, .statusConnecting, .statusUnreachable,
        .statusError, .statusOK, .statusInfo, .stale, .spinner, .badgeUnread, .listUnread, .messageMine, .messageTheirs,
        .overlay, .overlayBorder, .helpTitle, .helpKey, .helpSection,
        .input, .inputFocused, .inputError, .commandLine, .commandCompletion,
        .dialogDanger, .button, .buttonFocused,
    ]

    static let byName: [String: StyleName] = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })
}
