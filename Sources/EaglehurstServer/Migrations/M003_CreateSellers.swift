import Fluent

struct CreateSellers: AsyncMigration {
    var name: String { "003_create_sellers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("sellers")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("business_name", .string)
            .field("business_description", .string)
            .field("business_address", .string)
            .field("company_number", .string)
            .field("vat_number", .string)
            .field("website", .string)
            .field("years_in_business", .int)
            .field("verification_status", .string, .required, .sql(.default("unverified")))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sellers").delete()
    }
}
