import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Which plan a user is on and what it still allows: connection requests a month for buyers,
/// active listings at once for sellers.
struct PlanService {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }

    /// The statuses of a subscription that gives its plan.
    static let liveStatuses: [UserSubscription.Status] = [.active, .pastDue]

    /// The user's live subscription, putting them on their kind's free plan when they have none. A
    /// subscription whose access has ended (cancelled at the period's end) is closed on the way. A
    /// paid one wins over a free one: a first request racing a purchase may have made a free row
    /// after the purchase ended the others.
    func current(for user: User) async throws -> (subscription: UserSubscription, plan: Plan) {
        let userID = try user.requireID()
        let live = try await UserSubscription.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$status ~~ Self.liveStatuses).with(\.$plan).sort(\.$startedAt, .descending).all()
        for subscription in live.filter({ !$0.plan.isFree }) + live.filter({ $0.plan.isFree }) {
            if let expires = subscription.expiresAt, expires <= now {
                subscription.status = subscription.cancelledAt == nil ? .expired : .cancelled
                try await subscription.save(on: db)
                try await Self.placementMayHaveChanged(forUserType: user.userType.rawValue, on: db)
                continue
            }
            return (subscription, subscription.plan)
        }
        let code = Plan.freeCode(for: user.userType)
        guard let free = try await Plan.query(on: db).filter(\.$code == code).first() else {
            throw Problem(.internalServerError, slug: "internal", title: "The free plan is missing")
        }
        let subscription = UserSubscription()
        subscription.$user.id = userID
        subscription.$plan.id = try free.requireID()
        subscription.status = .active
        subscription.startedAt = now
        subscription.billingCycle = .monthly
        subscription.cancelAtPeriodEnd = false
        subscription.failedPaymentAttempts = 0
        try await subscription.create(on: db)
        subscription.$plan.value = free
        return (subscription, free)
    }

    /// A seller's live subscription started or ended: their listings may move in or out of premium
    /// placement, which the search index (cached per search generation) orders by. Moving the
    /// generation makes every server reload it; on PostgreSQL the other servers hear of it when it
    /// commits (`CacheInvalidation`), and this one forgets the generation it holds.
    static func placementMayHaveChanged(forUserType userType: String, on db: any Database) async throws {
        guard userType == User.Kind.seller.rawValue else { return }
        let sql = db.sql
        try await sql.raw("UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_notify(\(bind: NotifyCacheChanges.channel), \(bind: CacheInvalidation.searchPayload))").run()
        }
    }

    /// Usage periods are calendar months (UTC); they reset on the first of the month.
    func period(containing date: Date) -> (start: String, startDate: Date, resets: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month], from: date)
        let start = calendar.date(from: c)!
        let next = calendar.date(byAdding: .month, value: 1, to: start)!
        return (String(format: "%04d-%02d-01", c.year!, c.month!), start, next)
    }

    func usage(of subscription: UserSubscription) async throws -> SubscriptionUsage {
        let period = period(containing: now).start
        let subscriptionID = try subscription.requireID()
        if let usage = try await SubscriptionUsage.query(on: db).filter(\.$subscription.$id == subscriptionID)
            .filter(\.$periodStart == period).first() {
            return usage
        }
        let usage = SubscriptionUsage()
        usage.$subscription.id = subscriptionID
        usage.periodStart = period
        usage.connectionsUsed = 0
        usage.listingsUsed = 0
        do {
            try await usage.create(on: db)
            return usage
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return try await SubscriptionUsage.query(on: db).filter(\.$subscription.$id == subscriptionID)
                .filter(\.$periodStart == period).first()!
        }
    }

    /// Counts one connection request against the plan, or refuses with 402 saying the limit and
    /// when it resets. The increment is conditional, so concurrent requests cannot exceed the limit.
    func consumeConnectionRequest(for buyer: User) async throws {
        let (subscription, plan) = try await current(for: buyer)
        let usage = try await usage(of: subscription)
        guard let limit = plan.connectionLimit else {
            try await db.sql.raw(
                "UPDATE subscription_usage SET connections_used = connections_used + 1 WHERE id = \(bind: try usage.requireID())").run()
            return
        }
        let updated = try await db.sql.raw("""
            UPDATE subscription_usage SET connections_used = connections_used + 1
            WHERE id = \(bind: try usage.requireID()) AND connections_used < \(bind: limit)
            RETURNING id
            """).all()
        guard !updated.isEmpty else {
            let resets = period(containing: now).resets.formatted(.iso8601.year().month().day())
            let upgrades = try await upgrades(from: plan, userType: "buyer", describe: { $0.connectionLimit.map { "\($0) requests a month" } ?? "unlimited requests" })
            throw Problem(
                .paymentRequired, slug: "plan-limit-reached", title: "Your plan's connection requests are used up",
                detail: "The \(plan.name) plan allows \(limit) connection requests a month and you have used \(limit). The count resets on \(resets); a paid plan allows more.",
                errors: ["plan": ["\(limit) connection requests a month, all used; resets \(resets)"], "upgrade": upgrades])
        }
    }

    /// How many requests are left this month (nil: unlimited), for the client to show.
    func connectionRequestsLeft(for buyer: User) async throws -> Int? {
        let (subscription, plan) = try await current(for: buyer)
        guard let limit = plan.connectionLimit else { return nil }
        return max(0, limit - (try await usage(of: subscription)).connectionsUsed)
    }

    /// Listings that count against a seller's plan: waiting for review or published.
    static let activeListingStatuses: [Listing.Status] = [.pendingApproval, .published]

    func activeListings(of seller: User, excluding listingID: UUID? = nil) async throws -> Int {
        let query = Listing.query(on: db).filter(\.$seller.$id == (try seller.requireID())).filter(\.$status ~~ Self.activeListingStatuses)
        if let listingID { query.filter(\.$id != listingID) }
        return try await query.count()
    }

    /// Holds the user's row for the rest of the transaction, so that concurrent submissions of one seller
    /// are counted one after another (`lockUserRow`). Call it first in a transaction, then
    /// `ensureListingAllowed`, then write.
    static func serializeLimits(of user: User, on db: any Database) async throws {
        try await lockUserRow(try user.requireID(), on: db)
    }

    /// Refuses (402) to submit one more listing for review beyond the plan's active listings. A
    /// downgrade or a lapse keeps the listings that exist and blocks new ones.
    func ensureListingAllowed(for seller: User, submitting listingID: UUID? = nil) async throws {
        let plan = try await current(for: seller).plan
        guard let limit = plan.listingLimit else { return }
        let active = try await activeListings(of: seller, excluding: listingID)
        guard active >= limit else { return }
        let upgrades = try await upgrades(from: plan, userType: "seller", describe: { $0.listingLimit.map { "\($0) active listings" } ?? "unlimited listings" })
        let noun = limit == 1 ? "1 active listing" : "\(limit) active listings"
        throw Problem(
            .paymentRequired, slug: "plan-limit-reached", title: "Your plan's listings are used up",
            detail: "The \(plan.name) plan allows \(noun) (waiting for review or published) and you have \(active). Upgrade with POST /api/v1/subscriptions/purchase (\(upgrades.joined(separator: "; "))), or withdraw or archive a listing first.",
            errors: ["plan": [plan.name], "limit": [noun], "upgrade": upgrades])
    }

    /// The paid plans above `plan` for this kind of user, as `code: what it allows` lines.
    private func upgrades(from plan: Plan, userType: String, describe: (Plan) -> String) async throws -> [String] {
        try await Plan.query(on: db).filter(\.$userType == userType).filter(\.$isActive == true)
            .filter(\.$sortOrder > plan.sortOrder).sort(\.$sortOrder).all()
            .map { "\($0.code) (\($0.name)): \(describe($0))" }
    }
}
