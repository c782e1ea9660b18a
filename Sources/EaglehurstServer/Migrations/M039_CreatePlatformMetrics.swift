import Fluent

/// The daily roll-up: one value per metric, category (e.g. a user type, or `all`) and UTC day.
/// Written only by `PlatformMetricsRollup` with an upsert on the unique key, so running it twice,
/// or on several servers, leaves the same rows.
struct CreatePlatformMetrics: AsyncMigration {
    var name: String { "039_create_platform_metrics" }

    func prepare(on database: any Database) async throws {
        try await database.schema("platform_metrics")
            .id()
            .field("metric_date", .string, .required)
            .field("metric_name", .string, .required)
            .field("category", .string, .required)
            .field("value", .int64, .required)
            .field("computed_at", .datetime, .required)
            .unique(on: "metric_date", "metric_name", "category")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("platform_metrics").delete()
    }
}
