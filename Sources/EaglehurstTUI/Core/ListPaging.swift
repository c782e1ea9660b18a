import EaglehurstAPI
import Foundation

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
        case .listings where state.browser.list.total != nil: fetchPages(\.browser.list, state: &state)
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
        case .listings:
            if let detail = state.browser.detail { return [.listings(.loadListing(id: detail.id))] }
            return reloadPages(\.browser.list, state: &state)
        case .saved: return Saved.reload(&state.saved)
        case .myListings: return Seller.reload(&state.seller)
        case .admin: return Admin.reload(&state.admin)
        default: return []
        }
    }

    static func reloadPages<Item>(_ path: WritableKeyPath<AppState, PagedList<Item>>, state: inout AppState) -> [Effect] {
        let pages = state[keyPath: path].markAllForReload()
        return pages.compactMap { pageEffect(for: path, page: $0, state: state) }
    }

    /// The page requests the list at `path` needs for its window now.
    static func fetchPages<Item>(_ path: WritableKeyPath<AppState, PagedList<Item>>, state: inout AppState) -> [Effect] {
        state[keyPath: path].pagesToFetch().compactMap { pageEffect(for: path, page: $0, state: state) }
    }

    static func pageEffect<Item>(for path: WritableKeyPath<AppState, PagedList<Item>>, page: Int, state: AppState) -> Effect? {
        let list = state[keyPath: path]
        let (size, generation) = (list.pageSize, list.generation)
        switch path {
        case \AppState.browser.list: return .listings(.loadListingPage(.browse(state.browser.query), page: page, perPage: size, generation: generation))
        default: return nil
        }
    }

    /// Starts a list over (a new query) and asks for its first page.
    static func restart<Item>(_ path: WritableKeyPath<AppState, PagedList<Item>>, state: inout AppState) -> [Effect] {
        state[keyPath: path].reset()
        state[keyPath: path].setViewportHeight(Layout.tableViewportHeight(state.size))
        return fetchPages(path, state: &state)
    }
}
