@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import Synchronization
import XCTest

/// Dashboard figures as the server sends them, from the contract's types, over `days` days ending
/// 26 Nov 2025, with known shapes so the charts can be read back.
enum DashboardFixture {
    static let end = ListingFixture.now
    static let start = end.addingTimeInterval(-30 * 86_400)

    static func dates(_ days: Int) -> [String] {
        (0..<days).map { offset in
            let date = end.addingTimeInterval(-Double(days - 1 - offset) * 86_400)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(from: date)
        }
    }

    /// A rising series with a dip: day n has `n % 7 + n / 3`.
    static func counts(_ days: Int, scale: Int = 1) -> [Components.Schemas.DailyCount] {
        dates(days).enumerated().map { .init(date: $1, count: ($0 % 7 + $0 / 3) * scale) }
    }

    static let connections = Components.Schemas.ConnectionStatusCounts(pending: 2, accepted: 6, rejected: 3, blocked: 1)

    static func user(_ type: Components.Schemas.UserType) -> UserDashboard {
        UserDashboard(
            userType: type, periodStart: start, periodEnd: end, unreadNotifications: 2, unreadMessages: 1, connectionsByStatus: connections,
            listingsByStatus: type == .seller ? .init(draft: 1, pendingApproval: 1, published: 3, rejected: 0, sold: 1, archived: 0) : nil,
            listingViews: type == .seller ? 412 : nil, savesReceived: type == .seller ? 37 : nil, connectionRequestsReceived: type == .seller ? 12 : nil,
            savedListings: type == .buyer ? 5 : nil, searches: type == .buyer ? 44 : nil, listingsViewed: type == .buyer ? 61 : nil,
            connectionRequestsSent: type == .buyer ? 3 : nil, connectionsUsed: type == .buyer ? 2 : nil, connectionsLimit: type == .buyer ? 3 : nil,
            viewsByDay: counts(30, scale: 2), requestsByDay: counts(30))
    }

    static func activity(_ days: Int) -> BuyerActivity {
        BuyerActivity(
            periodStart: start, periodEnd: end, listingsViewed: 61, searches: 44, savedListings: 5, connectionRequestsSent: 3, connectionsAccepted: 2,
            messagesSent: 9, recentSearches: [.init(queryText: "dental harrogate", resultsCount: 4, searchedAt: end), .init(queryText: "pharmacy", resultsCount: 87, searchedAt: end)],
            viewsByDay: counts(days))
    }

    static func connectionFigures(_ days: Int) -> ConnectionAnalytics {
        ConnectionAnalytics(periodStart: start, periodEnd: end, byStatus: connections, requestsSent: 3, requestsReceived: 12, messagesSent: 20,
                            messagesReceived: 18, medianResponseMinutes: 135, requestsByDay: counts(days))
    }

    static let performance = [
        ListingPerformance(listingId: ListingFixture.uuid(1), title: "Dental practice in Harrogate", status: .published, views: 301, uniqueViewers: 120,
                           saves: 22, connectionRequests: 8, acceptedConnections: 5, viewsByDay: counts(30, scale: 3)),
        ListingPerformance(listingId: ListingFixture.uuid(2), title: "Pharmacy in Leeds", status: .sold, views: 111, uniqueViewers: 64,
                           saves: 15, connectionRequests: 4, acceptedConnections: 1, viewsByDay: counts(30)),
    ]

    static let revenue = SellerRevenue(periodStart: start, periodEnd: end, listingsSold: 1, soldValue: 450_000, publishedListings: 3,
                                       publishedValue: 2_350_000, averageAskingPrice: 783_333, subscriptionSpendPence: 3480, currency: "GBP")

    static let admin = AdminDashboard(
        generatedAt: end, usersTotal: 1_234, usersByType: .init(buyer: 900, seller: 330, admin: 4), newUsersLast7Days: 41, suspendedUsers: 3,
        pendingUserVerifications: 4, listingsByStatus: .init(draft: 20, pendingApproval: 3, published: 210, rejected: 5, sold: 12, archived: 2),
        pendingListingEdits: 1, connectionsByStatus: connections, openServiceRequests: 2, activeSubscriptions: 88, revenueLast30DaysPence: 412_380, currency: "GBP",
        newUsersPrevious7Days: 33, revenuePrevious30DaysPence: 380_000)

    static func platform(_ days: Int) -> PlatformAnalytics {
        PlatformAnalytics(periodStart: start, periodEnd: end, newUsers: 120, activeUsers: 640, newListings: 31, listingsPublished: 25, listingViews: 9_000,
                          searches: 4_100, connectionRequests: 230, connectionsAccepted: 120, messagesSent: 2_000,
                          daily: dates(days).enumerated().map { .init(date: $1, newUsers: $0 % 5, newListings: 1, listingViews: 300 + $0 * 4, searches: 130 + $0, connectionRequests: 7) })
    }

    static func adminRevenue(_ days: Int) -> RevenueAnalytics {
        RevenueAnalytics(
            periodStart: start, periodEnd: end, currency: "GBP", totalRevenuePence: 412_380, refundedPence: 0, successfulPayments: 120, failedPayments: 4,
            activeSubscriptions: 88, monthlyRecurringRevenuePence: 298_600,
            byPlan: [.init(planId: ListingFixture.uuid(801), planName: "Professional", subscribers: 70, revenuePence: 243_600),
                     .init(planId: ListingFixture.uuid(802), planName: "Enterprise", subscribers: 18, revenuePence: 168_780)],
            daily: dates(days).enumerated().map { .init(date: $1, amountPence: Int64(($0 % 4) * 3480)) })
    }

    static func users(_ days: Int) -> UserAnalytics {
        UserAnalytics(
            periodStart: start, periodEnd: end, totalUsers: 1_234, byType: .init(buyer: 900, seller: 330, admin: 4), newUsers: 120,
            newByType: .init(buyer: 90, seller: 30, admin: 0), emailVerifiedUsers: 100, verifiedUsers: 40, suspendedUsers: 3, activeUsers: 640,
            funnel: [.init(stepName: "registered", users: 120), .init(stepName: "email_verified", users: 100), .init(stepName: "first_search", users: 80),
                     .init(stepName: "first_connection_request", users: 30), .init(stepName: "subscribed", users: 12)],
            dailySignups: counts(days))
    }

    static let health = SystemHealth(status: .ok, version: "0.1.0", database: "sqlite", time: end, databaseReachable: true, databaseLatencyMs: 0.4,
                                     diskFreeBytes: 52_000_000_000, mailTransport: .outbox, mailReachable: true, mailOutboxPending: 0, jobBacklog: 2,
                                     searchIndexAgeSeconds: 340, uptimeSeconds: 7_260)
}

/// A stand-in server for the dashboard's reads, answering for the `days` asked.
func dashboardServer() -> StubTransport {
    StubTransport { dashboardAnswer($0) }
}

func dashboardAnswer(_ request: StubTransport.Request) -> StubTransport.Answer {
    let days = request.query("days").first.flatMap(Int.init) ?? 30
    func ok<T: Encodable>(_ value: T) -> StubTransport.Answer { .json(status: 200, body: PlanFixture.json(value)) }
    switch request.operationID {
    case "analyticsDashboard": return ok(DashboardFixture.user(request.authorization == "Bearer seller" ? .seller : .buyer))
    case "analyticsBuyerActivity": return ok(DashboardFixture.activity(days))
    case "analyticsConnections": return ok(DashboardFixture.connectionFigures(days))
    case "analyticsRevenue": return ok(DashboardFixture.revenue)
    case "analyticsSellerListings":
        return ok(Components.Schemas.ListingPerformancePage(items: DashboardFixture.performance, page: 1, perPage: 100, total: 2))
    case "adminDashboard": return ok(DashboardFixture.admin)
    case "adminPlatformAnalytics": return ok(DashboardFixture.platform(days))
    case "adminRevenueAnalytics": return ok(DashboardFixture.adminRevenue(days))
    case "adminUserAnalytics": return ok(DashboardFixture.users(days))
    case "adminSystemHealth": return ok(DashboardFixture.health)
    default: return .unreachable
    }
}

final class DashboardTests: XCTestCase {
    static let size = Size(width: 120, height: 40)

    func open(as type: String) async throws -> (Harness, EffectRunner, StubTransport) {
        let stub = dashboardServer()
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: type, refreshToken: "ref"))
        var app = Harness.signedIn(type, size: Self.size)
        app.press("gd")
        XCTAssertEqual(app.state.screen, .dashboard)
        await app.run(runner)
        return (app, runner, stub)
    }

    func testChartWidgets() throws {
        XCTAssertEqual(Charts.sparkline([0, 1, 2, 3, 4, 5, 6, 7], width: 8), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Charts.sparkline([0, 0, 0], width: 10), "▁▁▁", "all zero: flat, not a division by zero")
        XCTAssertEqual(Charts.sparkline([1, 1, 1, 1, 8, 8], width: 3), "▁▁█", "a long series is summed into the cells it covers")
        XCTAssertEqual(Charts.bar(5, of: 10, width: 8), "████")
        XCTAssertEqual(Charts.bar(1, of: 16, width: 8), "▌", "eighths at the end")
        XCTAssertEqual(Charts.bar(0, of: 10, width: 8), "")

        let theme = ConfigFiles(configDirectory: nil).loadTheme(named: "dark").theme
        var frame = Frame(size: Size(width: 40, height: 8), style: theme[.appBackground])
        Charts.drawLine([0, 2, 4, 6, 8, 6, 4, 2, 0, 8], labels: (1...10).map { "\($0) Nov" }, cursor: 4, format: { "\($0)" },
                        x: 0, y: 0, width: 40, height: 8, theme: theme, focused: true, into: &frame)
        let terminal = InMemoryTerminal(size: frame.size, colorProfile: .ansi256)
        terminal.draw(frame)
        try assertGolden(terminal.lines, "chart-line-40x8")
        XCTAssertTrue(terminal.lines[0].hasSuffix("5 Nov: 8"), "the figure under the cursor: \(terminal.lines[0])")
        XCTAssertTrue(terminal.lines[1].hasPrefix(" 8┤"), "the largest value labels the top: \(terminal.lines[1])")
        XCTAssertTrue(terminal.lines[6].hasPrefix(" 0┤"), "and zero the bottom: \(terminal.lines[6])")
        XCTAssertTrue(terminal.lines[7].contains("1 Nov") && terminal.lines[7].contains("10 Nov"), terminal.lines[7])
    }

    func testABuyersActivityWithItsChartAndCursor() async throws {
        var (app, runner, stub) = try await open(as: "buyer")
        XCTAssertEqual(stub.requests("analyticsBuyerActivity").last?.query("days"), ["30"])
        XCTAssertTrue(stub.requests("adminDashboard").isEmpty, "a buyer asks for a buyer's figures only")
        try assertGolden(app.lines, "dashboard-buyer-120x40")
        XCTAssertNotNil(app.line(containing: "Listings viewed 61"), app.text)
        XCTAssertNotNil(app.line(containing: "Plan 2 of 3 requests used"), app.text)
        XCTAssertNotNil(app.line(containing: "26 Nov: 10"), "the last day under the cursor: \(app.text)")
        app.press("<left>")
        XCTAssertNotNil(app.line(containing: "25 Nov: 9"), "one day back: \(app.text)")
        app.press("<tab>")
        XCTAssertNotNil(app.line(containing: "Requests sent by day"), app.text)

        app.press("p")
        await app.run(runner)
        XCTAssertEqual(stub.requests("analyticsBuyerActivity").last?.query("days"), ["90"])
        XCTAssertNotNil(app.line(containing: "the last 90 days"), app.text)
        XCTAssertEqual(app.state.dashboard.activity?.viewsByDay.count, 90)
    }

    func testASellersListingsWithTrendsAndAnOpenedRow() async throws {
        var (app, runner, stub) = try await open(as: "seller")
        XCTAssertTrue(stub.requests("listingsAnalytics").isEmpty, "the rows carry their views by day")
        try assertGolden(app.lines, "dashboard-seller-120x40")
        let row = try XCTUnwrap(app.line(containing: "Dental practice in Harrogate"))
        XCTAssertTrue(row.contains("█"), "the busiest day tops its trend: \(row)")
        XCTAssertNotNil(app.line(containing: "Median answer 2h"), app.text)
        XCTAssertNotNil(app.line(containing: "Plan spend £34.80"), app.text)
        app.press("j")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .myListings, "Enter opens the listing among the seller's own")
    }

    func testTheAdminsQueuesLeadIntoTheirScreensAndHealthRefreshes() async throws {
        var (app, runner, stub) = try await open(as: "admin")
        // When and how fast the health check answered vary from run to run: fixed for the golden frame.
        app.state.dashboard.healthCheckedAt = DashboardFixture.end
        app.state.dashboard.healthRoundTrip = .milliseconds(12)
        app.render()
        try assertGolden(app.lines, "dashboard-admin-120x40")
        XCTAssertNotNil(app.line(containing: "Listings waiting for approval"), app.text)
        XCTAssertNotNil(app.line(containing: "● ok"), app.text)
        XCTAssertNotNil(app.line(containing: "jobs 2 due"), "the job backlog: \(app.text)")
        XCTAssertNotNil(app.line(containing: "New this week 41 (+24%)"), "growth against the week before: \(app.text)")
        XCTAssertNotNil(app.line(containing: "Professional"), "revenue by plan: \(app.text)")
        XCTAssertNotNil(app.line(containing: "first search"), "the funnel: \(app.text)")
        // The health check comes again after its pause, while the dashboard is on screen.
        let waiting = app.background.filter { if case .dashboard(.checkHealth(_, let pause)) = $0 { return pause > .zero } else { return false } }
        XCTAssertEqual(waiting.count, 1, "\(app.background)")
        app.send(await runner.perform(waiting[0]))
        XCTAssertEqual(stub.requests("adminSystemHealth").count, 2)

                app.press("j")
        app.press("j")
        XCTAssertEqual(app.state.dashboard.queue, 2, "\(app.state.context) \(app.hints)")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .services, "open service requests lead to the desk")
    }
}
