import EaglehurstAPI
import Foundation

extension Admin {
    static func view(_ admin: AdminScreenState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        if admin.tab == .users {
            drawUsers(admin, shell: state, theme: theme, body: body, into: &frame)
            return
        }
        if let detail = admin.detail {
            drawModeration(detail, shell: state, theme: theme, body: body, into: &frame)
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
        drawFootnote(listStateLine(admin.listings, empty: empty, shell: state), body: body, theme: theme, into: &frame)
    }

    /// The listing on the left; on the right what approving changes: each edited field old → new, or
    /// for a new listing, that all of it goes live.
    static func drawModeration(_ detail: ListingDetailState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let half = (frame.size.width - 5) / 2
        drawDetail(detail, shell: state, theme: theme, body: body, into: &frame, width: half, x: 2)
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

    static func drawUsers(_ admin: AdminScreenState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
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
        drawFootnote(listStateLine(admin.users, empty: "No users match.", shell: state) ?? note, body: body, theme: theme, into: &frame)
    }
}
