import Fluent

/// What a listing's photos need to be shown: the thumbnails libvips makes off the request path
/// (`card_key` 320 px, `view_key` 1280 px, both in the `FileStore`), the original's size with its
/// orientation applied, and whether an admin has approved the item (media added to a published
/// listing waits, like a field edit).
struct AddListingMediaFiles: AsyncMigration {
    var name: String { "050_add_listing_media_files" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for (column, type) in [("card_key", DatabaseSchema.DataType.string), ("view_key", .string), ("width", .int), ("height", .int)] {
            try await database.schema("listing_media").field(.string(column), type).update()
        }
        try await database.schema("listing_media")
            .field("review_status", .string, .required, .sql(.default("approved")))
            .update()
    }

    func revert(on database: any Database) async throws {
        for column in ["card_key", "view_key", "width", "height", "review_status"] {
            try await database.schema("listing_media").deleteField(.string(column)).update()
        }
    }
}
