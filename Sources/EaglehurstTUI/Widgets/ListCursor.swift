/// The selection and scroll position of a list of `count` rows shown `viewportHeight` at a time.
/// Pure: every list screen and the help overlay move through it, and tests drive it directly.
package struct ListCursor: Equatable, Sendable {
    package private(set) var count: Int
    package private(set) var viewportHeight: Int
    /// The selected row; 0 when the list is empty.
    package private(set) var selected = 0
    /// The first visible row.
    package private(set) var offset = 0

    package init(count: Int = 0, viewportHeight: Int = 1) {
        self.count = max(0, count)
        self.viewportHeight = max(1, viewportHeight)
    }

    package var visibleRows: Range<Int> { offset..<min(count, offset + viewportHeight) }

    /// The rows a screen should have loaded: what is visible and the page after it, never everything.
    package var wantedRows: Range<Int> { offset..<min(count, offset + 2 * viewportHeight) }

    package mutating func moveDown(by rows: Int = 1) { select(selected + rows) }
    package mutating func moveUp(by rows: Int = 1) { select(selected - rows) }

    /// A page moves the selection and the view together, so the selected row keeps its place on screen;
    /// on the last page it goes to the last row, on the first page to the first.
    package mutating func pageDown() {
        let before = selected
        let row = selected - offset
        offset = min(offset + viewportHeight, maxOffset)
        select(offset + row)
        if selected == before { select(count - 1) }
    }

    package mutating func pageUp() {
        let before = selected
        let row = selected - offset
        offset = max(0, offset - viewportHeight)
        select(offset + row)
        if selected == before { select(0) }
    }

    /// Moves the view without choosing a row (a text pager); the selection stays inside the view.
    package mutating func scroll(by rows: Int) {
        offset = min(max(0, offset + rows), maxOffset)
        if count > 0 { selected = min(max(selected, offset), offset + viewportHeight - 1, count - 1) }
    }

    package mutating func moveToTop() { select(0) }
    package mutating func moveToBottom() { select(count - 1) }

    package mutating func select(_ row: Int) {
        selected = count == 0 ? 0 : min(max(0, row), count - 1)
        scrollToSelection()
    }

    /// The list grew or shrank (a page arrived, a filter changed): keep the selection where it can be.
    package mutating func setCount(_ newCount: Int) {
        count = max(0, newCount)
        offset = min(offset, maxOffset)
        select(selected)
    }

    package mutating func setViewportHeight(_ height: Int) {
        viewportHeight = max(1, height)
        offset = min(offset, maxOffset)
        scrollToSelection()
    }

    private var maxOffset: Int { max(0, count - viewportHeight) }

    private mutating func scrollToSelection() {
        if selected < offset { offset = selected }
        if selected >= offset + viewportHeight { offset = selected - viewportHeight + 1 }
        offset = min(max(0, offset), maxOffset)
    }
}
