import Fluent
import SQLKit

struct CreateMessages: AsyncMigration {
    var name: String { "020_create_messages" }

    func prepare(on database: any Database) async throws {
        try await database.schema("messages")
            .id()
            .field("connection_id", .uuid, .required, .references("connections", "id", onDelete: .cascade))
            .field("sender_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("content", .string, .required)
            .field("message_type", .string, .required)
            .field("created_at", .datetime, .required)
            .field("seq", .int64, .required)
            .create()
        try await database.sql.create(index: "messages_thread")
            .on("messages").column("connection_id").column("seq").run()
        try await database.schema("message_reads")
            .id()
            .field("message_id", .uuid, .required, .references("messages", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("read_at", .datetime, .required)
            .unique(on: "message_id", "user_id")
            .create()
        try await database.schema("connection_notes")
            .id()
            .field("connection_id", .uuid, .required, .references("connections", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("notes", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "connection_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("connection_notes").delete()
        try await database.schema("message_reads").delete()
        try await database.schema("messages").delete()
    }
}
