import Fluent

/// Every payment attempt: purchases and renewals, succeeded or not, with net, VAT and total.
/// `claim_key` is unique: a purchase's idempotency key or a renewal's period is claimed by
/// inserting the row before the gateway is asked, so one key or one period is charged once.
struct CreatePayments: AsyncMigration {
    var name: String { "028_create_payments" }

    func prepare(on database: any Database) async throws {
        try await database.schema("payments")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("user_subscription_id", .uuid, .references("user_subscriptions", "id", onDelete: .setNull))
            .field("plan_id", .uuid, .required, .references("subscriptions", "id"))
            .field("payment_method_id", .uuid, .references("payment_methods", "id", onDelete: .setNull))
            .field("kind", .string, .required)
            .field("billing_cycle", .string, .required)
            .field("net_pence", .int64, .required)
            .field("vat_pence", .int64, .required)
            .field("vat_rate_percent", .int, .required)
            .field("amount_pence", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("gateway", .string, .required)
            .field("gateway_payment_id", .string)
            .field("failure_code", .string)
            .field("failure_reason", .string)
            .field("claim_key", .string, .required)
            .field("description", .string, .required)
            .field("period_start", .datetime)
            .field("period_end", .datetime)
            .field("created_at", .datetime)
            .field("paid_at", .datetime)
            .unique(on: "claim_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("payments").delete()
    }
}
