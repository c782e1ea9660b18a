@testable import EaglehurstTUI
import XCTest

final class TextWidthTests: XCTestCase {
    func testASCIIIsOneColumnPerCharacter() {
        XCTAssertEqual(TextWidth.of("Eaglehurst"), 10)
    }

    func testCJKAndEmojiTakeTwoColumns() {
        XCTAssertEqual(TextWidth.of("診療所"), 6)
        XCTAssertEqual(TextWidth.of("🦷"), 2)
        XCTAssertEqual(TextWidth.of("👩‍⚕️"), 2, "a ZWJ sequence is one cluster of width 2")
        XCTAssertEqual(TextWidth.of("🇬🇧"), 2, "a flag is one cluster")
        XCTAssertEqual(TextWidth.of("❤️"), 2, "text symbol with emoji presentation selector")
        XCTAssertEqual(TextWidth.of("ｱ"), 1, "half-width katakana")
        XCTAssertEqual(TextWidth.of("Ａ"), 2, "full-width Latin")
    }

    func testCombiningMarksAddNoWidth() {
        XCTAssertEqual(TextWidth.of("cafe\u{301}"), 4)
        XCTAssertEqual(TextWidth.of("\u{301}"), 0, "a lone combining mark")
        XCTAssertEqual(TextWidth.of("a\u{200B}b"), 2, "zero-width space")
    }

    func testTruncateNeverSplitsAWideClusterAndMarksTheCut() {
        XCTAssertEqual(TextWidth.truncate("診療所の売却", to: 5), "診療…")
        XCTAssertEqual(TextWidth.truncate("short", to: 10), "short")
        XCTAssertEqual(TextWidth.truncate("abcdef", to: 4), "abc…")
        XCTAssertEqual(TextWidth.of(TextWidth.truncate("🦷🦷🦷", to: 4)), 3)
    }

    func testPadFillsToTheExactWidth() {
        XCTAssertEqual(TextWidth.pad("診療", to: 6), "診療  ")
        XCTAssertEqual(TextWidth.pad("ab", to: 5, alignment: .right), "   ab")
        XCTAssertEqual(TextWidth.pad("ab", to: 6, alignment: .center), "  ab  ")
        XCTAssertEqual(TextWidth.of(TextWidth.pad("診療所の売却", to: 7)), 7)
    }

    func testFrameKeepsWideClustersWhole() {
        var frame = Frame(size: Size(width: 6, height: 1), style: .plain)
        frame.write("a診b", x: 0, y: 0, style: .plain)
        XCTAssertEqual(frame.lines, ["a診b  "])
        frame.write("x", x: 2, y: 0, style: .plain)
        XCTAssertEqual(frame.lines, ["a xb  "], "overwriting half a wide cluster blanks the other half")
    }

    func testFrameDoesNotDrawAWideClusterPastTheEdge() {
        var frame = Frame(size: Size(width: 3, height: 1), style: .plain)
        let used = frame.write("ab診", x: 0, y: 0, style: .plain)
        XCTAssertEqual(frame.lines, ["ab "])
        XCTAssertEqual(used, 3)
    }
}
