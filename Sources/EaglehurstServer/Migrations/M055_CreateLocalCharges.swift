import Fluent

/// The local gateway's charges between `prepare` and their outcome (`LocalCharge`), so a purchase
/// whose answer was lost can be asked about as a Stripe PaymentIntent can.
struct CreateLocalCharges: AsyncMigration {
    var name: String { "055_create_local_charges" }

    func prepare(on database: any Database) async throws {
        try await database.schema("local_charges")
            .id()
            .field("gateway_id", .string, .required)
            .field("card_token", .string, .required)
            .field("amount_pence", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("failure_code", .string)
            .field("failure_reason", .string)
            .field("created_at", .datetime)
            .unique(on: "gateway_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("local_charges").delete()
    }
}
