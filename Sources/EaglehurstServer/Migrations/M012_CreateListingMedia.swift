import Fluent

struct CreateListingMedia: AsyncMigration {
    var name: String { "012_create_listing_media" }

    func prepare(on database: any Database) async throws {
        try await database.schema("listing_media")
            .id()
            .field("listing_id", .uuid, .required, .references("listings", "id", onDelete: .cascade))
            .field("media_type", .string, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size_bytes", .int64, .required)
            .field("storage_key", .string, .required)
            .field("caption", .string)
            .field("display_order", .int, .required)
            .field("is_confidential", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("listing_media").delete()
    }
}
