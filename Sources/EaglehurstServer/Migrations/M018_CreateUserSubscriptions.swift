import Fluent

struct CreateUserSubscriptions: AsyncMigration {
    var name: String { "018_create_user_subscriptions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("user_subscriptions")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("subscription_id", .uuid, .required, .references("subscriptions", "id"))
            .field("status", .string, .required)
            .field("started_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("cancelled_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.schema("subscription_usage")
            .id()
            .field("user_subscription_id", .uuid, .required, .references("user_subscriptions", "id", onDelete: .cascade))
            .field("period_start", .string, .required)
            .field("connections_used", .int, .required, .sql(.default(0)))
            .field("listings_used", .int, .required, .sql(.default(0)))
            .unique(on: "user_subscription_id", "period_start")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscription_usage").delete()
        try await database.schema("user_subscriptions").delete()
    }
}
