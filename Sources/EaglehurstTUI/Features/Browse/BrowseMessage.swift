/// The listings browser's own answers; its pages and listings come as `ListingsMessage`.
package enum BrowseMessage: Equatable, Sendable {
    /// Typing in the search line paused; only the pause after the latest keystroke counts.
    case searchSettled(generation: Int)

    var failure: RequestFailure? {
        switch self {
        case .searchSettled: nil
        }
    }
}

package enum BrowseEffect: Equatable, Sendable {
    /// Waits for typing to pause, then answers `searchSettled`.
    case settleSearch(generation: Int)
}
