/// Sizes shared by `update` (viewport heights for paging) and `view` (where things are drawn).
enum Layout {
    /// The bottom three rows: the error line (or the command line), the status bar, the key hints.
    static func messageRow(_ size: Size) -> Int { size.height - 3 }
    static func statusBarRow(_ size: Size) -> Int { size.height - 2 }
    static func hintsRow(_ size: Size) -> Int { size.height - 1 }

    /// The help box sits between the header and the error line.
    static func helpBox(for size: Size) -> (x: Int, y: Int, width: Int, height: Int) {
        let width = min(76, max(20, size.width - 4))
        let height = max(5, size.height - 4)
        return ((size.width - width) / 2, 1, width, height)
    }

    /// Rows of bindings inside the help box: its height less the two border rows.
    static func helpViewportHeight(for size: Size) -> Int {
        max(1, helpBox(for: size).height - 2)
    }

    /// Rows of a table screen: the body less its title line and the column header.
    static func tableViewportHeight(_ size: Size) -> Int { max(1, size.height - 8) }

    /// Lines of text inside the built-in editor's box.
    static func textEditorHeight(_ size: Size) -> Int { max(1, size.height - 8) }

    static let spinnerFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
}
