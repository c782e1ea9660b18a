import Fluent
import SQLKit

/// Indexes the analytics read by: per-user and per-day figures over the operational tables.
struct AddAnalyticsIndexes: AsyncMigration {
    var name: String { "041_add_analytics_indexes" }

    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("users_created", "users", ["created_at", "user_type"]),
        ("users_suspended", "users", ["is_suspended"]),
        ("users_verification", "users", ["verification_status"]),
        ("users_email_verified", "users", ["email_verified"]),
        ("users_last_login", "users", ["last_login_at"]),
        ("user_subscriptions_plan", "user_subscriptions", ["subscription_id", "status"]),
        ("connections_status", "connections", ["status"]),
        ("listings_created", "listings", ["created_at"]),
        ("listing_views_day", "listing_views", ["view_date", "listing_id"]),
        ("listing_views_viewer", "listing_views", ["viewer_id", "view_date"]),
        ("search_queries_user", "search_queries", ["user_id", "searched_at"]),
        ("search_queries_time", "search_queries", ["searched_at"]),
        ("connections_created", "connections", ["created_at"]),
        ("connections_responded", "connections", ["responded_at", "status"]),
        ("messages_sender", "messages", ["sender_id", "created_at"]),
        ("messages_created", "messages", ["created_at"]),
        ("payments_paid", "payments", ["paid_at", "status"]),
        ("payments_created", "payments", ["created_at", "status"]),
        ("saved_listings_created", "saved_listings", ["created_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            var create = sql.create(index: SQLIdentifier(index.name)).on(index.table)
            for column in index.columns { create = create.column(column) }
            try await create.run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes.reversed() {
            try await sql.drop(index: SQLIdentifier(index.name)).run()
        }
    }
}
