import EaglehurstAPI
import Foundation

/// The listings screens: the browser, saved listings, the seller's listings and forms, and the admin's
/// moderation queue and users. Moving through a table asks only for the pages it now needs.
extension App {
    // MARK: showing a screen

    /// Opens a listings screen, or says who it is for. A list already loaded stays, and is revalidated.
    static func showListingScreen(_ screen: ScreenID, state: inout AppState) -> [Effect] {
        let role = state.account?.userType
        switch screen {
        case .saved where role != .buyer, .myListings where role != .seller, .admin where role != .admin:
            let who = screen == .saved ? "buyers" : screen == .myListings ? "sellers" : "admins"
            state.message = .info(state.account == nil ? "Sign in to see \(screen.title.lowercased())." : "\(screen.title) is for \(who).")
            if state.account == nil { state.screen = .signin }
            return []
        default:
            break
        }
        state.screen = screen
        resizeLists(&state)
        return reload(&state)
    }

    // MARK: keys

    static func listingsAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        switch action {
        case .down, .up, .pageDown, .pageUp, .top, .bottom:
            return move(action, in: context, state: &state)
        case .goListings: return show(.listings, state: &state)
        case .goSaved: return show(.saved, state: &state)
        case .goMyListings: return show(.myListings, state: &state)
        case .goAdmin: return show(.admin, state: &state)
        default:
            break
        }
        switch context {
        case .listings, .listingsSearch, .listingsFilter: return browserAction(action, in: context, state: &state)
        case .listingDetail: return detailAction(action, state: &state)
        case .prompt: return promptAction(action, state: &state)
        case .textEditor: return textEditorAction(action, state: &state)
        default: return []
        }
    }

    private static func move(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        func step(_ cursor: inout ListCursor) { _ = cursor.move(action) }
        switch context {
        case .listings, .listingsSearch:
            step(&state.browser.list.cursor)
            return fetchPages(\.browser.list, state: &state)
        case .listingDetail:
            scrollDetail(by: action == .down ? 1 : action == .up ? -1 : 0, state: &state)
            return []
        default:
            return []
        }
    }

    private static func scrollDetail(by rows: Int, state: inout AppState) {
        func scroll(_ detail: inout ListingDetailState?) {
            guard var open = detail else { return }
            open.scroll = max(0, open.scroll + rows)
            detail = open
        }
        switch state.screen {
        case .listings: scroll(&state.browser.detail)
        default: break
        }
    }

    // MARK: browser

    private static func browserAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        switch (context, action) {
        case (.listings, .open):
            guard let row = state.browser.list.selectedItem else { return [] }
            state.browser.detail = ListingDetailState(id: row.id, title: row.title)
            return [.listings(.loadListing(id: row.id))]
        case (.listings, .search):
            state.browser.search = TextField(state.browser.query.text)
        case (.listingsSearch, .run):
            state.browser.search = nil
            return settleSearch(generation: state.browser.searchGeneration, force: true, state: &state)
        case (.listingsSearch, .cancel):
            state.browser.search = nil
            guard !state.browser.query.text.isEmpty else { return [] }
            state.browser.query.text = ""
            return restart(\.browser.list, state: &state)
        case (.listings, .filter):
            state.browser.filters = .listingFilters(state.browser.query)
        case (.listingsFilter, .submit):
            guard var form = state.browser.filters else { return [] }
            guard form.validateForSubmit() else {
                state.browser.filters = form
                state.message = .error("Please fix the marked fields.")
                return []
            }
            state.browser.filters = nil
            state.browser.query = state.browser.query.applying(form)
            state.message = nil
            return restart(\.browser.list, state: &state)
        case (.listingsFilter, .cancel):
            state.browser.filters = nil
        case (.listings, .sort):
            state.browser.query.sort = state.browser.query.sort.next
            return restart(\.browser.list, state: &state)
        case (.listings, .clearFilters):
            let sort = state.browser.query.sort
            state.browser.query = BrowseQuery()
            state.browser.query.sort = sort
            return restart(\.browser.list, state: &state)
        case (.listings, .toggleSave):
            guard let row = state.browser.list.selectedItem else { return [] }
            return toggleSave(id: row.id, title: row.title, isSaved: row.isSaved == true, context: .listings, state: &state)
        case (.listings, .unsave):
            guard let row = state.browser.list.selectedItem else { return [] }
            return [.listings(.unsaveListing(id: row.id))]
        case (.listings, .refresh):
            return reload(&state)
        case (.listings, .back):
            return goBack(&state)
        default:
            break
        }
        return []
    }

    /// A keystroke in the search line: the table follows once typing pauses. Nil when the key is
    /// not one the line edits with.
    static func editSearch(_ key: Key, state: inout AppState) -> [Effect]? {
        guard state.context == .listingsSearch, var field = state.browser.search else { return nil }
        let before = field.text
        guard field.handle(key) else { return nil }
        state.browser.search = field
        guard field.text != before else { return [] }
        state.browser.searchGeneration += 1
        return [.browse(.settleSearch(generation: state.browser.searchGeneration))]
    }

    /// Sends the typed search once typing has paused (or at once, `force`), unless it is already the query.
    static func settleSearch(generation: Int, force: Bool = false, state: inout AppState) -> [Effect] {
        guard force || generation == state.browser.searchGeneration else { return [] }
        let text = (state.browser.search?.text ?? state.browser.query.text).trimmingCharacters(in: .whitespaces)
        guard text != state.browser.query.text else { return [] }
        state.browser.query.text = text
        return restart(\.browser.list, state: &state)
    }

    /// Saving asks for an optional note; unsaving asks to confirm, since the note goes with it.
    static func toggleSave(id: UUID, title: String, isSaved: Bool, context: Context, state: inout AppState) -> [Effect] {
        guard state.account?.userType == .buyer else {
            state.message = .info(state.account == nil ? "Sign in as a buyer to save listings." : "Only buyers save listings.")
            return []
        }
        if isSaved {
            state.overlay = .confirm(ConfirmDialog(question: "Remove “\(title)” from your saved listings?", action: .unsave, context: context))
        } else {
            state.overlay = .prompt(Prompt(purpose: .saveNote(listingID: id), title: "Save “\(title)”", form: .note()))
        }
        return []
    }

    // MARK: a listing opened

    private static func detailAction(_ action: Action, state: inout AppState) -> [Effect] {
        switch action {
        case .back:
            switch state.screen {
            case .listings: state.browser.detail = nil
            default: break
            }
            state.message = nil
        case .refresh:
            guard let id = openDetail(state)?.id else { return [] }
            return [.listings(.loadListing(id: id))]
        case .toggleSave:
            guard let detail = openDetail(state) else { return [] }
            return toggleSave(id: detail.id, title: detail.title, isSaved: detail.listing?.isSaved == true, context: .listingDetail, state: &state)
        case .unsave:
            guard let detail = openDetail(state) else { return [] }
            return [.listings(.unsaveListing(id: detail.id))]
        case .requestConnection:
            guard let detail = openDetail(state) else { return [] }
            return requestConnection(listingID: detail.id, title: detail.title, state: &state)
        default:
            break
        }
        return []
    }

    static func openDetail(_ state: AppState) -> ListingDetailState? {
        switch state.screen {
        case .listings: return state.browser.detail
        default: return nil
        }
    }

    // MARK: saved

    // MARK: prompt and text editor

}

extension App {
    static func browseAnswer(_ message: BrowseMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .searchSettled(let generation): settleSearch(generation: generation, state: &state)
        }
    }
}
