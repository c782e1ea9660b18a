import Fluent
import SQLKit

/// A counter that moves whenever something that browse and search can see changes: a published
/// listing is added, removed or edited, a listing enters or leaves `published`, or a seller is
/// suspended or unsuspended. Each server keeps its search index of published listings in memory and
/// reloads it when the counter has moved, so several servers on one PostgreSQL stay in step.
struct CreateListingSearchGeneration: AsyncMigration {
    var name: String { "023_create_listing_search_generation" }

    static let searchedColumns = [
        "title", "description", "location", "business_type", "region", "asking_price", "annual_revenue",
        "status", "published_at", "seller_id",
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        let columns = Self.searchedColumns.joined(separator: ", ")
        let changed = Self.searchedColumns.map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")
        var statements = [
            "CREATE TABLE listing_search_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL)",
            "INSERT INTO listing_search_generation (id, generation) VALUES (1, 0)",
        ]
        if sql.dialect.name == "sqlite" {
            let bump = "UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1;"
            statements += [
                "CREATE TRIGGER listing_search_bump_insert AFTER INSERT ON listings WHEN new.status = 'published' BEGIN \(bump) END",
                "CREATE TRIGGER listing_search_bump_delete AFTER DELETE ON listings WHEN old.status = 'published' BEGIN \(bump) END",
                """
                CREATE TRIGGER listing_search_bump_update AFTER UPDATE OF \(columns) ON listings
                WHEN (old.status = 'published' OR new.status = 'published') AND (\(changed)) BEGIN \(bump) END
                """,
                """
                CREATE TRIGGER listing_search_bump_suspension AFTER UPDATE OF is_suspended ON users
                WHEN old.is_suspended IS NOT new.is_suspended BEGIN \(bump) END
                """,
            ]
        } else {
            let pgChanged = Self.searchedColumns.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
            statements += [
                """
                CREATE FUNCTION listing_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1;
                    RETURN NULL;
                END $$
                """,
                "CREATE TRIGGER listing_search_bump_insert AFTER INSERT ON listings FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION listing_search_bump()",
                "CREATE TRIGGER listing_search_bump_delete AFTER DELETE ON listings FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION listing_search_bump()",
                """
                CREATE TRIGGER listing_search_bump_update AFTER UPDATE ON listings FOR EACH ROW
                WHEN ((OLD.status = 'published' OR NEW.status = 'published') AND (\(pgChanged))) EXECUTE FUNCTION listing_search_bump()
                """,
                """
                CREATE TRIGGER listing_search_bump_suspension AFTER UPDATE ON users FOR EACH ROW
                WHEN (OLD.is_suspended IS DISTINCT FROM NEW.is_suspended) EXECUTE FUNCTION listing_search_bump()
                """,
            ]
        }
        for statement in statements {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        var statements: [String]
        if sql.dialect.name == "sqlite" {
            statements = ["listing_search_bump_insert", "listing_search_bump_delete", "listing_search_bump_update",
                          "listing_search_bump_suspension"].map { "DROP TRIGGER \($0)" }
        } else {
            statements = [
                "DROP TRIGGER listing_search_bump_insert ON listings", "DROP TRIGGER listing_search_bump_delete ON listings",
                "DROP TRIGGER listing_search_bump_update ON listings", "DROP TRIGGER listing_search_bump_suspension ON users",
                "DROP FUNCTION listing_search_bump()",
            ]
        }
        statements.append("DROP TABLE listing_search_generation")
        for statement in statements {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
