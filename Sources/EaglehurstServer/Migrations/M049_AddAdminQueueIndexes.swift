import Fluent
import SQLKit

/// Indexes that answer the admin figures from the index alone: listings waiting with edits
/// (distinct listings among pending edits) and the active paid subscriptions by plan and cycle
/// behind MRR.
struct AddAdminQueueIndexes: AsyncMigration {
    var name: String { "049_add_admin_queue_indexes" }

    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("listing_edits_status", "listing_edits", ["status", "listing_id"]),
        ("user_subscriptions_status_plan", "user_subscriptions", ["status", "subscription_id", "billing_cycle"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in Self.indexes {
            var create = sql.create(index: SQLIdentifier(index.name)).on(index.table)
            for column in index.columns { create = create.column(column) }
            try await create.run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in Self.indexes.reversed() {
            try await sql.drop(index: SQLIdentifier(index.name)).run()
        }
    }
}
