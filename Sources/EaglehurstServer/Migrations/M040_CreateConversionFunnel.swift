import Fluent
import Foundation
import SQLKit

/// The steps each user has reached (registered → email_verified → first_search → first_save →
/// first_request → accepted → subscribed), each once per user: the unique key makes a second
/// insert of the same step a no-op however many requests race to record it. Users who registered
/// before the table existed get their `registered` (and `email_verified`) steps here.
struct CreateConversionFunnel: AsyncMigration {
    var name: String { "040_create_conversion_funnel" }

    func prepare(on database: any Database) async throws {
        try await database.schema("conversion_funnel")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("step_name", .string, .required)
            .field("completed_at", .datetime, .required)
            .unique(on: "user_id", "step_name")
            .create()
        let sql = database.sql
        try await sql.create(index: "conversion_funnel_step").on("conversion_funnel")
            .column("step_name").column("completed_at").run()
        let users = try await sql.raw("SELECT id, created_at, email_verified, email_verified_at FROM users").all()
        for user in users {
            let id = try user.decode(column: "id", as: UUID.self)
            let created = try user.decode(column: "created_at", as: Date?.self) ?? Date()
            var steps: [(String, Date)] = [("registered", created)]
            if try user.decode(column: "email_verified", as: Bool.self) {
                steps.append(("email_verified", try user.decode(column: "email_verified_at", as: Date?.self) ?? created))
            }
            for (step, at) in steps {
                try await sql.insert(into: "conversion_funnel").columns("id", "user_id", "step_name", "completed_at")
                    .values(SQLBind(UUID()), SQLBind(id), SQLBind(step), SQLBind(at)).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("conversion_funnel").delete()
    }
}
