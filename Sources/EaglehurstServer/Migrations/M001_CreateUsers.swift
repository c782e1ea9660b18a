import Fluent

struct CreateUsers: AsyncMigration {
    var name: String { "001_create_users" }

    func prepare(on database: any Database) async throws {
        let userType = try await database.enum("user_type")
            .case("buyer").case("seller").case("admin")
            .create()
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("user_type", userType, .required)
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("phone", .string)
            .field("email_verified", .bool, .required, .sql(.default(false)))
            .field("is_suspended", .bool, .required, .sql(.default(false)))
            .field("suspended_reason", .string)
            .field("avatar_path", .string)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
        try await database.enum("user_type").delete()
    }
}
