import Fluent

struct CreateBuyers: AsyncMigration {
    var name: String { "004_create_buyers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("buyers")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("preferences", .string, .required, .sql(.default("{}")))
            .field("subscription_id", .uuid)
            .field("verification_status", .string, .required, .sql(.default("unverified")))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("buyers").delete()
    }
}
