import EaglehurstAPI
import Foundation

extension Drawing {
    /// The table's header and visible rows; `cells` gives a row's texts and style, or nil while its
    /// page is on the way (drawn as a placeholder).
    static func drawTable(
        columns: [Column], cursor: ListCursor, top: Int, theme: Theme, focused: Bool = true, into frame: inout Frame,
        cells: (Int) -> (texts: [String], style: Style?)?
    ) {
        let fixed = columns.compactMap(\.width).reduce(0, +) + columns.count - 1
        let flexible = max(6, frame.size.width - 2 - fixed)
        let widths = columns.map { $0.width ?? flexible }
        func line(_ texts: [String]) -> String {
            zip(texts, zip(widths, columns)).map { TextWidth.pad($0, to: $1.0, alignment: $1.1.alignment) }.joined(separator: " ")
        }
        frame.write(" " + line(columns.map(\.title)), x: 0, y: top, style: theme[.listHeader], maxWidth: frame.size.width)
        var y = top + 1
        for row in cursor.visibleRows {
            let selected = focused && row == cursor.selected
            if let row = cells(row) {
                let style = selected ? theme[.listSelected] : row.style ?? theme[.listRow]
                if selected { frame.fill(y: y, style: style) }
                frame.write(" " + line(row.texts), x: 0, y: y, style: style, maxWidth: frame.size.width)
            } else {
                frame.write(" …", x: 0, y: y, style: selected ? theme[.listSelected] : theme[.textDim])
            }
            y += 1
        }
    }

    /// "1–17 of 1,234" (or "of 1,000+" when the server stopped counting).
    static func position<Item>(_ list: PagedList<Item>) -> String {
        guard let total = list.total else { return "" }
        guard total > 0 else { return "none" }
        let rows = list.cursor.visibleRows
        let count = thousands(Int64(total)) + (list.totalCapped ? "+" : "")
        return "\(rows.lowerBound + 1)–\(rows.upperBound) of \(count)"
    }

    static func listStateLine<Item>(_ list: PagedList<Item>, empty: String, shell: Shell) -> (String, FootnoteKind)? {
        if list.total == nil, list.isLoading { return ("\(spinner(shell)) loading…", .busy) }
        if list.isEmpty { return (empty, .dim) }
        if list.isStale { return ("stale: the latest request failed; these rows are from before", .stale) }
        return nil
    }

    /// The title line of a table screen: what it shows on the left, the position on the right.
    static func drawTitleLine(_ left: String, right: String, y: Int, theme: Theme, into frame: inout Frame) {
        let rightWidth = TextWidth.of(right)
        frame.write(left, x: 1, y: y, style: theme[.title], maxWidth: max(0, frame.size.width - rightWidth - 3))
        frame.write(right, x: frame.size.width - rightWidth - 1, y: y, style: theme[.textDim])
    }

    static func drawFootnote(_ note: (String, FootnoteKind)?, body: Body, theme: Theme, into frame: inout Frame) {
        guard let (text, kind) = note else { return }
        let style: Style
        switch kind {
        case .busy: style = theme[.spinner]
        case .dim: style = theme[.textDim]
        case .stale: style = theme[.stale]
        case .error: style = theme[.statusError]
        }
        frame.write(text, x: 2, y: body.bottom, style: style, maxWidth: frame.size.width - 4)
    }
}

/// How the note under a table reads.
enum FootnoteKind { case busy, dim, stale, error }

/// A column of a table: its title, a fixed width or nil to take what the fixed ones leave, and alignment.
struct Column {
    var title: String
    var width: Int?
    var alignment: TextWidth.Alignment = .left
}
