import EaglehurstAPI
import Foundation

package typealias UserDashboard = Components.Schemas.UserDashboard
package typealias ListingPerformance = Components.Schemas.ListingPerformance
package typealias BuyerActivity = Components.Schemas.BuyerActivity
package typealias ConnectionAnalytics = Components.Schemas.ConnectionAnalytics
package typealias SellerRevenue = Components.Schemas.SellerRevenueAnalytics
package typealias AdminDashboard = Components.Schemas.AdminDashboard
package typealias PlatformAnalytics = Components.Schemas.PlatformAnalytics
package typealias RevenueAnalytics = Components.Schemas.RevenueAnalytics
package typealias UserAnalytics = Components.Schemas.UserAnalytics
package typealias SystemHealth = Components.Schemas.Health

/// The dashboard: a buyer's activity, a seller's listings and answers, or the admin's view of the
/// marketplace (queues, growth, revenue, the funnel, and the system's health), over 7, 30, 90 or 365 days.
package struct DashboardState: Equatable, Sendable {
    package static let periods = [7, 30, 90, 365]

    /// Whose figures these are: another user signing in starts afresh.
    package var accountID: UUID?
    package var role: Components.Schemas.UserType?
    package var days = 30
    package var user: UserDashboard?
    package var activity: BuyerActivity?
    package var connections: ConnectionAnalytics?
    package var revenue: SellerRevenue?
    package var listings: [ListingPerformance] = []
    package var listingCursor = ListCursor(count: 0, viewportHeight: 8)
    package var admin: AdminDashboard?
    package var platform: PlatformAnalytics?
    package var adminRevenue: RevenueAnalytics?
    package var users: UserAnalytics?
    package var health: SystemHealth?
    /// How long the last health check took, and when it answered.
    package var healthRoundTrip: Duration?
    package var healthCheckedAt: Date?
    package var healthFailure: RequestFailure?
    /// The health panel refreshes by itself; answers of an older cycle are dropped by their token.
    package var healthToken = 0
    /// Answers on their way; what is shown stays until they come.
    package var loading: Set<Part> = []
    package var isStale = false
    /// The chart with the cursor, and the day under it (nil: the last day).
    package var chart = 0
    package var point: Int?
    /// The admin's queue row selected (Enter opens it).
    package var queue = 0

    package enum Part: Hashable, Sendable { case user, activity, connections, revenue, listings, admin, platform, adminRevenue, users, health }

    package init() {}

    package var isLoading: Bool { !loading.isEmpty && user == nil && admin == nil }
}

/// A series a chart draws: its name, one value a day with the day's label, and how to write a value.
struct ChartSeries {
    var title: String
    var values: [Int64]
    var labels: [String]
    var money: Bool = false

    func format(_ value: Int64) -> String { money ? Dashboard.pounds(pence: value) : Dashboard.count(value) }
}
