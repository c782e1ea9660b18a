import Fluent

/// Gateway webhook events already handled, by the gateway's event id: a replayed event is a no-op.
struct CreatePaymentEvents: AsyncMigration {
    var name: String { "029_create_payment_events" }

    func prepare(on database: any Database) async throws {
        try await database.schema("payment_events")
            .id()
            .field("event_id", .string, .required)
            .field("type", .string, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "event_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("payment_events").delete()
    }
}
