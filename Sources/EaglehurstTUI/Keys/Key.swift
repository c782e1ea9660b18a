/// One key press, as drivers report it and keymaps name it.
package enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)

    private static let named: [(String, Key)] = [
        ("enter", .enter), ("cr", .enter), ("return", .enter), ("esc", .escape), ("tab", .tab),
        ("s-tab", .backTab), ("backtab", .backTab), ("bs", .backspace), ("backspace", .backspace),
        ("del", .delete), ("up", .up), ("down", .down), ("left", .left), ("right", .right),
        ("home", .home), ("end", .end), ("pgup", .pageUp), ("pgdown", .pageDown),
        ("space", .character(" ")), ("lt", .character("<")),
    ]

    /// Printable keys type into a focused text field instead of triggering bindings.
    package var isPrintable: Bool {
        if case .character = self { return true }
        return false
    }

    /// The notation keymaps use: `q`, `G`, `<c-r>`, `<enter>`, `<pgdown>`, `<f1>`.
    package var notation: String {
        switch self {
        case .character(" "): return "<space>"
        case .character("<"): return "<lt>"
        case .character(let c): return String(c)
        case .control(let c): return "<c-\(c)>"
        case .function(let n): return "<f\(n)>"
        default: return "<\(Key.named.first { $0.1 == self }!.0)>"
        }
    }

    init?(name: String) {
        let lower = name.lowercased()
        if let match = Key.named.first(where: { $0.0 == lower }) { self = match.1; return }
        if lower.hasPrefix("c-"), lower.count == 3, let letter = lower.last, letter.isLetter, letter.isASCII {
            self = .control(letter)
            return
        }
        if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...24).contains(number) {
            self = .function(number)
            return
        }
        return nil
    }
}

/// One or more keys pressed in order: `gg` is two presses of `g`.
package struct KeySequence: Hashable, Sendable, CustomStringConvertible {
    package var keys: [Key]

    package init(_ keys: [Key]) { self.keys = keys }

    package var description: String { keys.map(\.notation).joined() }

    package struct NotationError: Error, Equatable {
        package var message: String
    }

    package init(notation: String) throws(NotationError) {
        var keys: [Key] = []
        var rest = Substring(notation)
        while let first = rest.first {
            if first == "<", let close = rest.firstIndex(of: ">"), close > rest.index(after: rest.startIndex) {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                guard let key = Key(name: name) else { throw NotationError(message: "unknown key <\(name)>") }
                keys.append(key)
                rest = rest[rest.index(after: close)...]
            } else if first.isWhitespace || first.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw NotationError(message: "write spaces and control keys as <space>, <tab>, <c-x>")
            } else {
                keys.append(.character(first))
                rest = rest.dropFirst()
            }
        }
        guard !keys.isEmpty else { throw NotationError(message: "empty key") }
        self.keys = keys
    }

    func hasPrefix(_ other: KeySequence) -> Bool {
        other.keys.count <= keys.count && Array(keys.prefix(other.keys.count)) == other.keys
    }
}
