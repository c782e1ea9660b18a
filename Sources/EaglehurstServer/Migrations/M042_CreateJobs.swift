import Fluent
import SQLKit

/// The durable job queue: work taken off the request path (mail, notification fan-out) waits here
/// until a worker claims it. A job is `queued` (due at `run_at`), `running` (claimed under `claim`
/// until `locked_until`; a worker that dies leaves it to be claimed again after that) or `dead`
/// (it failed `max_attempts` times). A finished job is deleted.
struct CreateJobs: AsyncMigration {
    var name: String { "042_create_jobs" }

    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("claim", .uuid)
            .field("locked_until", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "jobs_due")
            .on("jobs").column("state").column("run_at")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
