import Fluent

/// The mail that tells a requester (and the desk) what changed on a service request.
struct AddServiceRequestEmailTemplate: AsyncMigration {
    var name: String { "036_add_service_request_email_template" }

    func prepare(on database: any Database) async throws {
        try await EmailTemplate(
            name: "service_request", subject: "Eaglehurst: {{title}}",
            body: """
            Hello {{first_name}},

            {{message}}

            Open Eaglehurst to see the request, its messages and documents ({{action_url}}).

            — Eaglehurst
            """,
            variables: ["first_name", "title", "message", "action_url"]
        ).create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await EmailTemplate.query(on: database).filter(\.$templateName == "service_request").delete()
    }
}
