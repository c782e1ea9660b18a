package struct Size: Hashable, Sendable, CustomStringConvertible {
    package var width: Int
    package var height: Int

    package init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    package var description: String { "\(width)×\(height)" }
}

package struct Cell: Hashable, Sendable {
    /// One grapheme cluster; "" marks the right half of a wide cluster to the left.
    package var text: String
    package var style: Style

    package var isContinuation: Bool { text.isEmpty }
}

/// A grid of styled cells: what `view` produces and a `Terminal` draws.
package struct Frame: Equatable, Sendable {
    package let size: Size
    package private(set) var cells: [Cell]
    /// Where the terminal cursor should blink (a focused text field), or nil to hide it.
    package var cursor: (x: Int, y: Int)? {
        get { cursorPosition.map { ($0 % max(1, size.width), $0 / max(1, size.width)) } }
        set { cursorPosition = newValue.map { $0.y * size.width + $0.x } }
    }
    private var cursorPosition: Int?
    /// Pictures drawn on this frame (as half blocks), for terminals that can show their pixels.
    package var placements: [PicturePlacement] = []

    package init(size: Size, style: Style) {
        self.size = size
        self.cells = Array(repeating: Cell(text: " ", style: style), count: size.width * size.height)
    }

    package subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    package mutating func fill(x: Int = 0, y: Int, width: Int? = nil, style: Style) {
        guard y >= 0, y < size.height else { return }
        let end = min(size.width, x + (width ?? size.width))
        for column in max(0, x)..<max(max(0, x), end) { put(" ", x: column, y: y, width: 1, style: style) }
    }

    package mutating func fill(x: Int, y: Int, width: Int, height: Int, style: Style) {
        for row in y..<(y + height) { fill(x: x, y: row, width: width, style: style) }
    }

    /// Writes `text` from column `x`, clipped to `maxWidth` columns and the frame's edge.
    /// Returns the columns used. Zero-width clusters on their own and control characters are dropped.
    @discardableResult
    package mutating func write(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(size.width, x + (maxWidth ?? size.width))
        var column = x
        for cluster in text {
            let clusterText = cluster == "\t" ? " " : String(cluster)
            let width = TextWidth.of(cluster == "\t" ? " " : cluster)
            if width == 0 { continue }
            if column + width > limit {
                if column < limit { put(" ", x: column, y: y, width: 1, style: style); column += 1 }
                break
            }
            if column >= 0 { put(clusterText, x: column, y: y, width: width, style: style) }
            column += width
        }
        return column - x
    }

    private mutating func put(_ text: String, x: Int, y: Int, width: Int, style: Style) {
        let row = y * size.width
        // Overwriting half of a wide cluster blanks its other half, so no orphan halves are drawn.
        if cells[row + x].isContinuation, x > 0 { cells[row + x - 1].text = " " }
        let lastCovered = x + width - 1
        if lastCovered + 1 < size.width, cells[row + lastCovered + 1].isContinuation { cells[row + lastCovered + 1].text = " " }
        cells[row + x] = Cell(text: text, style: style)
        if width == 2 { cells[row + x + 1] = Cell(text: "", style: style) }
    }

    /// The frame as text, one string per row, wide clusters once.
    package var lines: [String] {
        (0..<size.height).map { y in
            (0..<size.width).reduce(into: "") { line, x in line += self[x, y].text }
        }
    }

    package static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.size == rhs.size && lhs.cells == rhs.cells && lhs.cursorPosition == rhs.cursorPosition && lhs.placements == rhs.placements
    }
}
