import Fluent
import SQLKit

/// On PostgreSQL, a thread's messages and read marks are announced as `thread:<connection id>` on
/// `eaglehurst_cache` when they commit, so every server drops the poll answers it holds for that
/// thread (`ThreadPollCache`), whoever wrote. SQLite is one process: nothing to announce.
struct NotifyThreadChanges: AsyncMigration {
    var name: String { "052_notify_thread_changes" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        guard sql.dialect.name == "postgresql" else { return }
        let channel = NotifyCacheChanges.channel
        let statements = [
            """
            CREATE FUNCTION cache_notify_thread_message() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('\(channel)', 'thread:' || OLD.connection_id);
                ELSE
                    PERFORM pg_notify('\(channel)', 'thread:' || NEW.connection_id);
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION cache_notify_thread_read() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE thread uuid;
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    SELECT connection_id INTO thread FROM messages WHERE id = OLD.message_id;
                ELSE
                    SELECT connection_id INTO thread FROM messages WHERE id = NEW.message_id;
                END IF;
                IF thread IS NOT NULL THEN
                    PERFORM pg_notify('\(channel)', 'thread:' || thread);
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER cache_notify_thread_message AFTER INSERT OR UPDATE OR DELETE ON messages FOR EACH ROW EXECUTE FUNCTION cache_notify_thread_message()",
            "CREATE TRIGGER cache_notify_thread_read AFTER INSERT OR DELETE ON message_reads FOR EACH ROW EXECUTE FUNCTION cache_notify_thread_read()",
        ]
        for statement in statements {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        guard sql.dialect.name == "postgresql" else { return }
        for statement in [
            "DROP TRIGGER cache_notify_thread_message ON messages", "DROP TRIGGER cache_notify_thread_read ON message_reads",
            "DROP FUNCTION cache_notify_thread_message()", "DROP FUNCTION cache_notify_thread_read()",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
