import EaglehurstAPI

/// Everything that can happen to the app. `App.update` is the only place that reacts, and it hands
/// each feature's messages to that feature; every router switches exhaustively, so a message nobody
/// routes is a compile error.
package enum Message: Equatable, Sendable {
    case key(Key)
    case resized(Size)
    /// Turns the spinner while something is in flight.
    case tick
    /// Input ended (the terminal hung up).
    case inputClosed
    /// `$EDITOR` closed: the new text of a field, or the reason it could not run.
    case textEdited(field: String, Result<String, RequestFailure>)
    case status(StatusMessage)
    case account(AccountMessage)
    case profile(ProfileMessage)
    case browse(BrowseMessage)
    case saved(SavedMessage)
    case seller(SellerMessage)
    case admin(AdminMessage)
    /// Listing pages, listings and writes that more than one screen shows.
    case listings(ListingsMessage)
    /// Threads, notifications and the background poll.
    case conversations(ConversationsMessage)
    case subscriptions(SubscriptionsMessage)
    case services(ServicesMessage)
    case dashboard(DashboardMessage)
    case pictures(PicturesMessage)

    /// The failure this message carries, if it is the answer to a request that failed.
    var failure: RequestFailure? {
        switch self {
        case .key, .resized, .tick, .inputClosed: nil
        case .textEdited: nil
        case .status(let message): message.failure
        case .account(let message): message.failure
        case .profile(let message): message.failure
        case .browse(let message): message.failure
        case .saved(let message): message.failure
        case .seller(let message): message.failure
        case .admin(let message): message.failure
        case .listings(let message): message.failure
        case .conversations(let message): message.failure
        case .subscriptions(let message): message.failure
        case .services(let message): message.failure
        case .dashboard(let message): message.failure
        case .pictures(let message): message.failure
        }
    }
}
