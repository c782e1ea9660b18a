import EaglehurstAPI
import Foundation

/// The listings screens as frames: tables, a listing in full, the seller's panels and the admin's queue.
extension App {
    struct Column {
        var title: String
        /// Nil takes what the fixed columns leave.
        var width: Int?
        var alignment: TextWidth.Alignment = .left
    }

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

    static func thousands(_ value: Int64) -> String { String(pounds(value).drop { $0 == "£" || $0 == "-" }) }

    /// How long ago, in the fewest characters: 5m, 3h, 4d, 2w, 5mo, 2y.
    static func age(_ date: Date, now: Date) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        let minutes = Int(seconds / 60), hours = minutes / 60, days = hours / 24
        if minutes < 60 { return "\(minutes)m" }
        if hours < 24 { return "\(hours)h" }
        if days < 14 { return "\(days)d" }
        if days < 63 { return "\(days / 7)w" }
        if days < 730 { return "\(days / 30)mo" }
        return "\(days / 365)y"
    }

    static func money(_ value: Int64?) -> String { value.map(pounds) ?? "—" }

    /// The title line of a table screen: what it shows on the left, the position on the right.
    static func drawTitleLine(_ left: String, right: String, y: Int, theme: Theme, into frame: inout Frame) {
        let rightWidth = TextWidth.of(right)
        frame.write(left, x: 1, y: y, style: theme[.title], maxWidth: max(0, frame.size.width - rightWidth - 3))
        frame.write(right, x: frame.size.width - rightWidth - 1, y: y, style: theme[.textDim])
    }

    static func listStateLine<Item>(_ list: PagedList<Item>, empty: String, state: AppState) -> (String, FootnoteKind)? {
        if list.total == nil, list.isLoading { return ("\(spinner(state)) loading…", .busy) }
        if list.isEmpty { return (empty, .dim) }
        if list.isStale { return ("stale: the latest request failed; these rows are from before", .stale) }
        return nil
    }

    // MARK: browser

    static func drawListings(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let browser = state.browser
        if let detail = browser.detail {
            drawDetail(detail, state: state, theme: theme, body: body, into: &frame)
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
        drawFootnote(listStateLine(browser.list, empty: empty, state: state) ?? browser.list.selectedItem.flatMap { item in
            item.summary.map { ($0.replacingOccurrences(of: "\n", with: " "), .dim) }
        }, body: body, theme: theme, into: &frame)
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

    // MARK: saved

    static func drawSaved(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let saved = state.saved
        if let detail = saved.detail {
            drawDetail(detail, state: state, theme: theme, body: body, into: &frame)
            return
        }
        drawTitleLine("Saved listings", right: position(saved.list), y: body.top, theme: theme, into: &frame)
        let now = saved.receivedAt ?? Date()
        let columns = [
            Column(title: "Title"), Column(title: "Type", width: 9), Column(title: "Price", width: 11, alignment: .right),
            Column(title: "Saved", width: 5, alignment: .right), Column(title: "Note", width: 24),
        ]
        drawTable(columns: columns, cursor: saved.list.cursor, top: body.top + 1, theme: theme, into: &frame) { row in
            saved.list.item(at: row).map { item in
                ([item.listing.title, item.listing.businessType.label, pounds(item.listing.askingPrice), age(item.savedAt, now: now), item.notes ?? ""],
                 saved.list.isStale ? theme[.stale] : nil)
            }
        }
        let empty = "Nothing saved yet: press s on a listing in :listings."
        drawFootnote(listStateLine(saved.list, empty: empty, state: state) ?? saved.list.selectedItem.map { item in
            guard let note = item.notes, !note.isEmpty else { return ("No note: n writes one.", .dim) }
            return ("Note: \(note)", .dim)
        }, body: body, theme: theme, into: &frame)
    }

    // MARK: a listing in full

    /// `selectedMedia` marks the media item the seller has selected, on their own listing.
    static func drawDetail(_ detail: ListingDetailState, state: AppState, theme: Theme, body: Body, into frame: inout Frame, width: Int? = nil, x: Int = 2, selectedMedia: Int? = nil) {
        let width = width ?? frame.size.width - 4
        var title = detail.title
        if detail.listing?.isSaved == true { title = "★ " + title }
        let used = frame.write(title, x: x, y: body.top, style: theme[.title], maxWidth: width)
        if detail.isLoading {
            frame.write("  \(spinner(state)) loading…", x: x + used, y: body.top, style: theme[.spinner])
        } else if detail.isStale {
            frame.write("  stale", x: x + used, y: body.top, style: theme[.stale])
        }
        guard let listing = detail.listing else {
            if let failure = detail.failure { frame.write(failure.summary, x: x, y: body.top + 2, style: theme[.statusError], maxWidth: width) }
            return
        }
        let lines = detailLines(listing, width: width, theme: theme, valueStyle: detail.isStale ? theme[.stale] : theme[.text], selectedMedia: selectedMedia)
        drawLines(lines, scroll: detail.scroll, x: x, top: body.top + 1, bottom: body.bottom, width: width, theme: theme, into: &frame)
    }

    struct StyledLine {
        var label: String
        var text: String
        var style: Style
    }

    static func drawLines(_ lines: [StyledLine], scroll: Int, x: Int, top: Int, bottom: Int, width: Int, theme: Theme, into frame: inout Frame) {
        // When the lines overflow, the last row says which are shown.
        let room = lines.count > bottom - top + 1 ? bottom - top : bottom - top + 1
        let first = min(scroll, max(0, lines.count - room))
        for (index, line) in lines.dropFirst(first).prefix(room).enumerated() {
            let y = top + index
            if line.label.isEmpty {
                frame.write(line.text, x: x, y: y, style: line.style, maxWidth: width)
            } else {
                frame.write(TextWidth.pad(line.label, to: 15), x: x, y: y, style: theme[.label])
                frame.write(line.text, x: x + 16, y: y, style: line.style, maxWidth: max(0, width - 16))
            }
        }
        if lines.count > room {
            let more = " \(first + 1)–\(min(lines.count, first + room)) of \(lines.count) lines "
            frame.write(more, x: x + max(0, width - TextWidth.of(more)), y: bottom, style: theme[.textDim])
        }
    }

    static func detailLines(_ listing: ListingDetail, width: Int, theme: Theme, valueStyle: Style, selectedMedia: Int? = nil) -> [StyledLine] {
        var lines: [StyledLine] = []
        func row(_ label: String, _ value: String?, _ style: Style? = nil) {
            guard let value, !value.isEmpty else { return }
            lines.append(StyledLine(label: label, text: value, style: style ?? valueStyle))
        }
        func blank() { lines.append(StyledLine(label: "", text: "", style: valueStyle)) }
        func heading(_ text: String, _ style: Style? = nil) { lines.append(StyledLine(label: "", text: text, style: style ?? theme[.listHeader])) }
        let statusStyle: Style = switch listing.status {
        case .published: theme[.statusOK]
        case .rejected: theme[.statusError]
        case .pendingApproval: theme[.statusInfo]
        default: theme[.textDim]
        }
        lines.append(StyledLine(label: "", text: "\(listing.businessType.label) · \(listing.location), \(listing.region) · [\(listing.status.label)]", style: statusStyle))
        row("Rejected", listing.rejectionReason, theme[.statusError])
        blank()
        row("Asking price", pounds(listing.askingPrice))
        row("Revenue", listing.annualRevenue.map { "\(pounds($0)) a year" })
        row("Net profit", listing.netProfit.map { "\(pounds($0)) a year" })
        row("Staff", listing.staffCount.map(String.init))
        row("Tenure", listing.tenure?.rawValue)
        row("Established", listing.yearEstablished.map(String.init))
        row("Reason to sell", listing.reasonForSale)
        if listing.viewCount != nil || listing.saveCount != nil {
            row("Views · saves", "\(listing.viewCount ?? 0) · \(listing.saveCount ?? 0)")
        }
        blank()
        heading("Description")
        for paragraph in listing.description.components(separatedBy: "\n") {
            for line in wrap(paragraph, width: width) { lines.append(StyledLine(label: "", text: line, style: valueStyle)) }
        }
        if !listing.media.isEmpty {
            blank()
            heading("Media")
            for (index, media) in listing.media.enumerated() {
                let size = ByteCountFormatter.string(fromByteCount: media.sizeBytes, countStyle: .file)
                let note = [media.caption, media.isConfidential ? "confidential" : nil].compactMap { $0 }.joined(separator: " · ")
                let selected = index == selectedMedia
                lines.append(StyledLine(label: "", text: "\(selected ? "▸" : "•") \(media.fileName)  \(media.mediaType.rawValue), \(size)\(note.isEmpty ? "" : "  \(note)")",
                                        style: selected ? theme[.listSelected] : valueStyle))
            }
        }
        if listing.confidentialAccess, [listing.tradingName, listing.exactAddress, listing.postcode].contains(where: { $0?.isEmpty == false }) {
            blank()
            heading("Confidential")
            row("Trading name", listing.tradingName)
            row("Address", listing.exactAddress)
            row("Postcode", listing.postcode)
        }
        if let edits = listing.pendingEdits, !edits.isEmpty {
            blank()
            heading("Changes waiting for approval", theme[.statusInfo])
            for edit in edits { row(edit.fieldName, "\(edit.oldValue ?? "—") → \(edit.newValue ?? "—")") }
        }
        return lines
    }

    /// Words into lines of at most `width` columns; a word longer than a line is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TextWidth.of(candidate) <= width {
                current = candidate
            } else {
                if !current.isEmpty { lines.append(current) }
                current = TextWidth.of(word) <= width ? String(word) : TextWidth.truncate(String(word), to: width)
            }
        }
        lines.append(current)
        return lines
    }
}

/// How the note under a table reads.
enum FootnoteKind { case busy, dim, stale, error }
