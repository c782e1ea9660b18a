import Fluent

/// Stored cards (brand, last four, expiry and fingerprint only; never the number), each user's
/// customer at the gateway, and the local gateway's one-time card tokens.
struct CreatePaymentMethods: AsyncMigration {
    var name: String { "027_create_payment_methods" }

    func prepare(on database: any Database) async throws {
        try await database.schema("payment_customers")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("gateway", .string, .required)
            .field("customer_id", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id", "gateway")
            .create()
        try await database.schema("payment_methods")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("gateway", .string, .required)
            .field("gateway_id", .string, .required)
            .field("brand", .string, .required)
            .field("last4", .string, .required)
            .field("exp_month", .int, .required)
            .field("exp_year", .int, .required)
            .field("fingerprint", .string, .required)
            .field("is_default", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime)
            .unique(on: "gateway", "gateway_id")
            .create()
        try await database.schema("local_card_tokens")
            .id()
            .field("token", .string, .required)
            .field("brand", .string, .required)
            .field("last4", .string, .required)
            .field("exp_month", .int, .required)
            .field("exp_year", .int, .required)
            .field("fingerprint", .string, .required)
            .field("outcome", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "token")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("local_card_tokens").delete()
        try await database.schema("payment_methods").delete()
        try await database.schema("payment_customers").delete()
    }
}
