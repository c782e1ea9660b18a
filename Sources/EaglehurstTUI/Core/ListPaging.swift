import EaglehurstAPI
import Foundation

/// The list screens' tables, as the app sees them together: each feature asks for its own pages.
extension App {
    static func resizeLists(_ state: inout AppState) {
        let height = Layout.tableViewportHeight(state.size)
        state.browser.list.setViewportHeight(height)
        state.saved.list.setViewportHeight(height)
        state.seller.list.setViewportHeight(height)
        state.admin.listings.setViewportHeight(height)
        state.admin.users.setViewportHeight(height)
    }

    /// The pages the shown list now needs (a taller window wants more rows).
    static func fetchShownPages(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .listings where state.browser.list.total != nil: state.browser.list.fetch(Browse.pageRequest(state.browser.query))
        case .saved where state.saved.list.total != nil: state.saved.list.fetch(Saved.pageRequest)
        case .myListings where state.seller.list.total != nil: state.seller.list.fetch(Seller.pageRequest)
        case .admin where state.admin.tab == .queue && state.admin.listings.total != nil: state.admin.listings.fetch(Admin.queuePageRequest(state.admin))
        case .admin where state.admin.tab == .users && state.admin.users.total != nil: state.admin.users.fetch(Admin.usersPageRequest(state.admin))
        default: []
        }
    }

    /// Asks again for the current screen's rows, keeping what is shown until the answers come.
    static func reload(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .listings: Browse.reload(&state.browser)
        case .saved: Saved.reload(&state.saved)
        case .myListings: Seller.reload(&state.seller)
        case .admin: Admin.reload(&state.admin)
        case .status, .signin, .register, .verify, .forgotPassword, .resetPassword, .profile, .threads, .notifications,
             .subscriptions, .services, .dashboard: []
        }
    }
}
