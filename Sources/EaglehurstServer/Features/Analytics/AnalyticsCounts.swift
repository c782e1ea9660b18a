import Foundation
import SQLKit

/// The counts of now that triggers keep in `analytics_counts` (see `CountAnalyticsTotals`):
/// exact as soon as a change commits, read as a few rows.
struct AnalyticsCounts: Sendable {
    /// By counter name, then key (a status, `yes` for a flag).
    var values: [String: [String: Int]] = [:]
    /// Users whose last sign-in is on or after the `activeSince` day asked for.
    var activeUsers = 0

    subscript(_ name: String, _ key: String) -> Int { values[name]?[key] ?? 0 }

    /// Reads the counters `names` and the users active since `activeSince` in one statement.
    static func read(_ names: [String], activeSince: Date, on sql: any SQLDatabase) async throws -> AnalyticsCounts {
        let day = UTCDay(containing: activeSince).number
        let integer: SQLQueryString = sql.dialect.name == "postgresql" ? "CAST(value AS BIGINT)" : "CAST(value AS INTEGER)"
        let wanted: SQLQueryString = names.isEmpty ? "1 = 0" : "name IN (\(binds: names))"
        var counts = AnalyticsCounts()
        for row in try await sql.raw("""
            SELECT name, value, n FROM analytics_counts WHERE \(wanted)
            UNION ALL
            SELECT 'active_since' AS name, '' AS value, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM analytics_counts
            WHERE name = 'users_last_login_day' AND \(integer) >= \(bind: day)
            """).all() {
            let name = try row.decode(column: "name", as: String.self)
            let n = try row.decode(column: "n", as: Int.self)
            if name == "active_since" {
                counts.activeUsers = n
            } else {
                counts.values[name, default: [:]][try row.decode(column: "value", as: String.self)] = n
            }
        }
        return counts
    }
}
