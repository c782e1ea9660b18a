import Fluent

/// KYC documents a user uploaded for verification.
struct CreateUserDocuments: AsyncMigration {
    var name: String { "009_create_user_documents" }

    func prepare(on database: any Database) async throws {
        try await database.schema("user_documents")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("document_type", .string, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size_bytes", .int64, .required)
            .field("storage_key", .string, .required)
            .field("status", .string, .required, .sql(.default("pending")))
            .field("review_notes", .string)
            .field("uploaded_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("user_documents").delete()
    }
}
