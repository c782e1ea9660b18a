import Fluent
import Foundation
import SQLKit

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
        // Raw SQL, not the `Plan` model: the model grows with later migrations (see `ExtendPlanCatalogue`).
        try await database.sql.raw("""
            INSERT INTO subscriptions (id, code, name, description, price_pence, currency, billing_cycle,
              connection_limit, listing_limit, features, is_active, created_at)
            VALUES (\(bind: UUID()), \(bind: Plan.freeCode), 'Free', 'Browse every listing and ask about a few each month.', 0, 'GBP',
              'monthly', 3, 1, \(bind: #"["browse listings","3 connection requests a month","1 active listing"]"#), \(bind: true), \(bind: Date()))
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscriptions").delete()
    }
}
