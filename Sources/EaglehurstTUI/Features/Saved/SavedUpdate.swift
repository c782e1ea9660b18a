import EaglehurstAPI
import Foundation

/// A buyer's saved listings, each with its note, and a listing opened from them.
enum Saved: Drawing {
    static func pageRequest(_ page: Int, _ perPage: Int, _ generation: Int) -> Effect {
        .saved(.loadSavedPage(page: page, perPage: perPage, generation: generation))
    }

    /// Shown again: the rows stay and are revalidated.
    static func reload(_ state: inout SavedScreenState) -> [Effect] {
        state.list.reloadAll(pageRequest)
    }

    static func update(_ state: inout SavedScreenState, _ message: SavedMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .savedPageLoaded(let page, let generation, let result):
            if case .success(let answer) = result { state.receivedAt = answer.receivedAt }
            return state.list.take(page: page, generation: generation, result, shell: &shell, pageRequest)
        }
    }

    /// A listing's answer, for the listing opened here if it is that one.
    static func listingLoaded(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, _ state: inout SavedScreenState, _ shell: inout Shell) {
        OpenListing.take(id: id, result, into: &state.detail, shell: &shell)
    }

    /// A listing was saved or unsaved, here or in the browser: what is saved has changed.
    static func saveChanged(id: UUID, isSaved: Bool, _ state: inout SavedScreenState, _ shell: inout Shell) -> [Effect] {
        if state.detail?.id == id { state.detail?.listing?.isSaved = isSaved }
        guard shell.screen == .saved else {
            state.list.reset()
            return []
        }
        if !isSaved, state.detail?.id == id { state.detail = nil }
        return state.list.restart(height: Layout.tableViewportHeight(shell.size), pageRequest)
    }
}
