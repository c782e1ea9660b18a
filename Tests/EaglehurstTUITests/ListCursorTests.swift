@testable import EaglehurstTUI
import XCTest

final class ListCursorTests: XCTestCase {
    func testMovingKeepsTheSelectionVisible() {
        var cursor = ListCursor(count: 100, viewportHeight: 10)
        cursor.moveDown(by: 9)
        XCTAssertEqual(cursor.offset, 0)
        cursor.moveDown()
        XCTAssertEqual(cursor.selected, 10)
        XCTAssertEqual(cursor.offset, 1)
        cursor.moveUp(by: 5)
        XCTAssertEqual(cursor.offset, 1)
        cursor.moveUp(by: 5)
        XCTAssertEqual(cursor.selected, 0)
        XCTAssertEqual(cursor.offset, 0)
    }

    func testMovementStopsAtTheEnds() {
        var cursor = ListCursor(count: 3, viewportHeight: 10)
        cursor.moveUp()
        XCTAssertEqual(cursor.selected, 0)
        cursor.moveDown(by: 10)
        XCTAssertEqual(cursor.selected, 2)
        XCTAssertEqual(cursor.offset, 0)
    }

    func testPagingMovesViewAndSelectionTogether() {
        var cursor = ListCursor(count: 25, viewportHeight: 10)
        cursor.moveDown(by: 3)
        cursor.pageDown()
        XCTAssertEqual(cursor.offset, 10)
        XCTAssertEqual(cursor.selected, 13)
        cursor.pageDown()
        XCTAssertEqual(cursor.offset, 15, "the last page is full, not half empty")
        XCTAssertEqual(cursor.selected, 18)
        cursor.pageDown()
        XCTAssertEqual(cursor.selected, 24, "on the last page, page down goes to the last row")
        cursor.pageUp()
        XCTAssertEqual(cursor.offset, 5)
        cursor.pageUp()
        cursor.pageUp()
        XCTAssertEqual(cursor.selected, 0)
        XCTAssertEqual(cursor.offset, 0)
    }

    func testTopBottomAndEmptyLists() {
        var cursor = ListCursor(count: 50, viewportHeight: 7)
        cursor.moveToBottom()
        XCTAssertEqual(cursor.selected, 49)
        XCTAssertEqual(cursor.visibleRows, 43..<50)
        cursor.moveToTop()
        XCTAssertEqual(cursor.visibleRows, 0..<7)
        var empty = ListCursor(count: 0, viewportHeight: 5)
        empty.moveDown()
        empty.pageDown()
        empty.moveToBottom()
        XCTAssertEqual(empty.selected, 0)
        XCTAssertEqual(empty.visibleRows, 0..<0)
    }

    func testShrinkingTheListOrTheViewKeepsASensibleSelection() {
        var cursor = ListCursor(count: 100, viewportHeight: 10)
        cursor.moveToBottom()
        cursor.setCount(20)
        XCTAssertEqual(cursor.selected, 19)
        XCTAssertEqual(cursor.offset, 10)
        cursor.setViewportHeight(4)
        XCTAssertEqual(cursor.visibleRows, 16..<20)
        cursor.setViewportHeight(40)
        XCTAssertEqual(cursor.offset, 0)
    }

    func testWantedRowsAreTheVisibleWindowAndTheNextPage() {
        var cursor = ListCursor(count: 1000, viewportHeight: 20)
        cursor.select(500)
        XCTAssertEqual(cursor.wantedRows, 481..<521)
        cursor.moveToBottom()
        XCTAssertEqual(cursor.wantedRows, 980..<1000)
    }

    func testScrollingMovesTheViewAndDragsTheSelectionAlong() {
        var cursor = ListCursor(count: 30, viewportHeight: 10)
        cursor.scroll(by: 3)
        XCTAssertEqual(cursor.offset, 3)
        XCTAssertEqual(cursor.selected, 3)
        cursor.scroll(by: 100)
        XCTAssertEqual(cursor.offset, 20)
        cursor.scroll(by: -100)
        XCTAssertEqual(cursor.offset, 0)
        XCTAssertEqual(cursor.selected, 9)
    }
}
