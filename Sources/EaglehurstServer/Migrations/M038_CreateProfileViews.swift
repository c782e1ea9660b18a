import Fluent
import SQLKit

/// A seller's profile seen by another user, through one of their listings or a connection.
/// One row per viewer, profile, source and day (written in batches by `AnalyticsLog`).
struct CreateProfileViews: AsyncMigration {
    var name: String { "038_create_profile_views" }

    func prepare(on database: any Database) async throws {
        try await database.schema("profile_views")
            .id()
            .field("profile_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("viewer_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("source", .string, .required)
            .field("view_date", .string, .required)
            .field("viewed_at", .datetime, .required)
            .unique(on: "profile_id", "viewer_id", "source", "view_date")
            .create()
        try await database.sql.create(index: "profile_views_profile").on("profile_views")
            .column("profile_id").column("view_date").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("profile_views").delete()
    }
}
