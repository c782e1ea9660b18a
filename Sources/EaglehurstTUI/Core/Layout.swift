/// Sizes shared by `update` (viewport heights for paging) and `view` (where things are drawn).
enum Layout {
    /// The bottom three rows: the error line (or the command line), the status bar, the key hints.
    static func messageRow(_ size: Size) -> Int { size.height - 3 }
    static func statusBarRow(_ size: Size) -> Int { size.height - 2 }
    static func hintsRow(_ size: Size) -> Int { size.height - 1 }

    /// The help box sits between the header and the error line.
    static func helpBox(for size: Size) -> (x: Int, y: Int, width: Int, height: Int) {
        let width = min(100, max(20, size.width - 4))
        let height = max(5, size.height - 4)
        return ((size.width - width) / 2, 1, width, height)
    }

    /// The keys column of the help box; descriptions take the rest of its width.
    static func helpKeysWidth(for size: Size) -> Int {
        min(24, (helpBox(for: size).width - 4) / 3)
    }

    static func helpTextWidth(for size: Size) -> Int {
        max(1, helpBox(for: size).width - helpKeysWidth(for: size) - 6)
    }

    /// Rows of bindings inside the help box: its height less the two border rows.
    static func helpViewportHeight(for size: Size) -> Int {
        max(1, helpBox(for: size).height - 2)
    }

    /// Rows of a table screen: the body less its title line and the column header.
    static func tableViewportHeight(_ size: Size) -> Int { max(1, size.height - 8) }

    /// Lines of text inside the built-in editor's box.
    static func textEditorHeight(_ size: Size) -> Int { max(1, size.height - 8) }

    /// Connections shown on the threads screen: two lines each, below the screen's title line.
    static func conversationRows(_ size: Size) -> Int { max(1, (size.height - 7) / 2) }

    /// Lines of the compose box under a thread.
    static let composeLines = 3

    /// Lines of messages in the thread pane: the body less its header (3), the compose box and its rule.
    static func threadLines(_ size: Size) -> Int { max(1, size.height - 4 - 2 - 3 - composeLines - 1) }

    /// The width of the connections column.
    static func conversationsWidth(_ size: Size) -> Int { min(48, max(24, size.width * 2 / 5)) }

    static let spinnerFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
}

/// The rows between the header and the error line that a screen draws in.
typealias Body = (top: Int, bottom: Int)
