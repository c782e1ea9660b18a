import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// The admins' figures. Series and period totals come from `PlatformMetrics.series` (stored roll-ups
/// for ended days, cached with their sums and points per roll-up generation in `PlatformMetricsCache`;
/// today live in one statement), the funnel from `FunnelCohorts`; counts that
/// describe now (queues, users and listings by status, users active since a day) from the counters
/// that triggers keep (`AnalyticsCounts`), so every figure is exact at the moment it is read.
struct AdminAnalyticsService {
    let app: Application
    let db: any Database

    var sql: any SQLDatabase { db.sql }
    var now: Date { app.serverEnvironment.now() }
    var cache: PlatformMetricsCache { app.platformMetricsCache }

    /// The period's series, with the ended days and what is derived from them cached per roll-up.
    func series(_ period: AnalyticsPeriod, names: [String]) async throws -> PlatformSeries {
        try await PlatformMetrics.series(
            period, names: names, cache: cache, todayTTL: Double(app.settings.analyticsTodayCacheMilliseconds) / 1000, on: sql)
    }

    // MARK: dashboard

    func dashboard(_ period: AnalyticsPeriod) async throws -> Components.Schemas.AdminDashboard {
        // The last 60 days cover both 30-day revenue windows and both 7-day sign-up windows.
        let window = AnalyticsPeriod(days: max(60, period.days.count), now: now)
        let series = try await series(window, names: ["revenue_pence"])
        let daily = series.days
        func total(_ name: String, last days: Int, skipping skip: Int = 0) -> Int64 {
            daily.dropLast(skip).suffix(days).reduce(0) { $0 + $1.1[name] }
        }
        let today = daily.last!.1
        struct Shown: Sendable {
            let newUsers: [Components.Schemas.DailyCount]
            let revenue: [Components.Schemas.DailyAmount]
        }
        let shown = series.derived("dashboard \(period.days.count)", in: cache) { ended in
            let days = ended.suffix(period.days.count - 1)
            return Shown(
                newUsers: days.map { .init(date: $0.0.key, count: $0.1.int("new_users")) },
                revenue: days.map { .init(date: $0.0.key, amountPence: $0.1["revenue_pence"]) })
        }
        let todayKey = daily.last!.0.key
        let usersByType = Self.usersByType(today)
        let counts = try await AnalyticsCounts.read(
            ["users_suspended", "users_verification", "listings_status", "connections_status", "service_requests_status"],
            activeSince: now, on: sql)
        let closed: Set<String> = [ServiceRequest.Status.completed.rawValue, ServiceRequest.Status.cancelled.rawValue]
        return .init(
            generatedAt: now,
            usersTotal: usersByType.buyer + usersByType.seller + usersByType.admin,
            usersByType: usersByType,
            newUsersLast7Days: Int(total("new_users", last: 7)),
            suspendedUsers: counts["users_suspended", "yes"],
            pendingUserVerifications: counts["users_verification", "pending"],
            listingsByStatus: Self.listingsByStatus(counts),
            pendingListingEdits: try await AnalyticsSQL.count(
                "SELECT COUNT(DISTINCT listing_id) AS n FROM listing_edits WHERE status = 'pending'", on: sql),
            connectionsByStatus: Self.connectionsByStatus(counts),
            openServiceRequests: (counts.values["service_requests_status"] ?? [:]).filter { !closed.contains($0.key) }.values.reduce(0, +),
            activeSubscriptions: today.int("active_subscriptions"),
            revenueLast30DaysPence: total("revenue_pence", last: 30),
            currency: "GBP",
            today: Self.dailyDTO(daily.last!.0, today),
            newUsersPrevious7Days: Int(total("new_users", last: 7, skipping: 7)),
            revenuePrevious30DaysPence: total("revenue_pence", last: 30, skipping: 30),
            newUsersByDay: shown.newUsers + [.init(date: todayKey, count: today.int("new_users"))],
            revenueByDay: shown.revenue + [.init(date: todayKey, amountPence: today["revenue_pence"])])
    }

    // MARK: platform

    static let platformMetrics = [
        "new_users", "new_listings", "listing_views", "searches", "connection_requests", "listings_published",
        "connections_accepted", "connections_rejected", "messages_sent", "active_users", "revenue_pence", "active_subscriptions",
    ]

    func platform(_ period: AnalyticsPeriod) async throws -> Components.Schemas.PlatformAnalytics {
        let series = try await series(period, names: Self.platformMetrics)
        let (today, metrics) = series.today
        struct Ended: Sendable {
            let totals: DayMetrics
            let points: [Components.Schemas.PlatformDailyMetrics]
        }
        let ended = series.derived("platform", in: cache) { days in
            Ended(totals: .sum(days), points: days.map { Self.dailyDTO($0.0, $0.1) })
        }
        let totals = ended.totals.adding(metrics)
        func sum(_ name: String) -> Int { totals.int(name) }
        let accepted = sum("connections_accepted")
        return .init(
            periodStart: period.start, periodEnd: period.now,
            newUsers: sum("new_users"),
            activeUsers: try await AnalyticsCounts.read([], activeSince: period.start, on: sql).activeUsers,
            newListings: sum("new_listings"), listingsPublished: sum("listings_published"),
            listingViews: sum("listing_views"), searches: sum("searches"),
            connectionRequests: sum("connection_requests"), connectionsAccepted: accepted,
            messagesSent: sum("messages_sent"),
            daily: ended.points + [Self.dailyDTO(today, metrics)],
            usersByType: Self.usersByType(metrics),
            acceptanceRatePercent: AnalyticsSQL.percent(accepted, of: accepted + sum("connections_rejected")),
            revenuePence: totals["revenue_pence"],
            activeSubscriptions: metrics.int("active_subscriptions"))
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
        let names = [
            "revenue_pence", "refunded_pence", "payments_succeeded", "payments_failed", "subscriptions_started", "subscriptions_ended",
            "active_subscriptions", PlatformMetrics.planRevenue,
        ]
        // One day more than the period: active subscriptions at the end of the day before are those at its start.
        let series = try await series(AnalyticsPeriod(days: period.days.count + 1, now: period.now), names: names)
        let activeAtStart = series.days.first!.1["active_subscriptions"]
        let (today, metrics) = series.today
        struct Ended: Sendable {
            let totals: DayMetrics
            let points: [Components.Schemas.DailyAmount]
        }
        let ended = series.derived("revenue", in: cache) { days in
            let inPeriod = days.dropFirst()
            return Ended(totals: .sum(inPeriod), points: inPeriod.map { .init(date: $0.0.key, amountPence: $0.1["revenue_pence"]) })
        }
        let totals = ended.totals.adding(metrics)
        func sum(_ name: String) -> Int64 { totals[name] }
        var paid: [UUID: Int64] = [:]
        for (key, pence) in totals.values where key.name == PlatformMetrics.planRevenue {
            if let plan = UUID(uuidString: key.category) { paid[plan, default: 0] += pence }
        }
        // Active paid subscriptions now, by plan and cycle (from an index), with what each brings in a
        // month (a yearly plan counts a twelfth).
        var plans: [UUID: (name: String, monthly: Int64, yearly: Int64)] = [:]
        for row in try await sql.raw("SELECT id, name, price_pence, yearly_price_pence FROM subscriptions").all() {
            plans[try row.decode(column: "id", as: UUID.self)] = (
                try row.decode(column: "name", as: String.self), try row.decode(column: "price_pence", as: Int64.self),
                try row.decode(column: "yearly_price_pence", as: Int64?.self) ?? 0)
        }
        var subscribers: [UUID: Int] = [:]
        var mrr: Int64 = 0
        var active = 0
        for row in try await sql.raw("""
            SELECT subscription_id AS plan_id, billing_cycle AS cycle, COUNT(*) AS n FROM user_subscriptions
            WHERE status IN ('active', 'past_due') GROUP BY status, subscription_id, billing_cycle
            """).all() {
            let id = try row.decode(column: "plan_id", as: UUID.self)
            guard let plan = plans[id], plan.monthly > 0 else { continue }
            let n = try row.decode(column: "n", as: Int.self)
            subscribers[id, default: 0] += n
            active += n
            mrr += Int64(n) * (try row.decode(column: "cycle", as: String.self) == "yearly" ? plan.yearly / 12 : plan.monthly)
        }
        let byPlan = Set(subscribers.keys).union(paid.keys).map { id -> Components.Schemas.PlanRevenue in
            .init(planId: id, planName: plans[id]?.name ?? "", subscribers: subscribers[id] ?? 0, revenuePence: paid[id] ?? 0)
        }.sorted { ($0.revenuePence, $0.subscribers, $0.planName) > ($1.revenuePence, $1.subscribers, $1.planName) }
        let cancelled = sum("subscriptions_ended")
        let exposed = activeAtStart + sum("subscriptions_started")
        let points: [Components.Schemas.DailyAmount] = ended.points + [.init(date: today.key, amountPence: metrics["revenue_pence"])]
        return .init(
            periodStart: period.start, periodEnd: period.now, currency: "GBP",
            totalRevenuePence: sum("revenue_pence"), refundedPence: sum("refunded_pence"),
            successfulPayments: Int(sum("payments_succeeded")), failedPayments: Int(sum("payments_failed")),
            activeSubscriptions: active, monthlyRecurringRevenuePence: mrr, byPlan: byPlan,
            daily: points,
            cancelledSubscriptions: Int(cancelled),
            churnRatePercent: exposed > 0 ? (Double(cancelled) * 1000 / Double(exposed)).rounded() / 10 : 0)
    }

    // MARK: users

    static let funnelSteps = AnalyticsLog.FunnelStep.allCases.map(\.rawValue)

    func users(_ period: AnalyticsPeriod) async throws -> Components.Schemas.UserAnalytics {
        let series = try await series(period, names: [])
        let (today, metrics) = series.today
        struct Ended: Sendable {
            let totals: DayMetrics
            let points: [Components.Schemas.DailyCount]
        }
        let ended = series.derived("users", in: cache) { days in
            Ended(totals: .sum(days), points: days.map { .init(date: $0.0.key, count: $0.1.int("new_users")) })
        }
        let totals = ended.totals.adding(metrics)
        func sum(_ name: String, _ category: String = "all") -> Int { totals.int(name, category) }
        let byType = Self.usersByType(metrics)
        let reached = try await FunnelCohorts.reached(since: period.start, on: sql)
        let counts = try await AnalyticsCounts.read(
            ["users_email_verified", "users_verification", "users_suspended"], activeSince: period.start, on: sql)
        return .init(
            periodStart: period.start, periodEnd: period.now,
            totalUsers: byType.buyer + byType.seller + byType.admin, byType: byType,
            newUsers: sum("new_users"),
            newByType: .init(buyer: sum("new_users", "buyer"), seller: sum("new_users", "seller"), admin: sum("new_users", "admin")),
            emailVerifiedUsers: counts["users_email_verified", "yes"],
            verifiedUsers: counts["users_verification", "verified"],
            suspendedUsers: counts["users_suspended", "yes"],
            activeUsers: counts.activeUsers,
            funnel: Self.funnelSteps.map { .init(stepName: $0, users: reached[$0] ?? 0) },
            dailySignups: ended.points + [.init(date: today.key, count: metrics.int("new_users"))])
    }

    // MARK: now

    /// Users by type now: today's running totals (yesterday's roll-up plus today's sign-ups).
    static func usersByType(_ today: DayMetrics) -> Components.Schemas.UserTypeCounts {
        .init(buyer: today.int("users_total", "buyer"), seller: today.int("users_total", "seller"), admin: today.int("users_total", "admin"))
    }

    static func listingsByStatus(_ counts: AnalyticsCounts) -> Components.Schemas.ListingStatusCounts {
        func c(_ status: String) -> Int { counts["listings_status", status] }
        return .init(
            draft: c("draft"), pendingApproval: c("pending_approval"), published: c("published"),
            rejected: c("rejected"), sold: c("sold"), archived: c("archived"))
    }

    static func connectionsByStatus(_ counts: AnalyticsCounts) -> Components.Schemas.ConnectionStatusCounts {
        func c(_ status: String) -> Int { counts["connections_status", status] }
        return .init(pending: c("pending"), accepted: c("accepted"), rejected: c("rejected"), blocked: c("blocked"))
    }
}
