import Foundation

/// The `?` overlay: every binding of the table, the live contexts first.
public struct HelpOverlay: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public enum Kind: Equatable, Sendable { case section, binding, blank }
        public var kind: Kind
        public var keys: String
        public var text: String
    }

    public var rows: [Row]
    public var cursor: ListCursor

    init(bindings: BindingTable, current: Context, viewportHeight: Int) {
        let live = BindingTable.activeContexts(for: current)
        let order = live + Context.allCases.filter { !live.contains($0) }
        var rows: [Row] = []
        for context in order {
            let entries = bindings.bindings(in: context)
            guard !entries.isEmpty else { continue }
            if !rows.isEmpty { rows.append(Row(kind: .blank, keys: "", text: "")) }
            rows.append(Row(kind: .section, keys: "", text: context.title))
            for binding in entries {
                let keys = binding.keys.map(\.description).joined(separator: " ")
                let text = binding.description + (binding.dangerous ? " (asks first)" : "")
                rows.append(Row(kind: .binding, keys: keys.isEmpty ? "(none)" : keys, text: text))
            }
        }
        self.rows = rows
        self.cursor = ListCursor(count: rows.count, viewportHeight: viewportHeight)
    }
}

/// The `:` line: a screen name or a command, completed with Tab.
public struct CommandLine: Equatable, Sendable {
    public var field = TextField()
    /// Candidates for what is typed, shown above the line after a Tab.
    public var candidates: [String] = []
    /// While Tab cycles through candidates: the typed prefix and the position in `candidates`.
    var cycle: (prefix: String, index: Int)?

    public static let commands: [String] = ScreenID.allCases.map(\.rawValue) + ["signout", "help", "quit"]

    public static func == (lhs: CommandLine, rhs: CommandLine) -> Bool {
        lhs.field == rhs.field && lhs.candidates == rhs.candidates
            && lhs.cycle?.prefix == rhs.cycle?.prefix && lhs.cycle?.index == rhs.cycle?.index
    }

    /// Tab: one match completes; several complete to what they share, and a further Tab cycles them.
    mutating func complete() {
        if let cycle, candidates.count > 1 {
            let next = (cycle.index + 1) % candidates.count
            field.setText(candidates[next])
            self.cycle = (cycle.prefix, next)
            return
        }
        let typed = field.text.trimmingCharacters(in: .whitespaces).lowercased()
        let matches = CommandLine.commands.filter { $0.hasPrefix(typed) }
        candidates = matches
        guard let first = matches.first else { return }
        if matches.count == 1 {
            field.setText(first)
            return
        }
        let shared = matches.dropFirst().reduce(first) { String($0.commonPrefix(with: $1)) }
        if shared.count > typed.count {
            field.setText(shared)
        } else {
            field.setText(first)
            cycle = (typed, 0)
        }
    }

    mutating func edit(_ key: Key) -> Bool {
        guard field.handle(key) else { return false }
        candidates = []
        cycle = nil
        return true
    }
}

/// A generic yes/no question before a dangerous action. No is highlighted first, so Enter is safe.
public struct ConfirmDialog: Equatable, Sendable {
    public var question: String
    public var action: Action
    public var context: Context
    public var yesHighlighted = false
}
