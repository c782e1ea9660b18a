import EaglehurstAPI
import Foundation

/// Answers about listings that more than one screen shows: each goes to the feature whose request
/// it answers (by its source or its write), or to every feature that has the listing open.
extension App {
    static func listingsAnswer(_ message: ListingsMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .listingPageLoaded(let source, let page, let generation, let result):
            // A page for a search or queue that has since changed is nobody's.
            switch source {
            case .browse(let query):
                return Browse.pageLoaded(query, page: page, generation: generation, result, &state.browser, &state.shell)
            case .mine:
                return Seller.pageLoaded(page: page, generation: generation, result, &state.seller, &state.shell)
            case .moderation(let queue, let filter):
                return Admin.queuePageLoaded(queue, filter, page: page, generation: generation, result, &state.admin, &state.shell)
            }
        case .listingLoaded(let id, let result):
            Browse.listingLoaded(id: id, result, &state.browser, &state.shell)
            Saved.listingLoaded(id: id, result, &state.saved, &state.shell)
            Admin.listingLoaded(id: id, result, &state.admin, &state.shell)
            Seller.listingLoaded(id: id, result, &state.seller, &state.shell)
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

    private static func saveAnswer(id: UUID, saved: Bool, _ result: Result<Bool, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .failure(let failure):
            state.message = .error("Could not \(saved ? "save" : "unsave"): \(failure.summary)")
            return []
        case .success(let isSaved):
            Browse.saveChanged(id: id, isSaved: isSaved, &state.browser)
            let savedNote = state.screen == .saved ? "Note saved." : "Saved. Your saved listings are at :saved."
            state.message = .ok(isSaved ? savedNote : "Removed from your saved listings.")
            return Saved.saveChanged(id: id, isSaved: isSaved, &state.saved, &state.shell)
        }
    }
}
