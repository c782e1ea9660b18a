import Fluent

/// What a paid subscription needs to renew: its cycle and current period, the card it renews with,
/// cancellation at the period's end, and the failed-payment state (`past_due` attempts and the next try).
struct AddSubscriptionBilling: AsyncMigration {
    var name: String { "026_add_subscription_billing" }

    static let fields = [
        "billing_cycle", "current_period_start", "current_period_end", "cancel_at_period_end", "payment_method_id",
        "gateway_subscription_id", "failed_payment_attempts", "next_payment_attempt_at", "reminded_for_period_end",
    ]

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        let schema = { database.schema("user_subscriptions") }
        try await schema().field("billing_cycle", .string, .required, .sql(.default("monthly"))).update()
        try await schema().field("current_period_start", .datetime).update()
        try await schema().field("current_period_end", .datetime).update()
        try await schema().field("cancel_at_period_end", .bool, .required, .sql(.default(false))).update()
        try await schema().field("payment_method_id", .uuid).update()
        try await schema().field("gateway_subscription_id", .string).update()
        try await schema().field("failed_payment_attempts", .int, .required, .sql(.default(0))).update()
        try await schema().field("next_payment_attempt_at", .datetime).update()
        try await schema().field("reminded_for_period_end", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for field in Self.fields {
            try await database.schema("user_subscriptions").deleteField(.key(.init(stringLiteral: field))).update()
        }
    }
}
