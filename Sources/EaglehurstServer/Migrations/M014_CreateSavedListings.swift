import Fluent

struct CreateSavedListings: AsyncMigration {
    var name: String { "014_create_saved_listings" }

    func prepare(on database: any Database) async throws {
        try await database.schema("saved_listings")
            .id()
            .field("buyer_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("listing_id", .uuid, .required, .references("listings", "id", onDelete: .cascade))
            .field("notes", .string)
            .field("created_at", .datetime)
            .unique(on: "buyer_id", "listing_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("saved_listings").delete()
    }
}
