import EaglehurstAPI
import Fluent
import Foundation
import Vapor

extension APIHandler {
    /// What the caller's plan allows this month and how much of it is used: the TUI shows a buyer
    /// the connection requests left before they ask. Listings used counts the seller's listings
    /// created this period (drafts included), read from `listings` rather than a counter.
    func subscriptionsUsage(_ input: Operations.SubscriptionsUsage.Input) async throws -> Operations.SubscriptionsUsage.Output {
        let user = try await auth.user(.verified)
        let db = try RequestContext.request.db
        let plans = PlanService(app: app, db: db)
        let (subscription, plan) = try await plans.current(for: user)
        let usage = try await plans.usage(of: subscription)
        let period = plans.period(containing: plans.now)
        let listingsUsed = try await Listing.query(on: db).filter(\.$seller.$id == user.requireID())
            .filter(\.$createdAt >= period.startDate).count()
        return .ok(.init(body: .json(.init(
            subscriptionId: try subscription.requireID(), planName: plan.name, periodStart: period.startDate, periodEnd: period.resets,
            connectionsUsed: usage.connectionsUsed, connectionsLimit: plan.connectionLimit,
            listingsUsed: listingsUsed, listingsLimit: plan.listingLimit))))
    }
}
