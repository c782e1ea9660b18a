/// A fully resolved style, as frame cells carry it.
package struct Style: Hashable, Sendable {
    package var foreground: Color
    package var background: Color
    package var bold: Bool
    package var underline: Bool
    package var reverse: Bool
    /// True when the semantic style sets a background of its own (a selection, a focused input):
    /// the no-colour profile shows it in reverse video.
    package var standsOut: Bool

    package init(
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

    package static let plain = Style()
}

/// One style as a theme file writes it; unset fields come from the parent style.
package struct StyleSpec: Equatable, Sendable {
    package var foreground: Color?
    package var background: Color?
    package var bold: Bool?
    package var underline: Bool?
    package var reverse: Bool?

    package init(foreground: Color? = nil, background: Color? = nil, bold: Bool? = nil, underline: Bool? = nil, reverse: Bool? = nil) {
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
package struct StyleName: Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String
    package let parent: String?

    package var description: String { rawValue }

    package static let appBackground = StyleName(rawValue: "app.background", parent: nil)
    package static let title = StyleName(rawValue: "title", parent: "app.background")
    package static let text = StyleName(rawValue: "text", parent: "app.background")
    package static let textDim = StyleName(rawValue: "text.dim", parent: "text")
    package static let label = StyleName(rawValue: "label", parent: "text")
    package static let border = StyleName(rawValue: "border", parent: "app.background")
    package static let listHeader = StyleName(rawValue: "list.header", parent: "text")
    package static let listRow = StyleName(rawValue: "list.row", parent: "text")
    package static let listSelected = StyleName(rawValue: "list.selected", parent: "list.row")
    package static let statusBar = StyleName(rawValue: "status.bar", parent: "app.background")
    package static let statusScreen = StyleName(rawValue: "status.screen", parent: "status.bar")
    package static let statusKey = StyleName(rawValue: "status.key", parent: "status.bar")
    /// Who is signed in, in the status bar.
    package static let statusUser = StyleName(rawValue: "status.user", parent: "status.bar")
    package static let statusConnected = StyleName(rawValue: "status.connected", parent: "status.bar")
    package static let statusConnecting = StyleName(rawValue: "status.connecting", parent: "status.bar")
    package static let statusUnreachable = StyleName(rawValue: "status.unreachable", parent: "status.bar")
    package static let statusError = StyleName(rawValue: "status.error", parent: "app.background")
    package static let statusOK = StyleName(rawValue: "status.ok", parent: "app.background")
    package static let statusInfo = StyleName(rawValue: "status.info", parent: "app.background")
    package static let stale = StyleName(rawValue: "stale", parent: "text")
    package static let spinner = StyleName(rawValue: "spinner", parent: "text")
    package static let badgeUnread = StyleName(rawValue: "badge.unread", parent: "status.bar")
    /// A row with something unread (a connection, a notification).
    package static let listUnread = StyleName(rawValue: "list.unread", parent: "list.row")
    /// The name line over a message in a thread: the user's own, and the other party's.
    package static let messageMine = StyleName(rawValue: "message.mine", parent: "text")
    package static let messageTheirs = StyleName(rawValue: "message.theirs", parent: "text")
    package static let helpTitle = StyleName(rawValue: "help.title", parent: "overlay")
    package static let helpKey = StyleName(rawValue: "help.key", parent: "overlay")
    package static let helpSection = StyleName(rawValue: "help.section", parent: "overlay")
    package static let overlay = StyleName(rawValue: "overlay", parent: "app.background")
    package static let overlayBorder = StyleName(rawValue: "overlay.border", parent: "overlay")
    package static let input = StyleName(rawValue: "input", parent: "text")
    package static let inputFocused = StyleName(rawValue: "input.focused", parent: "input")
    package static let inputError = StyleName(rawValue: "input.error", parent: "text")
    package static let commandLine = StyleName(rawValue: "command.line", parent: "app.background")
    package static let commandCompletion = StyleName(rawValue: "command.completion", parent: "command.line")
    package static let dialogDanger = StyleName(rawValue: "dialog.danger", parent: "overlay")
    package static let button = StyleName(rawValue: "button", parent: "overlay")
    package static let buttonFocused = StyleName(rawValue: "button.focused", parent: "button")

    package static let all: [StyleName] = [
        .appBackground, .title, .text, .textDim, .label, .border, .listHeader, .listRow, .listSelected,
        .statusBar, .statusScreen, .statusKey, .statusUser, .statusConnected, .statusConnecting, .statusUnreachable,
        .statusError, .statusOK, .statusInfo, .stale, .spinner, .badgeUnread, .listUnread, .messageMine, .messageTheirs,
        .overlay, .overlayBorder, .helpTitle, .helpKey, .helpSection,
        .input, .inputFocused, .inputError, .commandLine, .commandCompletion,
        .dialogDanger, .button, .buttonFocused,
    ]

    static let byName: [String: StyleName] = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })
}
