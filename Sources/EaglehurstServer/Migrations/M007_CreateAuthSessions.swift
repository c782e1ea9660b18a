import Fluent

/// A sign-in: the family of refresh tokens that rotate from one login.
struct CreateAuthSessions: AsyncMigration {
    var name: String { "007_create_auth_sessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("auth_sessions")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("revoked_at", .datetime)
            .field("revoked_reason", .string)
            .field("user_agent", .string)
            .field("ip_address", .string)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .create()
        try await database.schema("refresh_tokens")
            .id()
            .field("session_id", .uuid, .required, .references("auth_sessions", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("rotated_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("refresh_tokens").delete()
        try await database.schema("auth_sessions").delete()
    }
}
