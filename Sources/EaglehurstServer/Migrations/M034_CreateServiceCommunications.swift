import Fluent
import SQLKit

struct CreateServiceCommunications: AsyncMigration {
    var name: String { "034_create_service_communications" }

    func prepare(on database: any Database) async throws {
        try await database.schema("service_communications")
            .id()
            .field("service_request_id", .uuid, .required, .references("service_requests", "id", onDelete: .cascade))
            .field("sender_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("sender_type", .string, .required)
            .field("message", .string, .required)
            .field("created_at", .datetime, .required)
            .field("seq", .int64, .required)
            .create()
        try await database.sql.create(index: "service_communications_thread")
            .on("service_communications").column("service_request_id").column("seq").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_communications").delete()
    }
}
