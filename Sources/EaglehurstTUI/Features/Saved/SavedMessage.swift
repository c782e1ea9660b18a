import EaglehurstAPI

package enum SavedMessage: Equatable, Sendable {
    case savedPageLoaded(page: Int, generation: Int, Result<PageAnswer<SavedListing>, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .savedPageLoaded(_, _, let result): result.failure
        }
    }
}

package enum SavedEffect: Equatable, Sendable {
    case loadSavedPage(page: Int, perPage: Int, generation: Int)
}
