import Foundation

/// The `?` overlay: every binding of the table, the live contexts first.
package struct HelpOverlay: Equatable, Sendable {
    package struct Row: Equatable, Sendable {
        package enum Kind: Equatable, Sendable { case section, binding, blank }
        package var kind: Kind
        package var keys: String
        package var text: String
    }

    package var rows: [Row]
    package var cursor: ListCursor
    /// The context the overlay was opened over: its keys come first.
    package var current: Context

    /// Descriptions wider than `textWidth` go on as many rows as they need, words kept whole.
    init(bindings: BindingTable, current: Context, viewportHeight: Int, textWidth: Int) {
        self.current = current
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
                for (index, line) in App.wrap(text, width: textWidth).enumerated() {
                    rows.append(Row(kind: .binding, keys: index > 0 ? "" : keys.isEmpty ? "(none)" : keys, text: line))
                }
            }
        }
        self.rows = rows
        self.cursor = ListCursor(count: rows.count, viewportHeight: viewportHeight)
    }
}

extension App {
    static func moveHelp(_ action: Action, state: inout AppState) {
        guard case .help(var help) = state.overlay else { return }
        let page = help.cursor.viewportHeight
        switch action {
        case .close: state.overlay = nil; return
        case .down: help.cursor.scroll(by: 1)
        case .up: help.cursor.scroll(by: -1)
        case .pageDown: help.cursor.scroll(by: page)
        case .pageUp: help.cursor.scroll(by: -page)
        case .top: help.cursor.moveToTop()
        case .bottom: help.cursor.moveToBottom()
        default: return
        }
        state.overlay = .help(help)
    }

    static func drawHelp(_ help: HelpOverlay, theme: Theme, into frame: inout Frame) {
        let box = Layout.helpBox(for: frame.size)
        drawBox(x: box.x, y: box.y, width: box.width, height: box.height, title: "Keys", theme: theme, border: theme[.overlayBorder], into: &frame)
        let keysWidth = Layout.helpKeysWidth(for: frame.size)
        var y = box.y + 1
        for index in help.cursor.visibleRows {
            let row = help.rows[index]
            switch row.kind {
            case .blank: break
            case .section:
                frame.write(row.text, x: box.x + 2, y: y, style: theme[.helpSection], maxWidth: box.width - 4)
            case .binding:
                if !row.keys.isEmpty { frame.write(TextWidth.pad(row.keys, to: keysWidth), x: box.x + 3, y: y, style: theme[.helpKey]) }
                frame.write(row.text, x: box.x + 4 + keysWidth, y: y, style: theme[.overlay], maxWidth: box.width - keysWidth - 6)
            }
            y += 1
        }
        let shown = help.cursor.visibleRows
        let position = " \(shown.lowerBound + 1)–\(shown.upperBound) of \(help.rows.count) "
        frame.write(position, x: box.x + box.width - 2 - TextWidth.of(position), y: box.y + box.height - 1, style: theme[.overlayBorder])
    }
}
