import Fluent
import SQLKit

/// Full-text search over title, description and location: an FTS5 table kept in step by triggers
/// on SQLite, a generated, weighted tsvector with a GIN index on PostgreSQL.
struct CreateListingSearch: AsyncMigration {
    var name: String { "011_create_listing_search" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for statement in [
                """
                CREATE VIRTUAL TABLE listings_fts USING fts5(
                    title, description, location, content='listings', content_rowid='rowid',
                    tokenize='porter unicode61')
                """,
                """
                CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings BEGIN
                    INSERT INTO listings_fts(rowid, title, description, location)
                    VALUES (new.rowid, new.title, new.description, new.location);
                END
                """,
                """
                CREATE TRIGGER listings_fts_delete AFTER DELETE ON listings BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, description, location)
                    VALUES ('delete', old.rowid, old.title, old.description, old.location);
                END
                """,
                """
                CREATE TRIGGER listings_fts_update AFTER UPDATE OF title, description, location ON listings BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, description, location)
                    VALUES ('delete', old.rowid, old.title, old.description, old.location);
                    INSERT INTO listings_fts(rowid, title, description, location)
                    VALUES (new.rowid, new.title, new.description, new.location);
                END
                """,
            ] {
                try await sql.raw(SQLQueryString(statement)).run()
            }
        } else {
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

    func revert(on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for statement in [
                "DROP TRIGGER listings_fts_insert", "DROP TRIGGER listings_fts_delete",
                "DROP TRIGGER listings_fts_update", "DROP TABLE listings_fts",
            ] {
                try await sql.raw(SQLQueryString(statement)).run()
            }
        } else {
            try await sql.raw("DROP INDEX listings_search").run()
            try await sql.raw("ALTER TABLE listings DROP COLUMN search").run()
        }
    }
}
