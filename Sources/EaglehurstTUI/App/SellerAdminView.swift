import EaglehurstAPI
import Foundation

extension App {
    // MARK: seller

    static func drawMyListings(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let seller = state.seller
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
        drawFootnote(listStateLine(seller.list, empty: "No listings yet: n creates one.", state: state) ?? note, body: body, theme: theme, into: &frame)
    }

    /// The seller's own listing, with the media item `d` would delete named on the last line.
    static func drawSellerDetail(_ detail: ListingDetailState, state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let media = detail.listing?.media ?? []
        let selected = media.indices.contains(detail.selectedMedia) ? detail.selectedMedia : nil
        drawDetail(detail, state: state, theme: theme, body: (body.top, body.bottom - 1), into: &frame, selectedMedia: selected)
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

    static func drawAnalytics(_ analytics: AnalyticsState, state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
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

    // MARK: admin

    static func drawAdmin(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let admin = state.admin
        if admin.tab == .users {
            drawUsers(state, theme: theme, body: body, into: &frame)
            return
        }
        if let detail = admin.detail {
            drawModeration(detail, state: state, theme: theme, body: body, into: &frame)
            return
        }
        if let form = admin.listingFilterForm {
            frame.write("Filter the queue", x: 2, y: body.top, style: theme[.title])
            drawForm(form, focused: state.overlay == nil, top: body.top + 2, bottom: body.bottom, theme: theme, into: &frame)
            return
        }
        let other = admin.queue == .newListings ? ModerationQueue.edits : .newListings
        let filter = admin.listingFilter.isEmpty ? "" : " · \(admin.listingFilter.summary)"
        drawTitleLine("Waiting for approval: \(admin.queue.rawValue)\(filter)   (tab: \(other.rawValue))", right: position(admin.listings), y: body.top, theme: theme, into: &frame)
        let now = admin.receivedAt ?? Date()
        let columns = [
            Column(title: "Title"), Column(title: "Type", width: 9), Column(title: "Region", width: 15),
            Column(title: "Price", width: 11, alignment: .right), Column(title: "Waiting", width: 7, alignment: .right),
        ]
        drawTable(columns: columns, cursor: admin.listings.cursor, top: body.top + 1, theme: theme, into: &frame) { row in
            admin.listings.item(at: row).map { item in
                ([item.title, item.businessType.label, item.region, pounds(item.askingPrice), age(item.updatedAt, now: now)],
                 admin.listings.isStale ? theme[.stale] : nil)
            }
        }
        let empty = !admin.listingFilter.isEmpty ? "Nothing waiting matches the filter; f changes it."
            : admin.queue == .newListings ? "No new listings wait for approval." : "No edits wait for approval."
        drawFootnote(listStateLine(admin.listings, empty: empty, state: state), body: body, theme: theme, into: &frame)
    }

    /// The listing on the left; on the right what approving changes: each edited field old → new, or
    /// for a new listing, that all of it goes live.
    static func drawModeration(_ detail: ListingDetailState, state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let half = (frame.size.width - 5) / 2
        drawDetail(detail, state: state, theme: theme, body: body, into: &frame, width: half, x: 2)
        let x = 3 + half + 1
        for y in body.top...body.bottom { frame.write("│", x: x - 2, y: y, style: theme[.border]) }
        guard let listing = detail.listing else { return }
        frame.write("What approving does", x: x, y: body.top, style: theme[.listHeader], maxWidth: half)
        var y = body.top + 2
        let edits = listing.pendingEdits ?? []
        if edits.isEmpty {
            let text = listing.status == .pendingApproval ? "A new listing: approving publishes all of it. Rejecting returns it to the seller with your reason."
                : "Nothing waits: this listing is \(listing.status.label)."
            for line in wrap(text, width: half) where y <= body.bottom {
                frame.write(line, x: x, y: y, style: theme[.text])
                y += 1
            }
            return
        }
        for edit in edits where y + 2 <= body.bottom {
            frame.write(edit.fieldName, x: x, y: y, style: theme[.label], maxWidth: half)
            frame.write("- " + flat(edit.oldValue ?? "(empty)"), x: x + 1, y: y + 1, style: theme[.statusError], maxWidth: half - 1)
            frame.write("+ " + flat(edit.newValue ?? "(empty)"), x: x + 1, y: y + 2, style: theme[.statusOK], maxWidth: half - 1)
            y += 3
        }
    }

    static func flat(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: " ⏎ ") }

    static func drawUsers(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        let admin = state.admin
        if let form = admin.userFilterForm {
            frame.write("Filter users", x: 2, y: body.top, style: theme[.title])
            drawForm(form, focused: state.overlay == nil, top: body.top + 2, bottom: body.bottom, theme: theme, into: &frame)
            return
        }
        let filter = admin.userFilter.summary
        drawTitleLine("Users" + (filter.isEmpty ? "" : ": \(filter)"), right: position(admin.users), y: body.top, theme: theme, into: &frame)
        let columns = [
            Column(title: "Email"), Column(title: "Name", width: 18), Column(title: "Type", width: 6),
            Column(title: "Status", width: 9), Column(title: "Identity", width: 10),
        ]
        drawTable(columns: columns, cursor: admin.users.cursor, top: body.top + 1, theme: theme, into: &frame) { row in
            admin.users.item(at: row).map { user in
                ([user.email, user.displayName, user.userType.rawValue, user.status.rawValue, user.verificationStatus.rawValue],
                 admin.users.isStale ? theme[.stale] : user.status == .suspended ? theme[.statusError] : nil)
            }
        }
        let note: (String, FootnoteKind)? = admin.users.selectedItem.flatMap { user in
            user.suspensionReason.map { ("Suspended: \($0)", .error) }
        }
        drawFootnote(listStateLine(admin.users, empty: "No users match.", state: state) ?? note, body: body, theme: theme, into: &frame)
    }

    // MARK: overlays

    static func drawPrompt(_ prompt: Prompt, theme: Theme, into frame: inout Frame) {
        let width = min(64, frame.size.width - 4)
        let height = 6
        let x = (frame.size.width - width) / 2
        let y = max(1, (frame.size.height - height) / 2)
        drawBox(x: x, y: y, width: width, height: height, title: prompt.title, theme: theme, border: theme[.overlayBorder], into: &frame)
        let field = prompt.form.fields[0]
        let inputX = x + 2
        let inputWidth = width - 4
        frame.fill(x: inputX, y: y + 2, width: inputWidth, style: theme[.inputFocused])
        let visible = field.input.visible(width: inputWidth - 1)
        frame.write(visible.text, x: inputX, y: y + 2, style: theme[.inputFocused])
        frame.cursor = (inputX + visible.cursorColumn, y + 2)
        let below = prompt.form.problem(at: 0).map { ($0, theme[.inputError]) } ?? (field.hint.map { ($0, theme[.textDim]) } ?? ("", theme[.overlay]))
        frame.write(below.0, x: inputX, y: y + 3, style: below.1, maxWidth: inputWidth)
    }

    static func drawTextEditor(_ editor: TextEditorOverlay, theme: Theme, into frame: inout Frame) {
        let width = max(20, frame.size.width - 4)
        let height = Layout.textEditorHeight(frame.size) + 2
        let x = 2, y = 1
        drawBox(x: x, y: y, width: width, height: height, title: editor.label, theme: theme, border: theme[.overlayBorder], into: &frame)
        let area = editor.area
        let inner = width - 4
        for (index, line) in area.lines.dropFirst(area.offset).prefix(height - 2).enumerated() {
            let row = area.offset + index
            // Long lines scroll sideways on the cursor's line, and show their start elsewhere.
            var field = TextField(line)
            if row == area.row {
                for _ in 0..<(line.count - area.column) { _ = field.handle(.left) }
                let visible = field.visible(width: inner)
                frame.write(visible.text, x: x + 2, y: y + 1 + index, style: theme[.overlay])
                frame.cursor = (x + 2 + visible.cursorColumn, y + 1 + index)
            } else {
                frame.write(line, x: x + 2, y: y + 1 + index, style: theme[.overlay], maxWidth: inner)
            }
        }
        let info = " line \(area.row + 1) of \(area.lines.count) "
        frame.write(info, x: x + width - 2 - TextWidth.of(info), y: y + height - 1, style: theme[.overlayBorder])
    }

    /// The data on the current screen is the last the server gave; the latest request failed.
    static func isShowingStale(_ state: AppState) -> Bool {
        switch state.screen {
        case .listings: state.browser.detail?.isStale ?? state.browser.list.isStale
        case .saved: state.saved.detail?.isStale ?? state.saved.list.isStale
        case .myListings:
            if case .detail(let detail) = state.seller.panel { detail.isStale } else { state.seller.list.isStale }
        case .admin: state.admin.tab == .users ? state.admin.users.isStale : (state.admin.detail?.isStale ?? state.admin.listings.isStale)
        case .profile: state.profile.isStale
        case .status: state.status.isStale
        default: false
        }
    }
}
