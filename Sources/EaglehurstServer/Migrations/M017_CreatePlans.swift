import Fluent
import Foundation

/// Subscription plans, with the free plan every buyer starts on.
struct CreatePlans: AsyncMigration {
    var name: String { "017_create_plans" }

    func prepare(on database: any Database) async throws {
        try await database.schema("subscriptions")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("description", .string)
            .field("price_pence", .int64, .required)
            .field("currency", .string, .required)
            .field("billing_cycle", .string, .required)
            .field("connection_limit", .int)
            .field("listing_limit", .int)
            .field("features", .string, .required, .sql(.default("[]")))
            .field("is_active", .bool, .required, .sql(.default(true)))
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        let free = Plan()
        free.code = Plan.freeCode
        free.name = "Free"
        free.planDescription = "Browse every listing and ask about a few each month."
        free.pricePence = 0
        free.currency = "GBP"
        free.billingCycle = "monthly"
        free.connectionLimit = 3
        free.listingLimit = 1
        free.features = #"["browse listings","3 connection requests a month","1 active listing"]"#
        free.isActive = true
        try await free.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscriptions").delete()
    }
}
