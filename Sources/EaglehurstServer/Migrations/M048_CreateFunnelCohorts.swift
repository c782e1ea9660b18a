import Fluent
import SQLKit

/// The funnel rolled up by cohort: how many users who registered on `cohort_date` (UTC) had reached
/// each step by `analytics_rollups.as_of` of the `funnel` row. The roll-up replaces the whole
/// snapshot in one transaction, so running it twice leaves the same rows; the admin funnel sums at
/// most 365 cohorts per step and counts the steps completed since `as_of` live, by the index on
/// `completed_at`.
struct CreateFunnelCohorts: AsyncMigration {
    var name: String { "048_create_funnel_cohorts" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("""
            CREATE TABLE funnel_cohorts (
                cohort_date TEXT NOT NULL, step_name TEXT NOT NULL, users BIGINT NOT NULL, PRIMARY KEY (cohort_date, step_name))
            """).run()
        try await database.schema("analytics_rollups")
            .field("name", .string, .identifier(auto: false))
            .field("as_of", .datetime, .required)
            .field("computed_at", .datetime, .required)
            .create()
        try await sql.create(index: "conversion_funnel_completed").on("conversion_funnel").column("completed_at").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "conversion_funnel_completed").run()
        try await database.schema("analytics_rollups").delete()
        try await sql.raw("DROP TABLE funnel_cohorts").run()
    }
}
