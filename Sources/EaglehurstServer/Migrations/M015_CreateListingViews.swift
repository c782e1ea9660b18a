import Fluent

/// One row per viewer per listing per day (`viewer_key` is the user id, or the address when anonymous).
struct CreateListingViews: AsyncMigration {
    var name: String { "015_create_listing_views" }

    func prepare(on database: any Database) async throws {
        try await database.schema("listing_views")
            .id()
            .field("listing_id", .uuid, .required, .references("listings", "id", onDelete: .cascade))
            .field("viewer_id", .uuid)
            .field("viewer_key", .string, .required)
            .field("view_date", .string, .required)
            .field("ip_address", .string)
            .field("user_agent", .string)
            .field("viewed_at", .datetime, .required)
            .unique(on: "listing_id", "viewer_key", "view_date")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("listing_views").delete()
    }
}
