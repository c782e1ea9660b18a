import Fluent
import SQLKit

struct CreateNotifications: AsyncMigration {
    var name: String { "021_create_notifications" }

    func prepare(on database: any Database) async throws {
        try await database.schema("notifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("title", .string, .required)
            .field("message", .string, .required)
            .field("is_read", .bool, .required, .sql(.default(false)))
            .field("action_url", .string)
            .field("read_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "notifications_user")
            .on("notifications").column("user_id").column("is_read").column("created_at").run()
        try await database.schema("notification_preferences")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("email_enabled", .bool, .required)
            .field("push_enabled", .bool, .required)
            .unique(on: "user_id", "type")
            .create()
        try await database.schema("notification_logs")
            .id()
            .field("notification_id", .uuid, .required, .references("notifications", "id", onDelete: .cascade))
            .field("channel", .string, .required)
            .field("delivery_status", .string, .required)
            .field("detail", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("push_devices")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("platform", .string, .required)
            .field("is_active", .bool, .required, .sql(.default(true)))
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "user_id", "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["push_devices", "notification_logs", "notification_preferences", "notifications"] {
            try await database.schema(table).delete()
        }
    }
}
