import Foundation

/// The listings browser, its search line and filters, and a listing opened.
extension Browse {
    static let bindings: [Binding] =
        listSpecs(.listings) + [
            spec(.listings, .open, "open the listing", hint: "open"),
            spec(.listings, .search, "search as you type", hint: "search"),
            spec(.listings, .filter, "filters: type, region, price, revenue", hint: "filter"),
            spec(.listings, .sort, "next sort order", hint: "sort"),
            spec(.listings, .clearFilters, "clear the search and filters"),
            spec(.listings, .toggleSave, "save or unsave the listing", hint: "save"),
            spec(.listings, .refresh, "reload"),
            spec(.listings, .back, "back to your profile (signed out: the server status, to sign in)"),
            spec(.listingsSearch, .run, "keep this search and go to the table", hint: "done"),
            spec(.listingsSearch, .cancel, "clear the search", hint: "clear"),
            spec(.listingsSearch, .down, "next row"),
            spec(.listingsSearch, .up, "previous row"),
            spec(.listingsFilter, .nextField, "next field", hint: "next field"),
            spec(.listingsFilter, .previousField, "previous field"),
            spec(.listingsFilter, .submit, "apply the filters", hint: "apply"),
            spec(.listingsFilter, .cancel, "close without applying", hint: "cancel"),
            spec(.listingDetail, .toggleSave, "save or unsave (buyers)", hint: "save"),
            spec(.listingDetail, .requestConnection, "ask the seller to connect, with a first message (buyers)", hint: "connect"),
            spec(.listingDetail, .askService, "ask for a valuation or legal help about this listing (once connected)", hint: "valuation/legal"),
            spec(.listingDetail, .down, "scroll down", hint: "scroll"),
            spec(.listingDetail, .up, "scroll up"),
            spec(.listingDetail, .refresh, "reload the listing"),
            spec(.listingDetail, .back, "back to the list", hint: "back"),
        ]

    static func perform(_ action: Action, in context: Context, _ state: inout BrowserState, _ shell: inout Shell) -> [Effect] {
        if context == .listingDetail { return OpenListing.perform(action, &state.detail, &shell) }
        switch (context, action) {
        case (_, .down), (_, .up), (_, .pageDown), (_, .pageUp), (_, .top), (_, .bottom):
            guard context == .listings || context == .listingsSearch else { return [] }
            return state.list.move(action, pageRequest(state.query))
        case (.listings, .open):
            guard let row = state.list.selectedItem else { return [] }
            state.detail = ListingDetailState(id: row.id, title: row.title)
            return [.listings(.loadListing(id: row.id))]
        case (.listings, .search):
            state.search = TextField(state.query.text)
        case (.listingsSearch, .run):
            state.search = nil
            return settleSearch(generation: state.searchGeneration, force: true, &state, shell)
        case (.listingsSearch, .cancel):
            state.search = nil
            guard !state.query.text.isEmpty else { return [] }
            state.query.text = ""
            return restartList(&state, shell)
        case (.listings, .filter):
            state.filters = .listingFilters(state.query)
        case (.listingsFilter, .submit):
            guard var form = state.filters else { return [] }
            guard form.validateForSubmit() else {
                state.filters = form
                shell.message = .error("Please fix the marked fields.")
                return []
            }
            state.filters = nil
            state.query = state.query.applying(form)
            shell.message = nil
            return restartList(&state, shell)
        case (.listingsFilter, .cancel):
            state.filters = nil
        case (.listings, .sort):
            state.query.sort = state.query.sort.next
            return restartList(&state, shell)
        case (.listings, .clearFilters):
            let sort = state.query.sort
            state.query = BrowseQuery()
            state.query.sort = sort
            return restartList(&state, shell)
        case (.listings, .toggleSave):
            guard let row = state.list.selectedItem else { return [] }
            return OpenListing.toggleSave(id: row.id, title: row.title, isSaved: row.isSaved == true, context: .listings, shell: &shell)
        case (.listings, .unsave):
            guard let row = state.list.selectedItem else { return [] }
            return [.listings(.unsaveListing(id: row.id))]
        case (.listings, .refresh):
            return reload(&state)
        case (.listings, .back):
            shell.go(.back)
            return []
        default:
            break
        }
        return []
    }
}
