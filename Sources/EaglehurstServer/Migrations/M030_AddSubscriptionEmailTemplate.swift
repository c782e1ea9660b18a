import Fluent

/// The mail for subscription news: receipts, failed payments, renewal reminders and cancellations.
struct AddSubscriptionEmailTemplate: AsyncMigration {
    var name: String { "030_add_subscription_email_template" }

    func prepare(on database: any Database) async throws {
        try await EmailTemplate(
            name: "subscription", subject: "Eaglehurst: {{title}}",
            body: """
            Hello {{first_name}},

            {{message}}

            Open Eaglehurst to see your plan and invoices ({{action_url}}).

            — Eaglehurst
            """,
            variables: ["first_name", "title", "message", "action_url"]
        ).create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await EmailTemplate.query(on: database).filter(\.$templateName == "subscription").delete()
    }
}
