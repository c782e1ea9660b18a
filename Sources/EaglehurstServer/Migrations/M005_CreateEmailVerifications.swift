import Fluent

struct CreateEmailVerifications: AsyncMigration {
    var name: String { "005_create_email_verifications" }

    func prepare(on database: any Database) async throws {
        try await database.schema("email_verifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("otp_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("failed_attempts", .int, .required, .sql(.default(0)))
            .field("is_used", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("email_verifications").delete()
    }
}
