import EaglehurstAPI
import Foundation

package enum DashboardMessage: Equatable, Sendable {
    case userLoaded(days: Int, Result<UserDashboard, RequestFailure>)
    case activityLoaded(days: Int, Result<BuyerActivity, RequestFailure>)
    case connectionsLoaded(days: Int, Result<ConnectionAnalytics, RequestFailure>)
    case revenueLoaded(days: Int, Result<SellerRevenue, RequestFailure>)
    case listingsLoaded(days: Int, Result<[ListingPerformance], RequestFailure>)
    case adminLoaded(Result<AdminDashboard, RequestFailure>)
    case platformLoaded(days: Int, Result<PlatformAnalytics, RequestFailure>)
    case adminRevenueLoaded(days: Int, Result<RevenueAnalytics, RequestFailure>)
    case usersLoaded(days: Int, Result<UserAnalytics, RequestFailure>)
    case healthChecked(token: Int, Result<SystemHealth, RequestFailure>, roundTrip: Duration)

    var failure: RequestFailure? {
        switch self {
        case .userLoaded(_, let result): result.failure
        case .activityLoaded(_, let result): result.failure
        case .connectionsLoaded(_, let result): result.failure
        case .revenueLoaded(_, let result): result.failure
        case .listingsLoaded(_, let result): result.failure
        case .adminLoaded(let result): result.failure
        case .platformLoaded(_, let result): result.failure
        case .adminRevenueLoaded(_, let result): result.failure
        case .usersLoaded(_, let result): result.failure
        case .healthChecked(_, let result, _): result.failure
        }
    }
}

package enum DashboardEffect: Equatable, Sendable {
    case loadUser(days: Int)
    case loadActivity(days: Int)
    case loadConnections(days: Int)
    case loadRevenue(days: Int)
    case loadListings(days: Int)
    case loadAdmin
    case loadPlatform(days: Int)
    case loadAdminRevenue(days: Int)
    case loadUsers(days: Int)
    /// Waits `pause` (zero: at once), then asks the server how it is.
    case checkHealth(token: Int, pause: Duration)
}
