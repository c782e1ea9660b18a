/// A problem in a configuration file, pinned to its line so the user can fix it.
package struct ConfigProblem: Error, Equatable, Sendable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var message: String

    package init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    package var description: String { "\(file):\(line): \(message)" }
}

package enum TOMLValue: Equatable, Sendable {
    case string(String)
    case strings([String])
    case bool(Bool)
    case integer(Int)

    var kindName: String {
        switch self {
        case .string: "a string"
        case .strings: "an array of strings"
        case .bool: "a boolean"
        case .integer: "an integer"
        }
    }
}

package struct TOMLEntry: Equatable, Sendable {
    package var key: String
    package var value: TOMLValue
    package var line: Int
}

package struct TOMLTable: Equatable, Sendable {
    /// "" for the keys before the first `[section]`.
    package var name: String
    package var line: Int
    package var entries: [TOMLEntry]
}

/// The TOML subset that themes, keymaps and config use: `[section]` headers (dotted names allowed),
/// `key = value` with basic or literal strings, arrays of strings (may span lines), booleans,
/// integers, and `#` comments. Anything else is reported with its file and line.
package struct TOMLDocument: Equatable, Sendable {
    package var tables: [TOMLTable]

    package static func parse(_ text: String, file: String) throws(ConfigProblem) -> TOMLDocument {
        var parser = TOMLParser(file: file, lines: text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init))
        return try parser.parse()
    }
}

private struct TOMLParser {
    let file: String
    let lines: [String]
    var lineIndex = 0

    init(file: String, lines: [String]) {
        self.file = file
        self.lines = lines
    }

    mutating func parse() throws(ConfigProblem) -> TOMLDocument {
        var tables = [TOMLTable(name: "", line: 1, entries: [])]
        var seenTables: Set<String> = [""]
        while lineIndex < lines.count {
            let lineNumber = lineIndex + 1
            var cursor = Cursor(Array(lines[lineIndex]))
            lineIndex += 1
            cursor.skipSpaces()
            if cursor.atEndOrComment { continue }
            if cursor.peek == "[" {
                let name = try tableHeader(&cursor, line: lineNumber)
                guard seenTables.insert(name).inserted else {
                    throw problem(lineNumber, "section [\(name)] appears twice")
                }
                tables.append(TOMLTable(name: name, line: lineNumber, entries: []))
                continue
            }
            let key = try self.key(&cursor, line: lineNumber)
            cursor.skipSpaces()
            guard cursor.take() == "=" else { throw problem(lineNumber, "expected '=' after key '\(key)'") }
            cursor.skipSpaces()
            let value = try self.value(&cursor, line: lineNumber)
            cursor.skipSpaces()
            guard cursor.atEndOrComment else {
                throw problem(lineNumber, "unexpected text after the value of '\(key)'")
            }
            if tables[tables.count - 1].entries.contains(where: { $0.key == key }) {
                throw problem(lineNumber, "key '\(key)' appears twice in the same section")
            }
            tables[tables.count - 1].entries.append(TOMLEntry(key: key, value: value, line: lineNumber))
        }
        return TOMLDocument(tables: tables)
    }

    private func problem(_ line: Int, _ message: String) -> ConfigProblem {
        ConfigProblem(file: file, line: line, message: message)
    }

    private func tableHeader(_ cursor: inout Cursor, line: Int) throws(ConfigProblem) -> String {
        _ = cursor.take()
        if cursor.peek == "[" { throw problem(line, "arrays of tables ([[...]]) are not supported") }
        var parts: [String] = []
        while true {
            cursor.skipSpaces()
            parts.append(try key(&cursor, line: line))
            cursor.skipSpaces()
            guard cursor.peek == "." else { break }
            _ = cursor.take()
        }
        guard cursor.take() == "]" else { throw problem(line, "expected ']' to close the section name") }
        cursor.skipSpaces()
        guard cursor.atEndOrComment else { throw problem(line, "unexpected text after the section name") }
        return parts.joined(separator: ".")
    }

    private func key(_ cursor: inout Cursor, line: Int) throws(ConfigProblem) -> String {
        if cursor.peek == "\"" || cursor.peek == "'" { return try string(&cursor, line: line) }
        var key = ""
        while let c = cursor.peek, c.isLetter || c.isNumber || c == "_" || c == "-" {
            key.append(c)
            _ = cursor.take()
        }
        if key.isEmpty {
            let found = cursor.peek.map { "'\($0)'" } ?? "end of line"
            throw problem(line, "expected a key, found \(found)")
        }
        return key
    }

    private mutating func value(_ cursor: inout Cursor, line: Int) throws(ConfigProblem) -> TOMLValue {
        switch cursor.peek {
        case "\"", "'": return .string(try string(&cursor, line: line))
        case "[": return .strings(try array(&cursor, line: line))
        case nil: throw problem(line, "missing value after '='")
        default: break
        }
        var word = ""
        while let c = cursor.peek, !c.isWhitespace, c != "#", c != "," { word.append(c); _ = cursor.take() }
        if word == "true" { return .bool(true) }
        if word == "false" { return .bool(false) }
        if let number = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(number) }
        throw problem(line, "cannot read value '\(word)' (strings need quotes)")
    }

    /// Arrays may continue over the next lines, with comments and a trailing comma.
    private mutating func array(_ cursor: inout Cursor, line: Int) throws(ConfigProblem) -> [String] {
        _ = cursor.take()
        var items: [String] = []
        var expectingItem = true
        while true {
            cursor.skipSpaces()
            if cursor.atEndOrComment {
                guard lineIndex < lines.count else { throw problem(line, "array is not closed with ']'") }
                cursor = Cursor(Array(lines[lineIndex]))
                lineIndex += 1
                continue
            }
            let currentLine = lineIndex
            switch cursor.peek {
            case "]":
                _ = cursor.take()
                return items
            case ",":
                if expectingItem { throw problem(currentLine, "unexpected ',' in array") }
                _ = cursor.take()
                expectingItem = true
            case "\"", "'":
                if !expectingItem { throw problem(currentLine, "expected ',' between array items") }
                items.append(try string(&cursor, line: currentLine))
                expectingItem = false
            default:
                throw problem(currentLine, "arrays may hold only strings")
            }
        }
    }

    private func string(_ cursor: inout Cursor, line: Int) throws(ConfigProblem) -> String {
        let quote = cursor.take()
        var result = ""
        while let c = cursor.take() {
            if c == quote { return result }
            if c == "\\" && quote == "\"" {
                guard let escaped = cursor.take() else { break }
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "u", "U":
                    let digits = escaped == "u" ? 4 : 8
                    var hex = ""
                    for _ in 0..<digits { if let h = cursor.take() { hex.append(h) } }
                    guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw problem(line, "invalid unicode escape '\\\(escaped)\(hex)'")
                    }
                    result.unicodeScalars.append(scalar)
                default: throw problem(line, "unknown escape '\\\(escaped)' in string")
                }
            } else {
                result.append(c)
            }
        }
        throw problem(line, "string is not closed")
    }
}

private struct Cursor {
    private let characters: [Character]
    private var index = 0

    init(_ characters: [Character]) { self.characters = characters }

    var peek: Character? { index < characters.count ? characters[index] : nil }
    var atEndOrComment: Bool { peek == nil || peek == "#" }

    mutating func take() -> Character? {
        defer { index += 1 }
        return peek
    }

    mutating func skipSpaces() {
        while peek == " " || peek == "\t" { index += 1 }
    }
}
