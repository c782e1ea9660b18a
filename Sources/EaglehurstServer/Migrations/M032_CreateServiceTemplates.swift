import Fluent

/// The kinds of request a user starts from, each with a description to edit; the catalogue is
/// product content, so every database gets it.
struct CreateServiceTemplates: AsyncMigration {
    var name: String { "032_create_service_templates" }

    func prepare(on database: any Database) async throws {
        try await database.schema("service_templates")
            .id()
            .field("template_name", .string, .required)
            .field("service_type", .string, .required)
            .field("description", .string)
            .field("content", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "template_name")
            .create()
        for template in ServiceTemplate.catalogue() {
            try await template.create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_templates").delete()
    }
}
