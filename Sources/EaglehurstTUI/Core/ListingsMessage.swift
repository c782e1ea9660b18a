import EaglehurstAPI
import Foundation

/// Listing pages, listings and writes that the browser, saved listings, the seller's listings and the
/// admin queue share: each answer says whose it is (its source or its write), and only that screen takes it.
package enum ListingsMessage: Equatable, Sendable {
    case listingPageLoaded(ListingSource, page: Int, generation: Int, Result<PageAnswer<ListingSummary>, RequestFailure>)
    case listingLoaded(id: UUID, Result<DetailAnswer, RequestFailure>)
    /// The listing's saved state now, after a save or unsave.
    case saveChanged(id: UUID, saved: Bool, Result<Bool, RequestFailure>)
    /// A listing the seller created, edited or submitted, or an admin approved or rejected.
    case listingWritten(ListingWrite, Result<ListingDetail, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .listingPageLoaded(_, _, _, let result): result.failure
        case .listingLoaded(_, let result): result.failure
        case .saveChanged(_, _, let result): result.failure
        case .listingWritten(_, let result): result.failure
        }
    }
}

package enum ListingsEffect: Equatable, Sendable {
    case loadListingPage(ListingSource, page: Int, perPage: Int, generation: Int)
    case loadListing(id: UUID)
    case saveListing(id: UUID, notes: String?)
    case unsaveListing(id: UUID)
    case updateListing(id: UUID, Components.Schemas.ListingUpdate, ListingWrite)
}
