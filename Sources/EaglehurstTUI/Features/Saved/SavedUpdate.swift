import EaglehurstAPI
import Foundation

extension App {
    static func savedAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard let row = state.saved.list.selectedItem else {
            if action == .back { return goBack(&state) }
            if action == .refresh { return reload(&state) }
            return []
        }
        switch action {
        case .open:
            state.saved.detail = ListingDetailState(id: row.listingId, title: row.listing.title)
            return [.listings(.loadListing(id: row.listingId))]
        case .editNote:
            let title = (row.notes ?? "").isEmpty ? "Note on “\(row.listing.title)”" : "Change the note on “\(row.listing.title)”"
            state.overlay = .prompt(Prompt(purpose: .editNote(listingID: row.listingId), title: title, form: .note(row.notes ?? "")))
            return []
        case .toggleSave:
            return toggleSave(id: row.listingId, title: row.listing.title, isSaved: true, context: .saved, state: &state)
        case .unsave:
            return [.listings(.unsaveListing(id: row.listingId))]
        case .refresh:
            return reload(&state)
        case .back:
            return goBack(&state)
        default:
            return []
        }
    }
}

extension App {
    static func savedAnswer(_ message: SavedMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .savedPageLoaded(let page, let generation, let result):
            if case .success(let answer) = result { state.saved.receivedAt = answer.receivedAt }
            return takePage(page, generation: generation, result, into: \.saved.list, state: &state)
        }
    }
}
