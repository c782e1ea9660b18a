import EaglehurstAPI
import Foundation

/// The listings screens as frames: tables, a listing in full, the seller's panels and the admin's queue.
extension App {
    // MARK: browser

    static func drawListings(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let browser = state.browser
        if let detail = browser.detail {
            drawDetail(detail, shell: state.shell, theme: theme, body: body, into: &frame)
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
        drawFootnote(listStateLine(browser.list, empty: empty, shell: state.shell) ?? browser.list.selectedItem.flatMap { item in
            item.summary.map { ($0.replacingOccurrences(of: "\n", with: " "), .dim) }
        }, body: body, theme: theme, into: &frame)
    }

    // MARK: saved

    // MARK: a listing in full

    /// `selectedMedia` marks the media item the seller has selected, on their own listing.
    static func drawDetail(_ detail: ListingDetailState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame, width: Int? = nil, x: Int = 2, selectedMedia: Int? = nil) {
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

}

