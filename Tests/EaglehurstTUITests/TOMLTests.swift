@testable import EaglehurstTUI
import XCTest

final class TOMLTests: XCTestCase {
    func testReadsSectionsStringsArraysBooleansIntegersAndComments() throws {
        let text = """
        # a comment
        name = "dark"   # trailing comment
        [list.selected]
        fg = '#ffffff'
        bold = true
        count = -1_000
        keys = [
          "a",  # first
          "<c-r>",
        ]
        escaped = "tab\\there \\"quoted\\" \\u00e9"
        """
        let document = try TOMLDocument.parse(text, file: "t.toml")
        XCTAssertEqual(document.tables.map(\.name), ["", "list.selected"])
        XCTAssertEqual(document.tables[0].entries, [TOMLEntry(key: "name", value: .string("dark"), line: 2)])
        let entries = document.tables[1].entries
        XCTAssertEqual(entries.map(\.key), ["fg", "bold", "count", "keys", "escaped"])
        XCTAssertEqual(entries[0].value, .string("#ffffff"))
        XCTAssertEqual(entries[1].value, .bool(true))
        XCTAssertEqual(entries[2].value, .integer(-1000))
        XCTAssertEqual(entries[3].value, .strings(["a", "<c-r>"]))
        XCTAssertEqual(entries[3].line, 7)
        XCTAssertEqual(entries[4].value, .string("tab\there \"quoted\" é"))
        XCTAssertEqual(entries[4].line, 11)
    }

    func testWindowsLineEndingsAreRead() throws {
        let document = try TOMLDocument.parse("[a]\r\nx = 1\r\n", file: "crlf.toml")
        XCTAssertEqual(document.tables[1].entries.first?.value, .integer(1))
    }

    private func problem(_ text: String, file: String = "themes/broken.toml") -> ConfigProblem? {
        do {
            _ = try TOMLDocument.parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    func testErrorsNameTheFileTheLineAndTheProblem() {
        XCTAssertEqual(problem("[a]\nfg = \"#fff\n"), ConfigProblem(file: "themes/broken.toml", line: 2, message: "string is not closed"))
        XCTAssertEqual(problem("\n\nfg \"x\""), ConfigProblem(file: "themes/broken.toml", line: 3, message: "expected '=' after key 'fg'"))
        XCTAssertEqual(problem("fg = red"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "cannot read value 'red' (strings need quotes)"))
        XCTAssertEqual(problem("[a\n"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "expected ']' to close the section name"))
        XCTAssertEqual(problem("[a]\n[a]"), ConfigProblem(file: "themes/broken.toml", line: 2, message: "section [a] appears twice"))
        XCTAssertEqual(problem("x = 1\nx = 2"), ConfigProblem(file: "themes/broken.toml", line: 2, message: "key 'x' appears twice in the same section"))
        XCTAssertEqual(problem("x = [\"a\" \"b\"]"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "expected ',' between array items"))
        XCTAssertEqual(problem("x = [1, 2]"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "arrays may hold only strings"))
        XCTAssertEqual(problem("x = [\n\"a\",\n"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "array is not closed with ']'"))
        XCTAssertEqual(problem("x = \"a\" b"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "unexpected text after the value of 'x'"))
        XCTAssertEqual(problem("x = \"\\q\""), ConfigProblem(file: "themes/broken.toml", line: 1, message: "unknown escape '\\q' in string"))
        XCTAssertEqual(problem("[[a]]"), ConfigProblem(file: "themes/broken.toml", line: 1, message: "arrays of tables ([[...]]) are not supported"))
    }

    func testAProblemReadsAsFileLineMessage() {
        XCTAssertEqual(ConfigProblem(file: "keymaps/vim.toml", line: 7, message: "unknown key <foo>").description, "keymaps/vim.toml:7: unknown key <foo>")
    }
}
