import Fluent
import SQLKit

/// The general request limit's token buckets, one row per client address or user (`a:<address>`,
/// `u:<user id>`), shared by every server on one PostgreSQL. Times are seconds since 1970 as a
/// double, so the refill is plain arithmetic in the one UPSERT that takes a token. SQLite (one
/// process) keeps its buckets in memory; the table exists there too, unused.
struct CreateRateLimitBuckets: AsyncMigration {
    var name: String { "044_create_rate_limit_buckets" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE TABLE rate_limit_buckets (
                "key" TEXT PRIMARY KEY,
                capacity DOUBLE PRECISION NOT NULL,
                rate DOUBLE PRECISION NOT NULL,
                tokens DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                allowed BOOLEAN NOT NULL
            )
            """).run()
        try await database.sql.create(index: "rate_limit_buckets_updated")
            .on("rate_limit_buckets").column("updated_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE rate_limit_buckets").run()
    }
}
