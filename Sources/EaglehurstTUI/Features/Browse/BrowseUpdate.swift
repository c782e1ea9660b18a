import EaglehurstAPI
import Foundation

/// The listings browser: the table, live search, filters, sort, and a listing opened from it. Moving
/// through the table asks only for the pages it now needs.
enum Browse: Drawing {
    static func pageRequest(_ query: BrowseQuery) -> PageRequest {
        { page, perPage, generation in .listings(.loadListingPage(.browse(query), page: page, perPage: perPage, generation: generation)) }
    }

    static func restartList(_ state: inout BrowserState, _ shell: Shell) -> [Effect] {
        state.list.restart(height: Layout.tableViewportHeight(shell.size), pageRequest(state.query))
    }

    /// Shown again: the listing opened, or the rows, revalidated.
    static func reload(_ state: inout BrowserState) -> [Effect] {
        if let detail = state.detail { return [.listings(.loadListing(id: detail.id))] }
        return state.list.reloadAll(pageRequest(state.query))
    }

    static func update(_ state: inout BrowserState, _ message: BrowseMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .searchSettled(let generation): settleSearch(generation: generation, &state, shell)
        }
    }

    /// A page for the query shown now; one for an older query is nobody's.
    static func pageLoaded(_ query: BrowseQuery, page: Int, generation: Int, _ result: Result<PageAnswer<ListingSummary>, RequestFailure>, _ state: inout BrowserState, _ shell: inout Shell) -> [Effect] {
        guard query == state.query else { return [] }
        if case .success(let answer) = result { state.receivedAt = answer.receivedAt }
        return state.list.take(page: page, generation: generation, result, shell: &shell, pageRequest(state.query))
    }

    static func listingLoaded(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, _ state: inout BrowserState, _ shell: inout Shell) {
        OpenListing.take(id: id, result, into: &state.detail, shell: &shell)
    }

    /// A listing was saved or unsaved: its star in the table and in the listing opened.
    static func saveChanged(id: UUID, isSaved: Bool, _ state: inout BrowserState) {
        state.list.update(where: { $0.id == id }) { $0.isSaved = isSaved }
        if state.detail?.id == id { state.detail?.listing?.isSaved = isSaved }
    }

    /// A listing opened from a notification.
    static func open(listing id: UUID, title: String, _ state: inout BrowserState) -> [Effect] {
        state.detail = ListingDetailState(id: id, title: title)
        return [.listings(.loadListing(id: id))]
    }

    /// A keystroke in the search line: the table follows once typing pauses. Nil when the key is
    /// not one the line edits with.
    static func editSearch(_ key: Key, _ state: inout BrowserState) -> [Effect]? {
        guard var field = state.search else { return nil }
        let before = field.text
        guard field.handle(key) else { return nil }
        state.search = field
        guard field.text != before else { return [] }
        state.searchGeneration += 1
        return [.browse(.settleSearch(generation: state.searchGeneration))]
    }

    /// Sends the typed search once typing has paused (or at once, `force`), unless it is already the query.
    static func settleSearch(generation: Int, force: Bool = false, _ state: inout BrowserState, _ shell: Shell) -> [Effect] {
        guard force || generation == state.searchGeneration else { return [] }
        let text = (state.search?.text ?? state.query.text).trimmingCharacters(in: .whitespaces)
        guard text != state.query.text else { return [] }
        state.query.text = text
        return restartList(&state, shell)
    }
}
