import Fluent
import SQLKit

/// PostgreSQL's weighted tsvector and its GIN index no longer serve any query: words are matched
/// and ranked by the in-memory `ListingIndex` on both engines, so the column only cost every write
/// of a listing. SQLite keeps its FTS5 table, the reference the index is tested against
/// (`ListingIndexTests`), which its triggers keep current.
struct DropListingTsvector: AsyncMigration {
    var name: String { "038_drop_listing_tsvector" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        guard sql.dialect.name != "sqlite" else { return }
        try await sql.raw("DROP INDEX listings_search").run()
        try await sql.raw("ALTER TABLE listings DROP COLUMN search").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        guard sql.dialect.name != "sqlite" else { return }
        try await sql.raw("""
            ALTER TABLE listings ADD COLUMN search tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                setweight(to_tsvector('english', coalesce(location, '')), 'B') ||
                setweight(to_tsvector('english', coalesce(description, '')), 'C')
            ) STORED
            """).run()
        try await sql.raw("CREATE INDEX listings_search ON listings USING GIN (search)").run()
    }
}
