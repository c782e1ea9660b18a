import Fluent
import SQLKit

struct CreateServiceDocuments: AsyncMigration {
    var name: String { "035_create_service_documents" }

    func prepare(on database: any Database) async throws {
        try await database.schema("service_documents")
            .id()
            .field("service_request_id", .uuid, .required, .references("service_requests", "id", onDelete: .cascade))
            .field("uploaded_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("sender_type", .string, .required)
            .field("document_type", .string, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size_bytes", .int64, .required)
            .field("storage_key", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "service_documents_request")
            .on("service_documents").column("service_request_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_documents").delete()
    }
}
