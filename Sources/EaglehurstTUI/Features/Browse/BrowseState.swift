import EaglehurstAPI
import Foundation

package typealias ListingSummary = Components.Schemas.ListingSummary
package typealias ListingDetail = Components.Schemas.Listing
package typealias SavedListing = Components.Schemas.SavedListing
package typealias BusinessType = Components.Schemas.BusinessType
package typealias ListingSort = Components.Schemas.ListingSort

/// What the browser asks `GET /listings` for: the search text, the filters and the order.
package struct BrowseQuery: Equatable, Sendable {
    package var text = ""
    package var businessTypes: [BusinessType] = []
    package var region = ""
    package var minPrice: Int64?
    package var maxPrice: Int64?
    package var minRevenue: Int64?
    package var maxRevenue: Int64?
    package var sort: ListingSort = .relevance

    package init() {}

    package var hasFilters: Bool {
        !businessTypes.isEmpty || !region.isEmpty || minPrice != nil || maxPrice != nil || minRevenue != nil || maxRevenue != nil
    }

    /// The filters in a line, for the header over the table.
    package var filterSummary: String {
        var parts: [String] = []
        if !businessTypes.isEmpty { parts.append(businessTypes.map(\.label).joined(separator: "/")) }
        if !region.isEmpty { parts.append(region) }
        if minPrice != nil || maxPrice != nil { parts.append("price " + App.priceRange(minPrice, maxPrice)) }
        if minRevenue != nil || maxRevenue != nil { parts.append("revenue " + App.priceRange(minRevenue, maxRevenue)) }
        return parts.joined(separator: " · ")
    }
}

extension BusinessType {
    /// A short name that fits a table column.
    package var label: String {
        switch self {
        case .pharmacy: "Pharmacy"
        case .dentalPractice: "Dental"
        case .gpPractice: "GP"
        case .optician: "Optician"
        case .clinic: "Clinic"
        case .careHome: "Care home"
        case .veterinaryPractice: "Vet"
        case .other: "Other"
        }
    }
}

extension ListingSort {
    package var label: String {
        switch self {
        case .relevance: "relevance"
        case .newest: "newest"
        case .priceAsc: "price ↑"
        case .priceDesc: "price ↓"
        }
    }

    var next: ListingSort {
        let all = ListingSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// Which server list a page belongs to.
package enum ListingSource: Equatable, Sendable {
    case browse(BrowseQuery)
    case mine
    case moderation(ModerationQueue, AdminListingFilter = AdminListingFilter())
}

/// A page as the runner hands it over.
package struct PageAnswer<Item: Equatable & Sendable>: Equatable, Sendable {
    package var items: [Item]
    package var total: Int
    package var totalCapped: Bool
    /// The server could not be reached; these are the rows it gave last time.
    package var isStale: Bool
    /// When the answer came, so ages read "3d" against it rather than against a moving clock.
    package var receivedAt: Date

    package init(items: [Item], total: Int, totalCapped: Bool = false, isStale: Bool = false, receivedAt: Date) {
        self.items = items
        self.total = total
        self.totalCapped = totalCapped
        self.isStale = isStale
        self.receivedAt = receivedAt
    }
}

/// A listing in full, and whether it is the last copy rather than the server's answer now.
package struct DetailAnswer: Equatable, Sendable {
    package var listing: ListingDetail
    package var isStale: Bool

    package init(listing: ListingDetail, isStale: Bool = false) {
        self.listing = listing
        self.isStale = isStale
    }
}

/// One listing opened from a list.
package struct ListingDetailState: Equatable, Sendable {
    package var id: UUID
    package var title: String
    package var listing: ListingDetail?
    package var isLoading = true
    package var failure: RequestFailure?
    package var isStale = false
    /// The first line shown of the detail text.
    package var scroll = 0
    /// Which of the listing's media the seller has selected (to delete).
    package var selectedMedia = 0

    package init(id: UUID, title: String) {
        self.id = id
        self.title = title
    }
}

/// The listings browser: the table, live search, filters, sort, and a listing opened from it.
package struct BrowserState: Equatable, Sendable {
    package var query = BrowseQuery()
    package var list = PagedList<ListingSummary>()
    /// The search line while `/` has it.
    package var search: TextField?
    /// Bumped by every keystroke in the search line; only the pause after the last one searches.
    package var searchGeneration = 0
    package var filters: Form?
    package var detail: ListingDetailState?
    package var receivedAt: Date?
}

