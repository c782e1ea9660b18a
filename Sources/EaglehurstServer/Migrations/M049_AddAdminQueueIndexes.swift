import Fluent
import SQLKit

/// Indexes that answer the admin figures from the index alone: listings waiting with edits
/// (distinct listings among pending edits), the active paid subscriptions by plan and cycle behind
/// MRR, renewals due (the job backlog), and subscriptions started or ended on a day (today's
/// figures), the last by the moment a subscription stopped being active, for ended ones only.
struct AddAdminQueueIndexes: AsyncMigration {
    var name: String { "049_add_admin_queue_indexes" }

    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("listing_edits_status", "listing_edits", ["status", "listing_id"]),
        ("user_subscriptions_status_plan", "user_subscriptions", ["status", "subscription_id", "billing_cycle"]),
        ("user_subscriptions_renewal_due", "user_subscriptions", ["status", "cancel_at_period_end", "current_period_end"]),
        ("user_subscriptions_started", "user_subscriptions", ["started_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            var create = sql.create(index: SQLIdentifier(index.name)).on(index.table)
            for column in index.columns { create = create.column(column) }
            try await create.run()
        }
        try await sql.raw("""
            CREATE INDEX user_subscriptions_ended ON user_subscriptions ((COALESCE(expires_at, cancelled_at)))
            WHERE status IN ('cancelled', 'expired')
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "user_subscriptions_ended").run()
        for index in Self.indexes.reversed() {
            try await sql.drop(index: SQLIdentifier(index.name)).run()
        }
    }
}
