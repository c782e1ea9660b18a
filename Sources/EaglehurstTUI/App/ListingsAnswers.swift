import EaglehurstAPI
import Foundation

/// What each listings answer does to the screens.
extension App {
    static func listingsAnswer(_ message: Message, state: inout AppState) -> [Effect] {
        switch message {
        case .searchSettled(let generation):
            return settleSearch(generation: generation, state: &state)
        case .listingPageLoaded(let source, let page, let generation, let result):
            let path: WritableKeyPath<AppState, PagedList<ListingSummary>>
            switch source {
            case .browse(let query) where query == state.browser.query: path = \.browser.list
            case .mine: path = \.seller.list
            case .moderation(let queue, let filter) where queue == state.admin.queue && filter == state.admin.listingFilter: path = \.admin.listings
            default: return []
            }
            if case .success(let answer) = result { stamp(answer.receivedAt, for: path, state: &state) }
            return takePage(page, generation: generation, result, into: path, state: &state)
        case .savedPageLoaded(let page, let generation, let result):
            if case .success(let answer) = result { state.saved.receivedAt = answer.receivedAt }
            return takePage(page, generation: generation, result, into: \.saved.list, state: &state)
        case .usersPageLoaded(let filter, let page, let generation, let result):
            guard filter == state.admin.userFilter else { return [] }
            return takePage(page, generation: generation, result, into: \.admin.users, state: &state)
        case .listingLoaded(let id, let result):
            takeListing(id: id, result, state: &state)
        case .saveChanged(let id, let saved, let result):
            return saveAnswer(id: id, saved: saved, result, state: &state)
        case .listingWritten(let write, let result):
            switch write {
            case .approved, .rejected: return moderationAnswer(write, result, state: &state)
            default: return sellerWriteAnswer(write, result, state: &state)
            }
        case .listingDeleted(let id, let failure):
            if let failure {
                state.message = .error("Could not delete: \(failure.summary)")
                return []
            }
            state.message = .ok("Listing deleted.")
            if case .detail(let detail) = state.seller.panel, detail.id == id { state.seller.panel = nil }
            return state.screen == .myListings ? restart(\.seller.list, state: &state) : []
        case .mediaUploaded(let id, let result):
            mediaAnswer(listingID: id, result, state: &state)
        case .mediaDeleted(let listingID, let mediaID, let failure):
            return mediaDeletedAnswer(listingID: listingID, mediaID: mediaID, failure, state: &state)
        case .analyticsLoaded(let id, let days, let result):
            analyticsAnswer(id: id, days: days, result, state: &state)
        case .userModerated(let result):
            userModeratedAnswer(result, state: &state)
        case .textEdited(let field, let result):
            switch result {
            case .success(let text):
                if let effects = conversationText(text, field: field, state: &state) { return effects }
                setLongText(text, field: field, state: &state)
            case .failure(let failure): state.message = .error("The editor did not run: \(failure.summary)")
            }
        default:
            break
        }
        return []
    }

    private static func stamp(_ date: Date, for path: WritableKeyPath<AppState, PagedList<ListingSummary>>, state: inout AppState) {
        switch path {
        case \AppState.browser.list: state.browser.receivedAt = date
        case \AppState.seller.list: state.seller.receivedAt = date
        default: state.admin.receivedAt = date
        }
    }

    /// Files a page in its list and asks for whatever else the window now needs (a first page tells
    /// the total, after which the next page may be wanted).
    private static func takePage<Item>(
        _ page: Int, generation: Int, _ result: Result<PageAnswer<Item>, RequestFailure>,
        into path: WritableKeyPath<AppState, PagedList<Item>>, state: inout AppState
    ) -> [Effect] {
        switch result {
        case .success(let answer):
            guard state[keyPath: path].receive(page: page, items: answer.items, total: answer.total, totalCapped: answer.totalCapped, isStale: answer.isStale, generation: generation) else { return [] }
            state.connection = answer.isStale ? .unreachable : .connected
            return fetchPages(path, state: &state)
        case .failure(let failure):
            guard state[keyPath: path].fail(page: page, with: failure, generation: generation) else { return [] }
            state.message = .error("Could not load the list: \(failure.summary)")
            return []
        }
    }

    private static func takeListing(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, state: inout AppState) {
        func apply(_ detail: inout ListingDetailState) {
            guard detail.id == id else { return }
            detail.isLoading = false
            switch result {
            case .success(let answer):
                detail.listing = answer.listing
                detail.title = answer.listing.title
                detail.selectedMedia = min(detail.selectedMedia, max(0, answer.listing.media.count - 1))
                detail.isStale = answer.isStale
                detail.failure = nil
                if answer.isStale { state.connection = .unreachable }
            case .failure(let failure):
                detail.failure = failure
                detail.isStale = detail.listing != nil
                state.message = .error("Could not load the listing: \(failure.summary)")
            }
        }
        if var detail = state.browser.detail { apply(&detail); state.browser.detail = detail }
        if var detail = state.saved.detail { apply(&detail); state.saved.detail = detail }
        if var detail = state.admin.detail { apply(&detail); state.admin.detail = detail }
        switch state.seller.panel {
        case .detail(var detail):
            apply(&detail)
            state.seller.panel = .detail(detail)
        case .form(var editor) where editor.listingID == id && editor.original == nil:
            switch result {
            case .success(let answer):
                let focus = editor.form.focus
                editor.form = .listing(answer.listing)
                editor.form.focus = focus
                editor.original = answer.listing
                state.seller.panel = .form(editor)
            case .failure(let failure):
                state.seller.panel = nil
                state.message = .error("Could not open the listing to edit: \(failure.summary)")
            }
        default:
            break
        }
    }

    private static func saveAnswer(id: UUID, saved: Bool, _ result: Result<Bool, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .failure(let failure):
            state.message = .error("Could not \(saved ? "save" : "unsave"): \(failure.summary)")
            return []
        case .success(let isSaved):
            state.browser.list.update(where: { $0.id == id }) { $0.isSaved = isSaved }
            for path: WritableKeyPath<AppState, ListingDetailState?> in [\.browser.detail, \.saved.detail] {
                if state[keyPath: path]?.id == id { state[keyPath: path]?.listing?.isSaved = isSaved }
            }
            let savedNote = state.screen == .saved ? "Note saved." : "Saved. Your saved listings are at :saved."
            state.message = .ok(isSaved ? savedNote : "Removed from your saved listings.")
            if state.screen == .saved {
                if !isSaved, state.saved.detail?.id == id { state.saved.detail = nil }
                return restart(\.saved.list, state: &state)
            }
            state.saved.list.reset()
            return []
        }
    }
}
