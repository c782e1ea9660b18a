import EaglehurstAPI
import Foundation

extension Seller {
    // MARK: seller

    static func view(_ seller: SellerScreenState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        switch seller.panel {
        case .detail(let detail):
            drawSellerDetail(detail, state: state, theme: theme, body: body, into: &frame)
            return
        case .form(let editor):
            let title = editor.listingID == nil ? "New listing (submitted for approval when saved)" : "Edit “\(editor.original?.title ?? "…")”"
            frame.write(title, x: 2, y: body.top, style: theme[.title], maxWidth: frame.size.width - 4)
            let y = drawForm(editor.form, focused: state.overlay == nil, top: body.top + 1, bottom: body.bottom - 1, theme: theme, into: &frame)
            if editor.form.isSubmitting {
                frame.write("\(spinner(state)) \(editor.original == nil && editor.listingID != nil ? "Loading…" : "Saving…")", x: 2, y: min(y, body.bottom), style: theme[.spinner])
            }
            return
        case .media(_, let title, let form):
            frame.write("Attach a file to “\(title)”", x: 2, y: body.top, style: theme[.title], maxWidth: frame.size.width - 4)
            let y = drawForm(form, focused: state.overlay == nil, top: body.top + 2, bottom: body.bottom, theme: theme, into: &frame)
            if form.isSubmitting { frame.write("\(spinner(state)) Uploading…", x: 2, y: y, style: theme[.spinner]) }
            return
        case .analytics(let analytics):
            drawAnalytics(analytics, state: state, theme: theme, body: body, into: &frame)
            return
        case nil:
            break
        }
        drawTitleLine("My listings", right: position(seller.list), y: body.top, theme: theme, into: &frame)
        let now = seller.receivedAt ?? Date()
        let columns = [
            Column(title: "Status", width: 12), Column(title: "Title"), Column(title: "Price", width: 11, alignment: .right),
            Column(title: "Views", width: 6, alignment: .right), Column(title: "Updated", width: 7, alignment: .right),
        ]
        drawTable(columns: columns, cursor: seller.list.cursor, top: body.top + 1, theme: theme, into: &frame) { row in
            seller.list.item(at: row).map { item in
                let badge = "[\(item.status.label)]" + (item.hasPendingEdits == true ? "✎" : "")
                return ([badge, item.title, pounds(item.askingPrice), "\(item.viewCount ?? 0)", age(item.updatedAt, now: now)],
                        seller.list.isStale ? theme[.stale] : statusStyle(item.status, theme: theme))
            }
        }
        let note: (String, FootnoteKind)? = seller.list.selectedItem.flatMap { item in
            if let reason = item.rejectionReason, item.status == .rejected { return ("Rejected: \(reason) — e edits, p submits again", .error) }
            if item.hasPendingEdits == true { return ("✎ changes wait for an admin; buyers see the approved version", .dim) }
            if item.status == .draft { return ("A draft: p submits it for approval", .dim) }
            return nil
        }
        drawFootnote(listStateLine(seller.list, empty: "No listings yet: n creates one.", shell: state) ?? note, body: body, theme: theme, into: &frame)
    }

    /// The seller's own listing, with the media item `d` would delete named on the last line.
    static func drawSellerDetail(_ detail: ListingDetailState, state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let media = detail.listing?.media ?? []
        let selected = media.indices.contains(detail.selectedMedia) ? detail.selectedMedia : nil
        drawDetail(detail, shell: state, theme: theme, body: (body.top, body.bottom - 1), into: &frame, selectedMedia: selected)
        guard let selected else { return }
        let note = "Media \(selected + 1) of \(media.count): \(media[selected].fileName) — tab selects another, d deletes it"
        drawFootnote((note, .dim), body: body, theme: theme, into: &frame)
    }

    static func statusStyle(_ status: Components.Schemas.ListingStatus, theme: Theme) -> Style? {
        switch status {
        case .published: nil
        case .rejected: theme[.statusError]
        case .pendingApproval: theme[.statusInfo]
        default: theme[.textDim]
        }
    }

    static func drawAnalytics(_ analytics: AnalyticsState, state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let used = frame.write("Analytics: \(analytics.title) · last \(analytics.days) days", x: 2, y: body.top, style: theme[.title], maxWidth: frame.size.width - 4)
        if analytics.isLoading { frame.write("  \(spinner(state)) loading…", x: 2 + used, y: body.top, style: theme[.spinner]) }
        guard let data = analytics.analytics else {
            if let failure = analytics.failure { frame.write(failure.summary, x: 2, y: body.top + 2, style: theme[.statusError], maxWidth: frame.size.width - 4) }
            return
        }
        let style = analytics.failure == nil ? theme[.text] : theme[.stale]
        var y = body.top + 2
        func row(_ label: String, _ value: String) {
            frame.write(TextWidth.pad(label, to: 20), x: 2, y: y, style: theme[.label])
            frame.write(value, x: 22, y: y, style: style, maxWidth: frame.size.width - 24)
            y += 1
        }
        let days = data.viewsByDay
        row("Views", "\(data.totalViews) (\(data.uniqueViewers) different viewers)")
        row("Saved by", "\(data.saves) buyers")
        row("Connection requests", "\(data.connectionRequests) (\(data.acceptedConnections) accepted)")
        y += 1
        frame.write("Views per day, last \(days.count) days", x: 2, y: y, style: theme[.listHeader])
        y += 1
        let width = frame.size.width - 4
        frame.write(Sparkline.render(days.map(\.count), width: width), x: 2, y: y, style: theme[.statusOK])
        y += 1
        if let first = days.suffix(width).first, let last = days.last {
            frame.write("\(first.date.description.prefix(10)) → \(last.date.description.prefix(10))", x: 2, y: y, style: theme[.textDim])
            y += 1
        }
        frame.write("most in a day: \(days.map(\.count).max() ?? 0)", x: 2, y: y, style: theme[.textDim])
    }
}
