import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// The admins' figures. Series and period totals come from `PlatformMetrics.daily` (stored roll-ups
/// for ended days, today live); counts that describe now (queues, users by status, subscriptions)
/// are indexed counts of the operational tables.
struct AdminAnalyticsService {
    let app: Application
    let db: any Database

    var sql: any SQLDatabase { db as! any SQLDatabase }
    var now: Date { app.serverEnvironment.now() }

    // MARK: dashboard

    func dashboard(_ period: AnalyticsPeriod) async throws -> Components.Schemas.AdminDashboard {
        // The last 60 days cover both 30-day revenue windows and both 7-day sign-up windows.
        let window = AnalyticsPeriod(days: max(60, period.days.count), now: now)
        let daily = try await PlatformMetrics.daily(window, names: ["revenue_pence"], on: sql)
        func total(_ name: String, last days: Int, skipping skip: Int = 0) -> Int64 {
            daily.dropLast(skip).suffix(days).reduce(0) { $0 + $1.1[name] }
        }
        let shown = daily.suffix(period.days.count)
        let today = daily.last!.1
        let usersByType = Self.usersByType(today)
        return .init(
            generatedAt: now,
            usersTotal: usersByType.buyer + usersByType.seller + usersByType.admin,
            usersByType: usersByType,
            newUsersLast7Days: Int(total("new_users", last: 7)),
            suspendedUsers: try await AnalyticsSQL.count("SELECT COUNT(*) AS n FROM users WHERE is_suspended = \(bind: true)", on: sql),
            pendingUserVerifications: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM users WHERE verification_status = 'pending'", on: sql),
            listingsByStatus: try await listingsByStatus(),
            pendingListingEdits: try await AnalyticsSQL.count(
                "SELECT COUNT(DISTINCT listing_id) AS n FROM listing_edits WHERE status = 'pending'", on: sql),
            connectionsByStatus: try await connectionsByStatus(),
            openServiceRequests: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM service_requests WHERE status NOT IN ('completed', 'cancelled')", on: sql),
            activeSubscriptions: today.int("active_subscriptions"),
            revenueLast30DaysPence: total("revenue_pence", last: 30),
            currency: "GBP",
            today: Self.dailyDTO(daily.last!.0, today),
            newUsersPrevious7Days: Int(total("new_users", last: 7, skipping: 7)),
            revenuePrevious30DaysPence: total("revenue_pence", last: 30, skipping: 30),
            newUsersByDay: shown.map { .init(date: $0.0.key, count: $0.1.int("new_users")) },
            revenueByDay: shown.map { .init(date: $0.0.key, amountPence: $0.1["revenue_pence"]) })
    }

    // MARK: platform

    func platform(_ period: AnalyticsPeriod) async throws -> Components.Schemas.PlatformAnalytics {
        let daily = try await PlatformMetrics.daily(period, on: sql)
        func sum(_ name: String) -> Int { daily.reduce(0) { $0 + $1.1.int(name) } }
        let accepted = sum("connections_accepted")
        return .init(
            periodStart: period.start, periodEnd: period.now,
            newUsers: sum("new_users"),
            activeUsers: try await activeUsers(since: period.start),
            newListings: sum("new_listings"), listingsPublished: sum("listings_published"),
            listingViews: sum("listing_views"), searches: sum("searches"),
            connectionRequests: sum("connection_requests"), connectionsAccepted: accepted,
            messagesSent: sum("messages_sent"),
            daily: daily.map { Self.dailyDTO($0.0, $0.1) },
            usersByType: Self.usersByType(daily.last!.1),
            acceptanceRatePercent: AnalyticsSQL.percent(accepted, of: accepted + sum("connections_rejected")),
            revenuePence: daily.reduce(0) { $0 + $1.1["revenue_pence"] },
            activeSubscriptions: daily.last!.1.int("active_subscriptions"))
    }

    static func dailyDTO(_ day: UTCDay, _ m: DayMetrics) -> Components.Schemas.PlatformDailyMetrics {
        .init(
            date: day.key, newUsers: m.int("new_users"), newListings: m.int("new_listings"), listingViews: m.int("listing_views"),
            searches: m.int("searches"), connectionRequests: m.int("connection_requests"),
            listingsPublished: m.int("listings_published"), connectionsAccepted: m.int("connections_accepted"),
            messagesSent: m.int("messages_sent"), activeUsers: m.int("active_users"), revenuePence: m["revenue_pence"],
            activeSubscriptions: m.int("active_subscriptions"))
    }

    // MARK: revenue

    func revenue(_ period: AnalyticsPeriod) async throws -> Components.Schemas.RevenueAnalytics {
        let names = ["revenue_pence", "refunded_pence", "payments_succeeded", "payments_failed", "subscriptions_started", "subscriptions_ended"]
        let daily = try await PlatformMetrics.daily(period, names: names, on: sql)
        func sum(_ name: String) -> Int64 { daily.reduce(0) { $0 + $1.1[name] } }
        // Active paid subscriptions now, with what each brings in a month (a yearly plan counts a twelfth).
        let active = try await sql.raw("""
            SELECT p.id AS plan_id, p.name AS plan_name, s.billing_cycle AS cycle, p.price_pence AS monthly, p.yearly_price_pence AS yearly
            FROM user_subscriptions s JOIN subscriptions p ON p.id = s.subscription_id
            WHERE s.status IN ('active', 'past_due') AND p.price_pence > 0
            """).all()
        var subscribers: [UUID: (name: String, count: Int)] = [:]
        var mrr: Int64 = 0
        for row in active {
            let plan = try row.decode(column: "plan_id", as: UUID.self)
            let name = try row.decode(column: "plan_name", as: String.self)
            subscribers[plan, default: (name, 0)].count += 1
            mrr += try row.decode(column: "cycle", as: String.self) == "yearly"
                ? try row.decode(column: "yearly", as: Int64.self) / 12 : try row.decode(column: "monthly", as: Int64.self)
        }
        var paid: [UUID: (name: String, pence: Int64)] = [:]
        for row in try await sql.raw("""
            SELECT p.id AS plan_id, p.name AS plan_name, CAST(COALESCE(SUM(x.amount_pence), 0) AS BIGINT) AS pence
            FROM payments x JOIN subscriptions p ON p.id = x.plan_id
            WHERE x.status = 'succeeded' AND x.paid_at >= \(bind: period.start) GROUP BY p.id, p.name
            """).all() {
            paid[try row.decode(column: "plan_id", as: UUID.self)] = (try row.decode(column: "plan_name", as: String.self), try row.decode(column: "pence", as: Int64.self))
        }
        let byPlan = Set(subscribers.keys).union(paid.keys).map { id -> Components.Schemas.PlanRevenue in
            .init(planId: id, planName: subscribers[id]?.name ?? paid[id]!.name, subscribers: subscribers[id]?.count ?? 0, revenuePence: paid[id]?.pence ?? 0)
        }.sorted { ($0.revenuePence, $0.subscribers, $0.planName) > ($1.revenuePence, $1.subscribers, $1.planName) }
        let activeAtStart = try await PlatformMetrics.activePaidSubscriptions(at: period.start, on: sql)
        let ended = sum("subscriptions_ended")
        let exposed = activeAtStart + sum("subscriptions_started")
        return .init(
            periodStart: period.start, periodEnd: period.now, currency: "GBP",
            totalRevenuePence: sum("revenue_pence"), refundedPence: sum("refunded_pence"),
            successfulPayments: Int(sum("payments_succeeded")), failedPayments: Int(sum("payments_failed")),
            activeSubscriptions: active.count, monthlyRecurringRevenuePence: mrr, byPlan: byPlan,
            daily: daily.map { .init(date: $0.0.key, amountPence: $0.1["revenue_pence"]) },
            cancelledSubscriptions: Int(ended),
            churnRatePercent: exposed > 0 ? (Double(ended) * 1000 / Double(exposed)).rounded() / 10 : 0)
    }

    // MARK: users

    static let funnelSteps = AnalyticsLog.FunnelStep.allCases.map(\.rawValue)

    func users(_ period: AnalyticsPeriod) async throws -> Components.Schemas.UserAnalytics {
        let daily = try await PlatformMetrics.daily(period, names: [], on: sql)
        func sum(_ name: String, _ category: String = "all") -> Int { daily.reduce(0) { $0 + $1.1.int(name, category) } }
        let byType = Self.usersByType(daily.last!.1)
        var reached: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT f.step_name AS step, COUNT(*) AS n FROM conversion_funnel f JOIN users u ON u.id = f.user_id
            WHERE u.created_at >= \(bind: period.start) GROUP BY f.step_name
            """).all() {
            reached[try row.decode(column: "step", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return .init(
            periodStart: period.start, periodEnd: period.now,
            totalUsers: byType.buyer + byType.seller + byType.admin, byType: byType,
            newUsers: sum("new_users"),
            newByType: .init(buyer: sum("new_users", "buyer"), seller: sum("new_users", "seller"), admin: sum("new_users", "admin")),
            emailVerifiedUsers: try await AnalyticsSQL.count("SELECT COUNT(*) AS n FROM users WHERE email_verified = \(bind: true)", on: sql),
            verifiedUsers: try await AnalyticsSQL.count("SELECT COUNT(*) AS n FROM users WHERE verification_status = 'verified'", on: sql),
            suspendedUsers: try await AnalyticsSQL.count("SELECT COUNT(*) AS n FROM users WHERE is_suspended = \(bind: true)", on: sql),
            activeUsers: try await activeUsers(since: period.start),
            funnel: Self.funnelSteps.map { .init(stepName: $0, users: reached[$0] ?? 0) },
            dailySignups: daily.map { .init(date: $0.0.key, count: $0.1.int("new_users")) })
    }

    // MARK: now

    /// Users who signed in since `start`: their last sign-in is then or later.
    func activeUsers(since start: Date) async throws -> Int {
        try await AnalyticsSQL.count("SELECT COUNT(*) AS n FROM users WHERE last_login_at >= \(bind: start)", on: sql)
    }

    /// Users by type now: today's running totals (yesterday's roll-up plus today's sign-ups).
    static func usersByType(_ today: DayMetrics) -> Components.Schemas.UserTypeCounts {
        .init(buyer: today.int("users_total", "buyer"), seller: today.int("users_total", "seller"), admin: today.int("users_total", "admin"))
    }

    func listingsByStatus() async throws -> Components.Schemas.ListingStatusCounts {
        var c: [String: Int] = [:]
        for row in try await sql.raw("SELECT status, COUNT(*) AS n FROM listings GROUP BY status").all() {
            c[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return .init(
            draft: c["draft"] ?? 0, pendingApproval: c["pending_approval"] ?? 0, published: c["published"] ?? 0,
            rejected: c["rejected"] ?? 0, sold: c["sold"] ?? 0, archived: c["archived"] ?? 0)
    }

    func connectionsByStatus() async throws -> Components.Schemas.ConnectionStatusCounts {
        var c: [String: Int] = [:]
        for row in try await sql.raw("SELECT status, COUNT(*) AS n FROM connections GROUP BY status").all() {
            c[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return .init(pending: c["pending"] ?? 0, accepted: c["accepted"] ?? 0, rejected: c["rejected"] ?? 0, blocked: c["blocked"] ?? 0)
    }
}
