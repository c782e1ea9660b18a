import EaglehurstAPI
import Foundation

/// What narrows the admin's moderation queue: `q` text and one seller.
package struct AdminListingFilter: Equatable, Sendable {
    package var text = ""
    package var sellerID: UUID?

    package init(text: String = "", sellerID: UUID? = nil) {
        self.text = text
        self.sellerID = sellerID
    }

    package var isEmpty: Bool { text.isEmpty && sellerID == nil }

    package var summary: String {
        [text.isEmpty ? nil : "“\(text)”", sellerID.map { "seller \($0.uuidString.prefix(8).lowercased())…" }].compactMap { $0 }.joined(separator: " · ")
    }
}

package enum ModerationQueue: String, Equatable, Sendable, CaseIterable {
    /// New listings waiting for approval.
    case newListings = "new listings"
    /// Published listings with edits waiting.
    case edits
}

/// A filter over the admin's users list.
package struct UserFilter: Equatable, Sendable {
    package var userType: Components.Schemas.UserType?
    package var status: Components.Schemas.UserStatus?
    package var verification: Components.Schemas.VerificationStatus?
    package var text = ""

    package init() {}

    package var summary: String {
        [userType?.rawValue, status?.rawValue, verification.map { "identity \($0.rawValue)" }, text.isEmpty ? nil : "“\(text)”"]
            .compactMap { $0 }.joined(separator: " · ")
    }
}

package struct AdminScreenState: Equatable, Sendable {
    package enum Tab: Equatable, Sendable { case queue, users }
    package var tab: Tab = .queue
    package var queue: ModerationQueue = .newListings
    package var listings = PagedList<ListingSummary>()
    package var listingFilter = AdminListingFilter()
    package var listingFilterForm: Form?
    package var users = PagedList<Account>()
    package var userFilter = UserFilter()
    package var userFilterForm: Form?
    /// The listing opened beside its diff.
    package var detail: ListingDetailState?
    package var receivedAt: Date?
}
