import Fluent
import SQLKit

/// On PostgreSQL, every change that a per-process cache may hold is announced on the channel
/// `eaglehurst_cache` (see `CacheInvalidation`), by triggers, so bulk updates that bypass the models
/// are announced too, and only when they commit (`pg_notify` is transactional):
/// - `user:<id>` when a user row changes or goes (sign-in cache; suspension hides a seller's listings),
/// - `session:<id>` when a session row changes or goes (sign-out, revocation),
/// - `saved:<buyer id>` when a saved listing is added or removed,
/// - `listing:<id>` when a listing changes in a way browse and search show (the same condition that
///   moves the search generation, see `WatchListingSummaryColumns`).
/// SQLite is one process: nothing to announce, so this migration does nothing there.
struct NotifyCacheChanges: AsyncMigration {
    var name: String { "043_notify_cache_changes" }

    static let channel = "eaglehurst_cache"

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        guard sql.dialect.name == "postgresql" else { return }
        func function(_ name: String, _ payload: String) -> String {
            """
            CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('\(Self.channel)', \(payload.replacingOccurrences(of: "ROW.", with: "OLD.")));
                ELSE
                    PERFORM pg_notify('\(Self.channel)', \(payload.replacingOccurrences(of: "ROW.", with: "NEW.")));
                END IF;
                RETURN NULL;
            END $$
            """
        }
        let changed = WatchListingSummaryColumns.summaryColumns
            .map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
        let statements = [
            function("cache_notify_user", "'user:' || ROW.id"),
            function("cache_notify_session", "'session:' || ROW.id"),
            function("cache_notify_saved", "'saved:' || ROW.buyer_id"),
            function("cache_notify_listing", "'listing:' || ROW.id"),
            "CREATE TRIGGER cache_notify_user AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION cache_notify_user()",
            "CREATE TRIGGER cache_notify_session AFTER UPDATE OR DELETE ON auth_sessions FOR EACH ROW EXECUTE FUNCTION cache_notify_session()",
            "CREATE TRIGGER cache_notify_saved AFTER INSERT OR DELETE ON saved_listings FOR EACH ROW EXECUTE FUNCTION cache_notify_saved()",
            "CREATE TRIGGER cache_notify_listing_insert AFTER INSERT ON listings FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION cache_notify_listing()",
            "CREATE TRIGGER cache_notify_listing_delete AFTER DELETE ON listings FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION cache_notify_listing()",
            """
            CREATE TRIGGER cache_notify_listing_update AFTER UPDATE ON listings FOR EACH ROW
            WHEN ((OLD.status = 'published' OR NEW.status = 'published') AND (\(changed))) EXECUTE FUNCTION cache_notify_listing()
            """,
        ]
        for statement in statements {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        guard sql.dialect.name == "postgresql" else { return }
        let statements = [
            "DROP TRIGGER cache_notify_user ON users", "DROP TRIGGER cache_notify_session ON auth_sessions",
            "DROP TRIGGER cache_notify_saved ON saved_listings", "DROP TRIGGER cache_notify_listing_insert ON listings",
            "DROP TRIGGER cache_notify_listing_delete ON listings", "DROP TRIGGER cache_notify_listing_update ON listings",
            "DROP FUNCTION cache_notify_user()", "DROP FUNCTION cache_notify_session()",
            "DROP FUNCTION cache_notify_saved()", "DROP FUNCTION cache_notify_listing()",
        ]
        for statement in statements {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
