import Fluent

/// Firms that take service requests (solicitors, valuers, accountants). `services` and `regions`
/// are comma-separated lists: the catalogue is small and always read whole.
struct CreateServiceProviders: AsyncMigration {
    var name: String { "031_create_service_providers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("service_providers")
            .id()
            .field("company_name", .string, .required)
            .field("services", .string, .required)
            .field("regions", .string, .required)
            .field("description", .string)
            .field("contact_email", .string)
            .field("contact_phone", .string)
            .field("website", .string)
            .field("rating", .double, .required)
            .field("review_count", .int, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "company_name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_providers").delete()
    }
}
