/// Sizes shared by `update` (viewport heights for paging) and `view` (where things are drawn).
enum Layout {
    /// The help box leaves two rows above and the error and status lines below.
    static func helpBox(for size: Size) -> (x: Int, y: Int, width: Int, height: Int) {
        let width = min(76, max(20, size.width - 4))
        let height = max(5, size.height - 4)
        return ((size.width - width) / 2, 1, width, height)
    }

    /// Rows of bindings inside the help box: its height less the two border rows.
    static func helpViewportHeight(for size: Size) -> Int {
        max(1, helpBox(for: size).height - 2)
    }

    static let spinnerFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
}
