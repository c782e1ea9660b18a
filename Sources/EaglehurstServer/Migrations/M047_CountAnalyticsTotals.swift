import Fluent
import SQLKit

/// Counts the admin dashboard shows "now" (listings and connections by status, users by
/// verification, suspended, email-verified and by the day of their last sign-in, service requests
/// by status), kept in `analytics_counts` by triggers, so a count is exact the moment a change
/// commits (an approval shows at once) and reading it costs a few rows instead of a scan of
/// 100,000 index entries. Triggers also catch bulk updates that bypass the models. A row whose
/// key is NULL (never signed in, not suspended) is not counted.
///
/// On PostgreSQL the triggers run once per statement (see `postgresTriggers`) and take the counter
/// rows they move in key order, so two transactions that move the same two keys in opposite
/// directions wait for each other instead of deadlocking.
struct CountAnalyticsTotals: AsyncMigration {
    var name: String { "047_count_analytics_totals" }

    enum Key: Sendable {
        case column(String)
        /// `'yes'` when the boolean column is true, else not counted.
        case flag(String)
        /// The UTC day number of a timestamp column, as text.
        case day(String)

        var column: String {
            switch self {
            case .column(let c), .flag(let c), .day(let c): c
            }
        }

        /// The key of the row `row` (NEW, OLD, or a table alias) as SQL.
        func sql(_ row: String, postgres: Bool) -> String {
            switch self {
            case .column(let c): postgres ? "CAST(\(row).\(c) AS TEXT)" : "\(row).\(c)"
            case .flag(let c): "(CASE WHEN \(row).\(c) THEN 'yes' END)"
            case .day(let c):
                postgres
                    ? "CAST(CAST(FLOOR(EXTRACT(EPOCH FROM \(row).\(c)) / 86400) AS BIGINT) AS TEXT)"
                    : "CAST(CAST(\(row).\(c) / 86400 AS INTEGER) AS TEXT)"
            }
        }
    }

    static let counters: [(name: String, table: String, key: Key)] = [
        ("connections_status", "connections", .column("status")),
        ("listings_status", "listings", .column("status")),
        ("service_requests_status", "service_requests", .column("status")),
        ("users_email_verified", "users", .flag("email_verified")),
        ("users_last_login_day", "users", .day("last_login_at")),
        ("users_suspended", "users", .flag("is_suspended")),
        ("users_verification", "users", .column("verification_status")),
    ]

    static var tables: [String] { Array(Set(counters.map(\.table))).sorted() }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        let postgres = sql.dialect.name == "postgresql"
        try await sql.raw("""
            CREATE TABLE analytics_counts (name TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (name, value))
            """).run()
        for statement in postgres ? Self.postgresTriggers() : Self.sqliteTriggers() {
            try await sql.raw(SQLQueryString(statement)).run()
        }
        try await Self.recount(on: sql)
    }

    /// Replaces every count by a count of the rows (the triggers keep them so afterwards).
    static func recount(on sql: any SQLDatabase) async throws {
        let postgres = sql.dialect.name == "postgresql"
        try await sql.raw("DELETE FROM analytics_counts").run()
        for counter in counters {
            let key = counter.key.sql("t", postgres: postgres)
            try await sql.raw(SQLQueryString("""
                INSERT INTO analytics_counts (name, value, n)
                SELECT '\(unsafeRaw: counter.name)', \(unsafeRaw: key), COUNT(*) FROM \(unsafeRaw: counter.table) t
                WHERE \(unsafeRaw: key) IS NOT NULL GROUP BY \(unsafeRaw: key)
                """)).run()
        }
    }

    static func sqliteTriggers() -> [String] {
        counters.flatMap { counter -> [String] in
            let new = counter.key.sql("NEW", postgres: false)
            let old = counter.key.sql("OLD", postgres: false)
            let add = """
                INSERT INTO analytics_counts (name, value, n) SELECT '\(counter.name)', \(new), 1 WHERE \(new) IS NOT NULL
                ON CONFLICT (name, value) DO UPDATE SET n = n + 1;
                """
            let remove = "UPDATE analytics_counts SET n = n - 1 WHERE name = '\(counter.name)' AND value = \(old);"
            return [
                "CREATE TRIGGER count_\(counter.name)_insert AFTER INSERT ON \(counter.table) BEGIN \(add) END",
                "CREATE TRIGGER count_\(counter.name)_delete AFTER DELETE ON \(counter.table) BEGIN \(remove) END",
                """
                CREATE TRIGGER count_\(counter.name)_update AFTER UPDATE OF \(counter.key.column) ON \(counter.table)
                WHEN \(old) IS NOT \(new) BEGIN \(remove) \(add) END
                """,
            ]
        }
    }

    /// On PostgreSQL, statement-level triggers over the transition tables: one upsert per counter
    /// and statement, whatever the number of rows. (A row-level trigger would update the same
    /// counter row once per row, and in one transaction each update walks the chain of the
    /// versions left by the ones before: a bulk load of 100,000 users took minutes.) Keys are
    /// moved in order, and only keys whose count changes are touched, so a sign-in that keeps the
    /// day of the last one, or an update of another column, locks no counter.
    static let events: [(name: String, event: String, transition: String)] = [
        ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
        ("update", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ]

    static func postgresTriggers() -> [String] {
        tables.flatMap { table -> [String] in
            let counters = Self.counters.filter { $0.table == table }
            return events.flatMap { event -> [String] in
                let body = counters.map { counter -> String in
                    var sides: [String] = []
                    if event.name != "delete" { sides.append("SELECT \(counter.key.sql("r", postgres: true)) AS k, 1 AS d FROM new_rows r") }
                    if event.name != "insert" { sides.append("SELECT \(counter.key.sql("r", postgres: true)) AS k, -1 AS d FROM old_rows r") }
                    return """
                        INSERT INTO analytics_counts AS c (name, value, n)
                        SELECT '\(counter.name)', k, SUM(d) FROM (\(sides.joined(separator: " UNION ALL "))) moved
                        WHERE k IS NOT NULL GROUP BY k HAVING SUM(d) <> 0 ORDER BY k
                        ON CONFLICT (name, value) DO UPDATE SET n = c.n + EXCLUDED.n;
                        """
                }.joined(separator: "\n")
                return [
                    """
                    CREATE FUNCTION count_\(table)_\(event.name)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                    \(body)
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE TRIGGER count_\(table)_\(event.name) AFTER \(event.event) ON \(table) \(event.transition)
                    FOR EACH STATEMENT EXECUTE FUNCTION count_\(table)_\(event.name)()
                    """,
                ]
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "postgresql" {
            for table in Self.tables {
                for event in Self.events {
                    try await sql.raw(SQLQueryString("DROP TRIGGER count_\(unsafeRaw: table)_\(unsafeRaw: event.name) ON \(unsafeRaw: table)")).run()
                    try await sql.raw(SQLQueryString("DROP FUNCTION count_\(unsafeRaw: table)_\(unsafeRaw: event.name)()")).run()
                }
            }
        } else {
            for counter in Self.counters {
                for event in ["insert", "delete", "update"] {
                    try await sql.raw(SQLQueryString("DROP TRIGGER count_\(unsafeRaw: counter.name)_\(unsafeRaw: event)")).run()
                }
            }
        }
        try await sql.raw("DROP TABLE analytics_counts").run()
    }
}
