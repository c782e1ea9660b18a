import EaglehurstAPI
import Foundation

extension Saved {
    static func view(_ saved: SavedScreenState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        if let detail = saved.detail {
            App.drawDetail(detail, shell: shell, theme: theme, body: body, into: &frame)
            return
        }
        App.drawTitleLine("Saved listings", right: App.position(saved.list), y: body.top, theme: theme, into: &frame)
        let now = saved.receivedAt ?? Date()
        let columns = [
            Column(title: "Title"), Column(title: "Type", width: 9), Column(title: "Price", width: 11, alignment: .right),
            Column(title: "Saved", width: 5, alignment: .right), Column(title: "Note", width: 24),
        ]
        App.drawTable(columns: columns, cursor: saved.list.cursor, top: body.top + 1, theme: theme, into: &frame) { row in
            saved.list.item(at: row).map { item in
                ([item.listing.title, item.listing.businessType.label, App.pounds(item.listing.askingPrice), App.age(item.savedAt, now: now), item.notes ?? ""],
                 saved.list.isStale ? theme[.stale] : nil)
            }
        }
        let empty = "Nothing saved yet: press s on a listing in :listings."
        App.drawFootnote(App.listStateLine(saved.list, empty: empty, shell: shell) ?? saved.list.selectedItem.map { item in
            guard let note = item.notes, !note.isEmpty else { return ("No note: n writes one.", .dim) }
            return ("Note: \(note)", .dim)
        }, body: body, theme: theme, into: &frame)
    }
}
