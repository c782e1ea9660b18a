import EaglehurstAPI
import Foundation

/// What each listings answer does to the screens.
extension App {
    static func listingsAnswer(_ message: ListingsMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .listingPageLoaded(let source, let page, let generation, let result):
            // A page for a search or queue that has since changed is nobody's.
            let receivedAt = (try? result.get())?.receivedAt
            switch source {
            case .browse(let query):
                guard query == state.browser.query else { return [] }
                if let receivedAt { state.browser.receivedAt = receivedAt }
                return takePage(page, generation: generation, result, into: \.browser.list, state: &state)
            case .mine:
                return Seller.pageLoaded(page: page, generation: generation, result, &state.seller, &state.shell)
            case .moderation(let queue, let filter):
                return Admin.queuePageLoaded(queue, filter, page: page, generation: generation, result, &state.admin, &state.shell)
            }
        case .listingLoaded(let id, let result):
            takeListing(id: id, result, state: &state)
            Saved.listingLoaded(id: id, result, &state.saved, &state.shell)
            return []
        case .saveChanged(let id, let saved, let result):
            return saveAnswer(id: id, saved: saved, result, state: &state)
        case .listingWritten(let write, let result):
            switch write {
            case .approved, .rejected: return Admin.moderated(write, result, &state.admin, &state.shell)
            case .created, .edited, .submitted, .markedSold, .archived: return Seller.written(write, result, &state.seller, &state.shell)
            }
        }
    }

    /// Files a page in its list and asks for whatever else the window now needs (a first page tells
    /// the total, after which the next page may be wanted).
    static func takePage<Item>(
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

    /// A listing's answer goes to every screen that has it open.
    private static func takeListing(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, state: inout AppState) {
        OpenListing.take(id: id, result, into: &state.browser.detail, shell: &state.shell)
        OpenListing.take(id: id, result, into: &state.admin.detail, shell: &state.shell)
        Seller.listingLoaded(id: id, result, &state.seller, &state.shell)
    }

    private static func saveAnswer(id: UUID, saved: Bool, _ result: Result<Bool, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .failure(let failure):
            state.message = .error("Could not \(saved ? "save" : "unsave"): \(failure.summary)")
            return []
        case .success(let isSaved):
            state.browser.list.update(where: { $0.id == id }) { $0.isSaved = isSaved }
            if state.browser.detail?.id == id { state.browser.detail?.listing?.isSaved = isSaved }
            let savedNote = state.screen == .saved ? "Note saved." : "Saved. Your saved listings are at :saved."
            state.message = .ok(isSaved ? savedNote : "Removed from your saved listings.")
            return Saved.saveChanged(id: id, isSaved: isSaved, &state.saved, &state.shell)
        }
    }
}
