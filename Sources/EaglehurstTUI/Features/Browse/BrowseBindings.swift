import Foundation

/// The listings browser, its search line and filters, and a listing opened.
extension App {
    static let browseBindings: [Binding] =
        listSpecs(.listings) + [
            spec(.listings, .open, "open the listing", hint: "open"),
            spec(.listings, .search, "search as you type", hint: "search"),
            spec(.listings, .filter, "filters: type, region, price, revenue", hint: "filter"),
            spec(.listings, .sort, "next sort order", hint: "sort"),
            spec(.listings, .clearFilters, "clear the search and filters"),
            spec(.listings, .toggleSave, "save or unsave the listing", hint: "save"),
            spec(.listings, .refresh, "reload"),
            spec(.listings, .back, "back to your profile"),
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
            spec(.listingDetail, .down, "scroll down", hint: "scroll"),
            spec(.listingDetail, .up, "scroll up"),
            spec(.listingDetail, .refresh, "reload the listing"),
            spec(.listingDetail, .back, "back to the list", hint: "back"),
        ]
}
