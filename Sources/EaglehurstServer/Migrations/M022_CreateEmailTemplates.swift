import Fluent
import Foundation

/// Mail templates: `{{name}}` placeholders filled from the notification's variables.
struct CreateEmailTemplates: AsyncMigration {
    var name: String { "022_create_email_templates" }

    func prepare(on database: any Database) async throws {
        try await database.schema("email_templates")
            .id()
            .field("template_name", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("variables", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "template_name")
            .create()
        for template in EmailTemplate.defaults() {
            try await template.create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("email_templates").delete()
    }
}
