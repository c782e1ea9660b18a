import Fluent
import SQLKit

struct CreateServiceRequests: AsyncMigration {
    var name: String { "033_create_service_requests" }

    func prepare(on database: any Database) async throws {
        try await database.schema("service_requests")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("listing_id", .uuid, .references("listings", "id", onDelete: .setNull))
            .field("connection_id", .uuid, .references("connections", "id", onDelete: .setNull))
            .field("preferred_provider_id", .uuid, .references("service_providers", "id", onDelete: .setNull))
            .field("provider_id", .uuid, .references("service_providers", "id", onDelete: .setNull))
            .field("service_type", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("urgency", .string, .required)
            .field("urgency_rank", .int, .required)
            .field("status", .string, .required)
            .field("reviewed_at", .datetime)
            .field("assigned_at", .datetime)
            .field("started_at", .datetime)
            .field("completed_at", .datetime)
            .field("cancelled_at", .datetime)
            // How far each side has read the thread (a message's `seq`): the requester, and the desk.
            .field("requester_read_seq", .int64, .required, .sql(.default(0)))
            .field("desk_read_seq", .int64, .required, .sql(.default(0)))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "service_requests_user").on("service_requests").column("user_id").column("created_at").run()
        // The desk's queue: by status, most urgent first, oldest first.
        try await sql.create(index: "service_requests_queue").on("service_requests")
            .column("status").column("urgency_rank").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_requests").delete()
    }
}
