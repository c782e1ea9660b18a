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
    /// plus the steps completed since the snapshot. The snapshot's `as_of` is read first and bound
    /// as a value, so that PostgreSQL plans the live part as the short index range it is (behind a
    /// subquery it guessed a third of the table and scanned all of it).
    static func reached(since start: Date, on sql: any SQLDatabase) async throws -> [String: Int] {
        while true {
            let asOf = try await sql.raw("SELECT as_of FROM analytics_rollups WHERE name = \(bind: rollupName)").first()?
                .decode(column: "as_of", as: Date.self)
            // The row named '' says whether the snapshot read is still the one of `asOf`: a roll-up
            // that replaced it in between would count its new steps twice, so read again.
            var reached: [String: Int] = [:]
            var unchanged = asOf == nil
            for row in try await sql.raw("""
                SELECT step_name AS step, CAST(SUM(users) AS BIGINT) AS n FROM funnel_cohorts
                WHERE cohort_date >= \(bind: UTCDay(containing: start).key) AND \(bind: asOf != nil) GROUP BY step_name
                UNION ALL
                SELECT f.step_name AS step, COUNT(*) AS n FROM conversion_funnel f JOIN users u ON u.id = f.user_id
                WHERE f.completed_at >= \(bind: asOf ?? Date(timeIntervalSince1970: 0)) AND u.created_at >= \(bind: start)
                GROUP BY f.step_name
                UNION ALL
                SELECT '' AS step, COUNT(*) AS n FROM analytics_rollups WHERE name = \(bind: rollupName) AND as_of = \(bind: asOf ?? Date(timeIntervalSince1970: 0))
                """).all() {
                let step = try row.decode(column: "step", as: String.self)
                let n = try row.decode(column: "n", as: Int.self)
                if step.isEmpty { unchanged = unchanged || n == 1 } else { reached[step, default: 0] += n }
            }
            if unchanged { return reached }
        }
    }
}
