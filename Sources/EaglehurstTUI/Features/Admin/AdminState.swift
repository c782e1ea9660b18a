import EaglehurstAPI
import Foundation

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
