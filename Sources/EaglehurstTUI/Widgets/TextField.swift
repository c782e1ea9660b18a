/// An editable line of text with a cursor, counted in grapheme clusters.
package struct TextField: Equatable, Sendable {
    package private(set) var text: String
    /// Clusters before the cursor.
    package private(set) var cursor: Int

    package init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// Applies an editing key; returns false for keys a field does not edit with, which then go to the bindings.
    package mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let c):
            text.insert(c, at: index(cursor))
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            text.remove(at: index(cursor - 1))
            cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            text.remove(at: index(cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text.removeSubrange(text.startIndex..<index(cursor))
            cursor = 0
        default:
            return false
        }
        return true
    }

    package mutating func setText(_ newText: String) {
        text = newText
        cursor = newText.count
    }

    /// What to draw in `width` columns and where the cursor falls, scrolled so the cursor stays visible.
    /// `mask` replaces each cluster (a password shows as bullets).
    package func visible(width: Int, mask: Character? = nil) -> (text: String, cursorColumn: Int) {
        let shown = mask.map { String(repeating: $0, count: text.count) } ?? text
        let clusters = Array(shown)
        var start = 0
        func columns(_ range: Range<Int>) -> Int { clusters[range].reduce(0) { $0 + TextWidth.of($1) } }
        while start < cursor, columns(start..<cursor) >= width { start += 1 }
        var visible = ""
        var used = 0
        for cluster in clusters[start...] {
            let w = TextWidth.of(cluster)
            if used + w > width { break }
            visible.append(cluster)
            used += w
        }
        return (visible, columns(start..<cursor))
    }

    private func index(_ offset: Int) -> String.Index {
        text.index(text.startIndex, offsetBy: offset)
    }
}
