import Fluent
import SQLKit

/// What users do, one row per event (sign-in, search, listing view, save, request, message, purchase…),
/// written in batches by `AnalyticsLog`. `metadata` is a small JSON object; `activity_date` (UTC day)
/// lets the daily roll-up and per-day series group without date functions.
struct CreateUserActivities: AsyncMigration {
    var name: String { "037_create_user_activities" }

    func prepare(on database: any Database) async throws {
        try await database.schema("user_activities")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("activity_type", .string, .required)
            .field("metadata", .string, .required)
            .field("activity_date", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "user_activities_user").on("user_activities")
            .column("user_id").column("activity_type").column("activity_date").run()
        try await sql.create(index: "user_activities_day").on("user_activities")
            .column("activity_date").column("activity_type").column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("user_activities").delete()
    }
}
