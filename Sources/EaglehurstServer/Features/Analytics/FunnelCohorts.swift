import Foundation
import SQLKit

/// The funnel of the users who registered in a period, step by step, read from the roll-up by
/// cohort (`funnel_cohorts`: users of each registration day who had reached each step by the
/// snapshot's `as_of`) plus the steps completed since `as_of`, counted live. A year reads at most
/// 365 rows per step and the steps of the day so far, instead of joining every step to its user.
enum FunnelCohorts {
    static let rollupName = "funnel"

    typealias Cohort = (day: String, step: String, users: Int64)

    /// The users of each registration day who completed each step before `asOf`.
    static func compute(asOf: Date, on sql: any SQLDatabase) async throws -> [Cohort] {
        let cohort = AnalyticsSQL.dayNumber("u.created_at", on: sql)
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: cohort) AS d, f.step_name AS step, COUNT(*) AS n
            FROM conversion_funnel f JOIN users u ON u.id = f.user_id
            WHERE f.completed_at < \(bind: asOf)
            GROUP BY \(unsafeRaw: cohort), f.step_name
            """).all()
        return try rows.map {
            (UTCDay(number: try $0.decode(column: "d", as: Int.self)).key, try $0.decode(column: "step", as: String.self),
             try $0.decode(column: "n", as: Int64.self))
        }
    }

    /// Replaces the snapshot by `cohorts`, as of `asOf`; inside the caller's transaction, so
    /// running it twice leaves the same rows and a reader sees the old snapshot or the new one.
    static func store(_ cohorts: [Cohort], asOf: Date, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM funnel_cohorts").run()
        for chunk in stride(from: 0, to: cohorts.count, by: 1_000).map({ cohorts[$0..<min($0 + 1_000, cohorts.count)] }) {
            var insert = sql.insert(into: "funnel_cohorts").columns("cohort_date", "step_name", "users")
            for (day, step, users) in chunk { insert = insert.values(SQLBind(day), SQLBind(step), SQLBind(users)) }
            try await insert.run()
        }
        try await sql.insert(into: "analytics_rollups").columns("name", "as_of", "computed_at")
            .values(SQLBind(rollupName), SQLBind(asOf), SQLBind(now))
            .onConflict(with: ["name"]) { $0.set(excludedValueOf: "as_of").set(excludedValueOf: "computed_at") }
            .run()
    }

    /// Users who registered from `start` on and reached each step, by step name: the stored cohorts
    /// plus the steps completed since the snapshot, in one statement (so one consistent view).
    static func reached(since start: Date, on sql: any SQLDatabase) async throws -> [String: Int] {
        var reached: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT step_name AS step, CAST(SUM(users) AS BIGINT) AS n FROM funnel_cohorts
            WHERE cohort_date >= \(bind: UTCDay(containing: start).key) GROUP BY step_name
            UNION ALL
            SELECT f.step_name AS step, COUNT(*) AS n FROM conversion_funnel f JOIN users u ON u.id = f.user_id
            WHERE f.completed_at >= COALESCE((SELECT as_of FROM analytics_rollups WHERE name = \(bind: rollupName)), \(bind: Date(timeIntervalSince1970: 0)))
              AND u.created_at >= \(bind: start)
            GROUP BY f.step_name
            """).all() {
            reached[try row.decode(column: "step", as: String.self), default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return reached
    }
}
