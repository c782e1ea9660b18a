import Fluent

/// KYC verification state on the user, and when the email was verified.
struct AddUserVerification: AsyncMigration {
    var name: String { "002_add_user_verification" }

    /// One column per ALTER TABLE: SQLite adds a single column per statement.
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("verification_status", .string, .required, .sql(.default("unverified"))).update()
        try await database.schema("users").field("verification_notes", .string).update()
        try await database.schema("users").field("verified_at", .datetime).update()
        try await database.schema("users").field("email_verified_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["verification_status", "verification_notes", "verified_at", "email_verified_at"] {
            try await database.schema("users").deleteField(.key(.string(field))).update()
        }
    }
}
