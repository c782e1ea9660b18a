import Fluent
import Foundation
import SQLKit
import Vapor

/// Which plan a user is on and what it still allows this month.
struct PlanService {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }

    /// The user's active subscription, putting them on the free plan when they have none.
    func current(for user: User) async throws -> (subscription: UserSubscription, plan: Plan) {
        let userID = try user.requireID()
        if let active = try await UserSubscription.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$status == .active).with(\.$plan).sort(\.$startedAt, .descending).first(),
           active.expiresAt.map({ $0 > now }) ?? true {
            return (active, active.plan)
        }
        guard let free = try await Plan.query(on: db).filter(\.$code == Plan.freeCode).first() else {
            throw Problem(.internalServerError, slug: "internal", title: "The free plan is missing")
        }
        let subscription = UserSubscription()
        subscription.$user.id = userID
        subscription.$plan.id = try free.requireID()
        subscription.status = .active
        subscription.startedAt = now
        try await subscription.create(on: db)
        return (subscription, free)
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
            try await (db as! any SQLDatabase).raw(
                "UPDATE subscription_usage SET connections_used = connections_used + 1 WHERE id = \(bind: try usage.requireID())").run()
            return
        }
        let updated = try await (db as! any SQLDatabase).raw("""
            UPDATE subscription_usage SET connections_used = connections_used + 1
            WHERE id = \(bind: try usage.requireID()) AND connections_used < \(bind: limit)
            RETURNING id
            """).all()
        guard !updated.isEmpty else {
            let resets = period(containing: now).resets.formatted(.iso8601.year().month().day())
            throw Problem(
                .paymentRequired, slug: "plan-limit-reached", title: "Your plan's connection requests are used up",
                detail: "The \(plan.name) plan allows \(limit) connection requests a month and you have used \(limit). The count resets on \(resets); a paid plan allows more.",
                errors: ["plan": ["\(limit) connection requests a month, all used; resets \(resets)"]])
        }
    }

    /// How many requests are left this month (nil: unlimited), for the client to show.
    func connectionRequestsLeft(for buyer: User) async throws -> Int? {
        let (subscription, plan) = try await current(for: buyer)
        guard let limit = plan.connectionLimit else { return nil }
        return max(0, limit - (try await usage(of: subscription)).connectionsUsed)
    }
}
