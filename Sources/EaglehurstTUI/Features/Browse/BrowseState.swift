import EaglehurstAPI
import Foundation

public typealias ListingSummary = Components.Schemas.ListingSummary
public typealias ListingDetail = Components.Schemas.Listing
public typealias SavedListing = Components.Schemas.SavedListing
public typealias BusinessType = Components.Schemas.BusinessType
public typealias ListingSort = Components.Schemas.ListingSort

/// What the browser asks `GET /listings` for: the search text, the filters and the order.
public struct BrowseQuery: Equatable, Sendable {
    public var text = ""
    public var businessTypes: [BusinessType] = []
    public var region = ""
    public var minPrice: Int64?
    public var maxPrice: Int64?
    public var minRevenue: Int64?
    public var maxRevenue: Int64?
    public var sort: ListingSort = .relevance

    public init() {}

    public var hasFilters: Bool {
        !businessTypes.isEmpty || !region.isEmpty || minPrice != nil || maxPrice != nil || minRevenue != nil || maxRevenue != nil
    }

    /// The filters in a line, for the header over the table.
    public var filterSummary: String {
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
    public var label: String {
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
    public var label: String {
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
public enum ListingSource: Equatable, Sendable {
    case browse(BrowseQuery)
    case mine
    case moderation(ModerationQueue, AdminListingFilter = AdminListingFilter())
}

/// A page as the runner hands it over.
public struct PageAnswer<Item: Equatable & Sendable>: Equatable, Sendable {
    public var items: [Item]
    public var total: Int
    public var totalCapped: Bool
    /// The server could not be reached; these are the rows it gave last time.
    public var isStale: Bool
    /// When the answer came, so ages read "3d" against it rather than against a moving clock.
    public var receivedAt: Date

    public init(items: [Item], total: Int, totalCapped: Bool = false, isStale: Bool = false, receivedAt: Date) {
        self.items = items
        self.total = total
        self.totalCapped = totalCapped
        self.isStale = isStale
        self.receivedAt = receivedAt
    }
}

/// A listing in full, and whether it is the last copy rather than the server's answer now.
public struct DetailAnswer: Equatable, Sendable {
    public var listing: ListingDetail
    public var isStale: Bool

    public init(listing: ListingDetail, isStale: Bool = false) {
        self.listing = listing
        self.isStale = isStale
    }
}

/// One listing opened from a list.
public struct ListingDetailState: Equatable, Sendable {
    public var id: UUID
    public var title: String
    public var listing: ListingDetail?
    public var isLoading = true
    public var failure: RequestFailure?
    public var isStale = false
    /// The first line shown of the detail text.
    public var scroll = 0
    /// Which of the listing's media the seller has selected (to delete).
    public var selectedMedia = 0

    public init(id: UUID, title: String) {
        self.id = id
        self.title = title
    }
}

/// The listings browser: the table, live search, filters, sort, and a listing opened from it.
public struct BrowserState: Equatable, Sendable {
    public var query = BrowseQuery()
    public var list = PagedList<ListingSummary>()
    /// The search line while `/` has it.
    public var search: TextField?
    /// Bumped by every keystroke in the search line; only the pause after the last one searches.
    public var searchGeneration = 0
    public var filters: Form?
    public var detail: ListingDetailState?
    public var receivedAt: Date?
}

