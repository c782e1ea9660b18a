import Fluent

/// A change to a published listing, field by field, waiting for an admin.
struct CreateListingEdits: AsyncMigration {
    var name: String { "013_create_listing_edits" }

    func prepare(on database: any Database) async throws {
        try await database.schema("listing_edits")
            .id()
            .field("listing_id", .uuid, .required, .references("listings", "id", onDelete: .cascade))
            .field("field_name", .string, .required)
            .field("old_value", .string)
            .field("new_value", .string)
            .field("status", .string, .required, .sql(.default("pending")))
            .field("reviewed_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("listing_edits").delete()
    }
}
