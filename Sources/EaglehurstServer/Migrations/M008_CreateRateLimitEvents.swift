import Fluent
import SQLKit

/// Attempts counted by the rate limiter; in the database so that several servers share the count.
struct CreateRateLimitEvents: AsyncMigration {
    var name: String { "008_create_rate_limit_events" }

    func prepare(on database: any Database) async throws {
        try await database.schema("rate_limit_events")
            .id()
            .field("bucket", .string, .required)
            .field("key", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "rate_limit_events_lookup")
            .on("rate_limit_events").column("bucket").column("key").column("created_at")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limit_events").delete()
    }
}
