import EaglehurstAPI
import Foundation

/// The listings browser as a frame: the search line, the table with its summary line, or the filters
/// or a listing in full over it.
extension Browse {
    static func view(_ browser: BrowserState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        if let detail = browser.detail {
            drawDetail(detail, shell: state, theme: theme, body: body, into: &frame)
            return
        }
        if let filters = browser.filters {
            frame.write("Filters", x: 2, y: body.top, style: theme[.title])
            drawForm(filters, focused: state.overlay == nil, top: body.top + 2, bottom: body.bottom, theme: theme, into: &frame)
            return
        }
        let query = browser.query
        var left: [String] = []
        if let search = browser.search {
            frame.write("/", x: 1, y: body.top, style: theme[.statusKey])
            let visible = search.visible(width: max(8, frame.size.width / 2))
            frame.fill(x: 3, y: body.top, width: max(8, frame.size.width / 2) + 1, style: theme[.inputFocused])
            frame.write(visible.text, x: 3, y: body.top, style: theme[.inputFocused])
            if state.overlay == nil { frame.cursor = (3 + visible.cursorColumn, body.top) }
        } else {
            left.append(query.text.isEmpty ? "All listings" : "“\(query.text)”")
        }
        if query.hasFilters { left.append(query.filterSummary) }
        left.append("sort: \(query.text.isEmpty && query.sort == .relevance ? "newest" : query.sort.label)")
        let leftText = left.joined(separator: " · ")
        if browser.search != nil {
            let x = 4 + max(8, frame.size.width / 2) + 1
            frame.write(leftText, x: x, y: body.top, style: theme[.textDim], maxWidth: max(0, frame.size.width - x - TextWidth.of(position(browser.list)) - 2))
            frame.write(position(browser.list), x: frame.size.width - TextWidth.of(position(browser.list)) - 1, y: body.top, style: theme[.textDim])
        } else {
            drawTitleLine(leftText, right: position(browser.list), y: body.top, theme: theme, into: &frame)
        }
        let now = browser.receivedAt ?? Date()
        let columns = [
            Column(title: "", width: 1), Column(title: "Title"), Column(title: "Type", width: 9), Column(title: "Region", width: 15),
            Column(title: "Price", width: 11, alignment: .right), Column(title: "Revenue", width: 11, alignment: .right),
            Column(title: "Age", width: 4, alignment: .right),
        ]
        drawTable(columns: columns, cursor: browser.list.cursor, top: body.top + 1, theme: theme, into: &frame) { row in
            browser.list.item(at: row).map { item in
                ([item.isSaved == true ? "★" : "", item.title, item.businessType.label, item.region, pounds(item.askingPrice),
                  money(item.annualRevenue), age(item.publishedAt ?? item.createdAt, now: now)], browser.list.isStale ? theme[.stale] : nil)
            }
        }
        let empty = query.text.isEmpty && !query.hasFilters ? "No listings yet." : "Nothing matches; x clears the search and filters."
        drawFootnote(listStateLine(browser.list, empty: empty, shell: state) ?? browser.list.selectedItem.flatMap { item in
            item.summary.map { ($0.replacingOccurrences(of: "\n", with: " "), .dim) }
        }, body: body, theme: theme, into: &frame)
    }

}

