import Foundation
import XCTest

/// The README's settings table is the operator's one list of what the server reads from its
/// environment, so it has to follow `Settings.swift`: a variable read there and missing from the
/// table is a setting nobody can find.
final class ReadmeSettingsTests: XCTestCase {
    /// The checkout's root: this file is `Tests/EaglehurstServerTests/ReadmeSettingsTests.swift`.
    static let root = URL(fileURLWithPath: "\(#filePath)")
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryVariableSettingsReadsIsInTheReadmeTable() throws {
        let source = try Self.read("Sources/EaglehurstServer/Settings.swift")
        let read = Self.variablesRead(in: source)
        // Today's file reads 33; fewer than 25 means the patterns stopped matching, not that the
        // settings went away.
        XCTAssertGreaterThanOrEqual(read.count, 25, "found only \(read.sorted()) in Settings.swift: do the read patterns still match?")

        let table = try Self.settingsTable(in: Self.read("README.md"))
        for name in read.sorted() where !Self.mentions(table, name) {
            XCTFail("Settings.swift reads \(name), but the README's settings table does not mention it: add a row (or name it in a row) with its default and what it is for")
        }
    }

    func testEveryVariableTheTableListsIsReadBySettings() throws {
        let read = Self.variablesRead(in: try Self.read("Sources/EaglehurstServer/Settings.swift"))
        let listed = Self.listedNames(in: try Self.settingsTable(in: Self.read("README.md")))
        XCTAssertFalse(listed.isEmpty, "no variable found in the first column of the README's settings table")
        for name in listed.sorted() where !read.contains(name) {
            XCTFail("the README's settings table lists \(name), which Settings.swift no longer reads: remove its row or read it")
        }
    }

    /// Every all-capitals string literal in `Settings.swift` is a variable name (in a read or in the
    /// error naming it). One the read patterns miss means the file reads in a way this test does not
    /// know yet, and the table check above would quietly skip that variable.
    func testTheReadPatternsCatchEveryVariableNamedInSettings() throws {
        let source = try Self.read("Sources/EaglehurstServer/Settings.swift")
        let named = Self.matches(of: #""([A-Z][A-Z0-9_]*)""#, in: source)
        let missed = named.subtracting(Self.variablesRead(in: source))
        XCTAssertTrue(missed.isEmpty, "Settings.swift names \(missed.sorted()) but no read pattern of ReadmeSettingsTests.variablesRead matches it: teach the test the new way of reading")
    }

    func testTheExtractionFindsEachReadPattern() {
        let source = """
        let a = nonEmpty(env["DIRECT_READ"])
        let b = try bool(env, "FLAG_READ", default: true)
        let c = try requestRate(env, "RATE_READ", default: value)
        let d = environment["OTHER_DICTIONARY"]
        throw SettingsError(variable: "NOT_A_READ", problem: "…")
        """
        XCTAssertEqual(Self.variablesRead(in: source), ["DIRECT_READ", "FLAG_READ", "RATE_READ", "OTHER_DICTIONARY"])
    }

    // MARK: - Reading the sources

    /// Names read from the environment: a subscript of the environment dictionary (`env["NAME"]`,
    /// `environment["NAME"]`) and a helper given the dictionary and a literal name
    /// (`bool(env, "NAME", …)`, `requestRate(env, "NAME", …)`, `stripeKey(env, "NAME", …)`).
    static func variablesRead(in source: String) -> Set<String> {
        matches(of: #"\b(?:env|environment)\s*\[\s*"([A-Z][A-Z0-9_]*)"\s*\]"#, in: source)
            .union(matches(of: #"\w+\(\s*(?:env|environment)\s*,\s*"([A-Z][A-Z0-9_]*)""#, in: source))
    }

    /// The rows of the table under the README's `### Settings` heading.
    static func settingsTable(in readme: String) throws -> [String] {
        let lines = readme.components(separatedBy: "\n")
        guard let heading = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "### Settings" }) else {
            throw MissingSection()
        }
        let section = lines[(heading + 1)...].prefix { !$0.hasPrefix("#") }
        let rows = section.filter { $0.hasPrefix("|") }
        guard rows.count > 2 else { throw MissingSection() }
        return Array(rows.dropFirst(2))
    }

    struct MissingSection: Error, CustomStringConvertible {
        var description: String { "README.md has no `### Settings` heading with a table under it" }
    }

    /// The variables a table row is about: the names in its first column.
    static func listedNames(in rows: [String]) -> Set<String> {
        Set(rows.flatMap { row -> Set<String> in
            let cells = row.split(separator: "|", omittingEmptySubsequences: true)
            guard let first = cells.first else { return [] }
            return matches(of: #"`\$?([A-Z][A-Z0-9_]*)`"#, in: String(first))
        })
    }

    /// Whether the table names the variable anywhere (a row of its own, or as the fallback of
    /// another: `$XDG_DATA_HOME/eaglehurst` in the data directory's row).
    static func mentions(_ rows: [String], _ name: String) -> Bool {
        let pattern = "(?<![A-Z0-9_])" + NSRegularExpression.escapedPattern(for: name) + "(?![A-Z0-9_])"
        return rows.contains { $0.range(of: pattern, options: .regularExpression) != nil }
    }

    static func matches(of pattern: String, in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        })
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
}
