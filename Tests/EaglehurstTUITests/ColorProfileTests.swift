@testable import EaglehurstTUI
import XCTest

final class ColorProfileTests: XCTestCase {
    func testDetection() {
        let term = ["TERM": "xterm-256color"]
        XCTAssertEqual(ColorProfile.detect(environment: term, hasColors: true, colorCount: 256), .ansi256)
        XCTAssertEqual(ColorProfile.detect(environment: term, hasColors: true, colorCount: 1 << 24), .trueColor)
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "xterm", "COLORTERM": "truecolor"], hasColors: true, colorCount: 256), .ansi256,
                       "COLORTERM cannot make ncurses send 24-bit colour through a 256-colour terminfo entry")
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "xterm-16color"], hasColors: true, colorCount: 16), .ansi16)
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "xterm"], hasColors: true, colorCount: 8), .ansi8)
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "vt100"], hasColors: false, colorCount: 0), .none)
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "dumb"], hasColors: true, colorCount: 8), .none)
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": "1"], hasColors: true, colorCount: 256), .none)
        XCTAssertEqual(ColorProfile.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": ""], hasColors: true, colorCount: 256), .ansi256,
                       "an empty NO_COLOR does not count (no-color.org)")
    }

    func testDegradationFromTrueColorDownToNone() {
        let teal = Color.rgb(0x00, 0x5f, 0x87)
        XCTAssertEqual(ColorProfile.trueColor.terminalColor(for: teal), .rgb(0x005f87))
        XCTAssertEqual(ColorProfile.ansi256.terminalColor(for: teal), .index(24), "an exact cube colour")
        XCTAssertEqual(ColorProfile.ansi256.terminalColor(for: .rgb(0x1c, 0x1c, 0x1c)), .index(234), "greys use the grey ramp")
        XCTAssertEqual(ColorProfile.ansi16.terminalColor(for: .rgb(250, 10, 10)), .index(9))
        XCTAssertEqual(ColorProfile.ansi8.terminalColor(for: .rgb(250, 10, 10)), .index(1))
        XCTAssertEqual(ColorProfile.ansi8.terminalColor(for: .ansi(12)), .index(4), "bright colours fold onto the eight")
        XCTAssertEqual(ColorProfile.none.terminalColor(for: teal), .terminalDefault)
        XCTAssertEqual(ColorProfile.ansi256.terminalColor(for: .terminalDefault), .terminalDefault)
    }

    func testWithoutColourAStyleThatStandsOutByItsBackgroundIsReversed() {
        let selected = Style(foreground: .ansi(15), background: .ansi(4), bold: true, standsOut: true)
        XCTAssertEqual(ColorProfile.none.terminalStyle(for: selected), TerminalStyle(foreground: .terminalDefault, background: .terminalDefault, bold: true, underline: false, reverse: true))
        XCTAssertFalse(ColorProfile.ansi16.terminalStyle(for: selected).reverse)
    }

    func testColourNames() {
        XCTAssertEqual(Color(parsing: "bright-blue"), .ansi(12))
        XCTAssertEqual(Color(parsing: "Gray"), .ansi(8))
        XCTAssertEqual(Color(parsing: "#FF8700"), .rgb(255, 135, 0))
        XCTAssertEqual(Color(parsing: "default"), .terminalDefault)
        XCTAssertNil(Color(parsing: "#ff870"))
        XCTAssertNil(Color(parsing: "orange"))
    }
}
