import Foundation

/// A buyer's saved listings: the keys, beside what they do.
extension Saved {
    static let bindings: [Binding] = listSpecs(.saved) + [
        spec(.saved, .open, "open the listing", hint: "open"),
        spec(.saved, .editNote, "write or change your note on the listing", hint: "note"),
        spec(.saved, .toggleSave, "remove from your saved listings (the note goes too)", hint: "unsave"),
        spec(.saved, .refresh, "reload"),
        spec(.saved, .back, "back to your profile"),
    ]

    static func perform(_ action: Action, in context: Context, _ state: inout SavedScreenState, _ shell: inout Shell) -> [Effect] {
        if context == .listingDetail { return OpenListing.perform(action, &state.detail, &shell) }
        switch action {
        case .down, .up, .pageDown, .pageUp, .top, .bottom:
            return state.list.move(action, pageRequest)
        case .refresh:
            return reload(&state)
        case .back:
            shell.go(.back)
            return []
        default:
            break
        }
        guard let row = state.list.selectedItem else { return [] }
        switch action {
        case .open:
            state.detail = ListingDetailState(id: row.listingId, title: row.listing.title)
            return [.listings(.loadListing(id: row.listingId))]
        case .editNote:
            let title = (row.notes ?? "").isEmpty ? "Note on “\(row.listing.title)”" : "Change the note on “\(row.listing.title)”"
            shell.overlay = .prompt(Prompt(purpose: .editNote(listingID: row.listingId), title: title, form: .note(row.notes ?? "")))
            return []
        case .toggleSave:
            return OpenListing.toggleSave(id: row.listingId, title: row.listing.title, isSaved: true, context: .saved, shell: &shell)
        case .unsave:
            return [.listings(.unsaveListing(id: row.listingId))]
        default:
            return []
        }
    }
}
