import EaglehurstAPI
import Foundation

public struct SavedScreenState: Equatable, Sendable {
    public var list = PagedList<SavedListing>()
    public var detail: ListingDetailState?
    public var receivedAt: Date?
}
