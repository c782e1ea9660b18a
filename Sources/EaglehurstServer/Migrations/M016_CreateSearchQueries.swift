import Fluent

struct CreateSearchQueries: AsyncMigration {
    var name: String { "016_create_search_queries" }

    func prepare(on database: any Database) async throws {
        try await database.schema("search_queries")
            .id()
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("query_text", .string)
            .field("filters", .string, .required)
            .field("results_count", .int, .required)
            .field("searched_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("search_queries").delete()
    }
}
