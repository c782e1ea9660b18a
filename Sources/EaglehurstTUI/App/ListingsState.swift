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

/// What narrows the admin's moderation queue: `q` text and one seller.
public struct AdminListingFilter: Equatable, Sendable {
    public var text = ""
    public var sellerID: UUID?

    public init(text: String = "", sellerID: UUID? = nil) {
        self.text = text
        self.sellerID = sellerID
    }

    public var isEmpty: Bool { text.isEmpty && sellerID == nil }

    public var summary: String {
        [text.isEmpty ? nil : "“\(text)”", sellerID.map { "seller \($0.uuidString.prefix(8).lowercased())…" }].compactMap { $0 }.joined(separator: " · ")
    }
}

public enum ModerationQueue: String, Equatable, Sendable, CaseIterable {
    /// New listings waiting for approval.
    case newListings = "new listings"
    /// Published listings with edits waiting.
    case edits
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

public struct SavedScreenState: Equatable, Sendable {
    public var list = PagedList<SavedListing>()
    public var detail: ListingDetailState?
    public var receivedAt: Date?
}

/// What the seller's screen has open over the table.
public enum SellerPanel: Equatable, Sendable {
    case detail(ListingDetailState)
    /// Create (`listingID` nil) or edit a listing.
    case form(ListingEditor)
    case media(listingID: UUID, title: String, form: Form)
    case analytics(AnalyticsState)
}

public struct ListingEditor: Equatable, Sendable {
    /// Nil for a new listing.
    public var listingID: UUID?
    public var form: Form
    /// The listing as it was when the form opened: an edit sends only what changed.
    public var original: ListingDetail?
}

public struct AnalyticsState: Equatable, Sendable {
    public var listingID: UUID
    public var title: String
    public var analytics: Components.Schemas.ListingAnalytics?
    /// The period asked for, in days.
    public var days = AnalyticsState.periods[1]
    public var isLoading = true
    public var failure: RequestFailure?
}

extension AnalyticsState {
    /// The periods `p` steps through.
    static let periods = [7, 30, 90]

    var nextPeriod: Int { Self.periods.first { $0 > days } ?? Self.periods[0] }
}

public struct SellerScreenState: Equatable, Sendable {
    public var list = PagedList<ListingSummary>()
    public var panel: SellerPanel?
    public var receivedAt: Date?
}

/// A filter over the admin's users list.
public struct UserFilter: Equatable, Sendable {
    public var userType: Components.Schemas.UserType?
    public var status: Components.Schemas.UserStatus?
    public var verification: Components.Schemas.VerificationStatus?
    public var text = ""

    public init() {}

    public var summary: String {
        [userType?.rawValue, status?.rawValue, verification.map { "identity \($0.rawValue)" }, text.isEmpty ? nil : "“\(text)”"]
            .compactMap { $0 }.joined(separator: " · ")
    }
}

public struct AdminScreenState: Equatable, Sendable {
    public enum Tab: Equatable, Sendable { case queue, users }
    public var tab: Tab = .queue
    public var queue: ModerationQueue = .newListings
    public var listings = PagedList<ListingSummary>()
    public var listingFilter = AdminListingFilter()
    public var listingFilterForm: Form?
    public var users = PagedList<Account>()
    public var userFilter = UserFilter()
    public var userFilterForm: Form?
    /// The listing opened beside its diff.
    public var detail: ListingDetailState?
    public var receivedAt: Date?
}

/// A question with one line of text to answer, over any screen: a note to save with, a reason to reject or suspend with.
public struct Prompt: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case saveNote(listingID: UUID)
        /// A new note on a listing already saved.
        case editNote(listingID: UUID)
        case rejectReason(listingID: UUID)
        case suspendReason(userID: UUID)
        case refusalReason(userID: UUID)
        /// A buyer's first message to a listing's seller.
        case connectionRequest(listingID: UUID)
        /// A seller's answer to a request, with an optional message.
        case respond(connectionID: UUID, accept: Bool)
    }

    public var purpose: Purpose
    public var title: String
    public var form: Form
}

/// The in-app editor over a form's long-text field.
public struct TextEditorOverlay: Equatable, Sendable {
    public var field: String
    public var label: String
    public var area: TextArea
}

extension SellerPanel {
    /// The listing form, for key paths; a panel that is not the form has none to write into.
    var editorForm: Form {
        get { if case .form(let editor) = self { editor.form } else { Form([]) } }
        set { if case .form(var editor) = self { editor.form = newValue; self = .form(editor) } }
    }

    var mediaForm: Form {
        get { if case .media(_, _, let form) = self { form } else { Form([]) } }
        set { if case .media(let id, let title, _) = self { self = .media(listingID: id, title: title, form: newValue) } }
    }

    var isBusy: Bool {
        switch self {
        case .detail(let detail): detail.isLoading
        case .form(let editor): editor.form.isSubmitting
        case .media(_, _, let form): form.isSubmitting
        case .analytics(let analytics): analytics.isLoading
        }
    }
}
