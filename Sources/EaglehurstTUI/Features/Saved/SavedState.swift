import EaglehurstAPI
import Foundation

package struct SavedScreenState: Equatable, Sendable {
    package var list = PagedList<SavedListing>()
    package var detail: ListingDetailState?
    package var receivedAt: Date?
}
