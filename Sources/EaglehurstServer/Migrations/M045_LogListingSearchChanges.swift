import Fluent
import SQLKit

/// Logs which listing each move of the search generation was for, so a server catches its in-memory
/// index up by re-reading only those listings (`SearchIndexCache`) instead of reloading them all.
/// The triggers that move the generation (`CreateListingSearchGeneration`,
/// `WatchListingSummaryColumns`) now also write one row per changed listing at the new generation;
/// suspending or restoring a seller writes one per listing of theirs, plus a row without a listing
/// so the generation is accounted for even when they have none. A generation moved by anything
/// else (premium placement, `PlanService`) has no row, which tells servers to reload.
struct LogListingSearchChanges: AsyncMigration {
    var name: String { "037_log_listing_search_changes" }

    private static let bump = "UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1;"

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("CREATE TABLE listing_search_changes (generation BIGINT NOT NULL, listing_id UUID)").run()
        try await sql.raw("CREATE INDEX listing_search_changes_generation ON listing_search_changes (generation)").run()
        if sql.dialect.name == "sqlite" {
            let log = { (id: String) in
                "INSERT INTO listing_search_changes (generation, listing_id) SELECT generation, \(id) FROM listing_search_generation WHERE id = 1;"
            }
            try await replaceSQLiteTriggers(
                on: sql, listing: { "\(Self.bump) \(log($0))" },
                seller: """
                \(Self.bump)
                INSERT INTO listing_search_changes (generation, listing_id)
                    SELECT g.generation, l.id FROM listing_search_generation g JOIN listings l ON l.seller_id = new.id WHERE g.id = 1;
                \(log("NULL"))
                """)
        } else {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION listing_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    moved BIGINT;
                BEGIN
                    UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation INTO moved;
                    IF TG_TABLE_NAME = 'users' THEN
                        INSERT INTO listing_search_changes (generation, listing_id)
                            SELECT moved, l.id FROM listings l WHERE l.seller_id = NEW.id;
                        INSERT INTO listing_search_changes (generation, listing_id) VALUES (moved, NULL);
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO listing_search_changes (generation, listing_id) VALUES (moved, OLD.id);
                    ELSE
                        INSERT INTO listing_search_changes (generation, listing_id) VALUES (moved, NEW.id);
                    END IF;
                    RETURN NULL;
                END $$
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            try await replaceSQLiteTriggers(on: sql, listing: { _ in Self.bump }, seller: Self.bump)
        } else {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION listing_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1;
                    RETURN NULL;
                END $$
                """).run()
        }
        try await sql.raw("DROP TABLE listing_search_changes").run()
    }

    /// Recreates SQLite's four generation triggers with these bodies (`listing` given the row's id
    /// expression), watching the same columns as before.
    private func replaceSQLiteTriggers(on sql: any SQLDatabase, listing: (String) -> String, seller: String) async throws {
        let columns = WatchListingSummaryColumns.summaryColumns
        let changed = columns.map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")
        for statement in [
            "DROP TRIGGER listing_search_bump_insert", "DROP TRIGGER listing_search_bump_delete",
            "DROP TRIGGER listing_search_bump_update", "DROP TRIGGER listing_search_bump_suspension",
            "CREATE TRIGGER listing_search_bump_insert AFTER INSERT ON listings WHEN new.status = 'published' BEGIN \(listing("new.id")) END",
            "CREATE TRIGGER listing_search_bump_delete AFTER DELETE ON listings WHEN old.status = 'published' BEGIN \(listing("old.id")) END",
            """
            CREATE TRIGGER listing_search_bump_update AFTER UPDATE OF \(columns.joined(separator: ", ")) ON listings
            WHEN (old.status = 'published' OR new.status = 'published') AND (\(changed)) BEGIN \(listing("new.id")) END
            """,
            """
            CREATE TRIGGER listing_search_bump_suspension AFTER UPDATE OF is_suspended ON users
            WHEN old.is_suspended IS NOT new.is_suspended BEGIN \(seller) END
            """,
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
