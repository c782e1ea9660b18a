import EaglehurstAPI
import Foundation

/// Answers about the seller's own listings beyond the shared listing answers.
package enum SellerMessage: Equatable, Sendable {
    case listingDeleted(id: UUID, RequestFailure?)
    case mediaUploaded(listingID: UUID, Result<Components.Schemas.ListingMedia, RequestFailure>)
    case mediaDeleted(listingID: UUID, mediaID: UUID, RequestFailure?)
    /// A listing's analytics over the last `days` days.
    case analyticsLoaded(id: UUID, days: Int, Result<Components.Schemas.ListingAnalytics, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .listingDeleted(_, let failure), .mediaDeleted(_, _, let failure): failure
        case .mediaUploaded(_, let result): result.failure
        case .analyticsLoaded(_, _, let result): result.failure
        }
    }
}

package enum SellerEffect: Equatable, Sendable {
    case createListing(Components.Schemas.ListingCreate)
    case deleteListing(id: UUID)
    case uploadMedia(listingID: UUID, path: String, caption: String?, confidential: Bool)
    case deleteMedia(listingID: UUID, mediaID: UUID)
    case loadAnalytics(id: UUID, days: Int)
}
