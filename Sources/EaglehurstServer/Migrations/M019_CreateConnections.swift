import Fluent
import SQLKit

struct CreateConnections: AsyncMigration {
    var name: String { "019_create_connections" }

    func prepare(on database: any Database) async throws {
        try await database.schema("connections")
            .id()
            .field("listing_id", .uuid, .required, .references("listings", "id", onDelete: .cascade))
            .field("buyer_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("seller_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("initial_message", .string, .required)
            .field("response_message", .string)
            .field("blocked_by", .uuid)
            .field("blocked_reason", .string)
            .field("responded_at", .datetime)
            .field("last_message_at", .datetime)
            .field("last_message_preview", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = database.sql
        // One open request per buyer and listing; a rejected or blocked one does not count.
        try await sql.raw("""
            CREATE UNIQUE INDEX connections_open_per_buyer ON connections (buyer_id, listing_id)
            WHERE status IN ('pending', 'accepted')
            """).run()
        try await sql.create(index: "connections_buyer").on("connections").column("buyer_id").column("updated_at").run()
        try await sql.create(index: "connections_seller").on("connections").column("seller_id").column("updated_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("connections").delete()
    }
}
