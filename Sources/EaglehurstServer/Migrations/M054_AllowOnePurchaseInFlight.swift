import Fluent
import Foundation
import SQLKit

/// At most one purchase in flight per user: a unique index over the user of `pending` purchases, so
/// the claim of a second purchase sent meanwhile fails instead of charging again (SQLite and
/// PostgreSQL both take the partial index).
///
/// Purchases left `pending` before this were charged in one step, without a gateway id to ask about,
/// and would stop their users from buying again: they are marked `failed` with the code
/// `unverified` and a reason that says how to look them up at the gateway. The revert drops the
/// index and leaves those rows as they are: what the gateway did is not known either way.
struct AllowOnePurchaseInFlight: AsyncMigration {
    var name: String { "054_allow_one_purchase_in_flight" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("""
            UPDATE payments SET status = 'failed', failure_code = 'unverified',
                failure_reason = 'Left pending by an earlier version of the server, which did not keep the gateway''s id; look it up at the gateway by the metadata eaglehurst_payment_id.'
            WHERE kind = 'purchase' AND status = 'pending'
            """).run()
        try await sql.raw("""
            CREATE UNIQUE INDEX payments_one_purchase_in_flight ON payments (user_id)
            WHERE status = 'pending' AND kind = 'purchase'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX payments_one_purchase_in_flight").run()
    }
}
