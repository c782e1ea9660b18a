import EaglehurstAPI
import Foundation

/// Work that leaves the UI loop. The runner performs it in a task and answers with a message; each
/// feature's effects are its own enum, routed exhaustively.
package enum Effect: Equatable, Sendable {
    case status(StatusEffect)
    case account(AccountEffect)
    case profile(ProfileEffect)
    case browse(BrowseEffect)
    case saved(SavedEffect)
    case seller(SellerEffect)
    case admin(AdminEffect)
    case listings(ListingsEffect)
    case conversations(ConversationsEffect)
    case subscriptions(SubscriptionsEffect)
    case services(ServicesEffect)
    case dashboard(DashboardEffect)
    case pictures(PicturesEffect)
    /// Suspends the screen and opens `$EDITOR` on `text`; runs on the UI thread, which owns the terminal.
    case editExternally(field: String, text: String)
}
