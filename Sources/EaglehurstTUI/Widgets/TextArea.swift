/// The in-app editor for long text when no `$EDITOR` is set: lines, a cursor counted in grapheme
/// clusters, and a scroll offset for the lines shown.
package struct TextArea: Equatable, Sendable {
    package private(set) var lines: [String]
    package private(set) var row = 0
    package private(set) var column = 0
    package private(set) var offset = 0

    package init(_ text: String) {
        lines = text.isEmpty ? [""] : text.components(separatedBy: "\n")
        row = lines.count - 1
        column = lines[row].count
    }

    package var text: String { lines.joined(separator: "\n") }

    /// Applies an editing key; false for keys it does not edit with.
    package mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let c):
            lines[row].insert(c, at: index(column))
            column += 1
        case .enter:
            let rest = String(lines[row][index(column)...])
            lines[row].removeSubrange(index(column)...)
            lines.insert(rest, at: row + 1)
            row += 1
            column = 0
        case .backspace:
            if column > 0 {
                lines[row].remove(at: index(column - 1))
                column -= 1
            } else if row > 0 {
                let line = lines.remove(at: row)
                row -= 1
                column = lines[row].count
                lines[row] += line
            }
        case .delete:
            if column < lines[row].count {
                lines[row].remove(at: index(column))
            } else if row + 1 < lines.count {
                lines[row] += lines.remove(at: row + 1)
            }
        case .left:
            if column > 0 { column -= 1 } else if row > 0 { row -= 1; column = lines[row].count }
        case .right:
            if column < lines[row].count { column += 1 } else if row + 1 < lines.count { row += 1; column = 0 }
        case .up:
            guard row > 0 else { return true }
            row -= 1
            column = min(column, lines[row].count)
        case .down:
            guard row + 1 < lines.count else { return true }
            row += 1
            column = min(column, lines[row].count)
        case .home, .control("a"): column = 0
        case .end, .control("e"): column = lines[row].count
        default:
            return false
        }
        return true
    }

    /// Scrolls so the cursor's line is among `height` shown lines.
    package mutating func keepCursorVisible(height: Int) {
        if row < offset { offset = row }
        if row >= offset + height { offset = row - height + 1 }
    }

    private func index(_ offset: Int) -> String.Index {
        lines[row].index(lines[row].startIndex, offsetBy: offset)
    }
}
