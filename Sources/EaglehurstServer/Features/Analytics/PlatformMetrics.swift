import Fluent
import Foundation
import SQLKit
import Vapor

/// The platform's figures of one UTC day, keyed by metric and category (`all`, or a user type).
/// `PlatformMetrics.compute` reads them from the operational tables; the roll-up stores them in
/// `platform_metrics` for every day that has ended, and the admin analytics read those rows plus
/// today computed live, so a year costs one indexed read of ~9,000 small rows instead of a scan
/// of every event.
struct DayMetrics: Sendable, Equatable {
    var values: [Key: Int64] = [:]

    struct Key: Hashable, Sendable {
        var name: String
        var category: String
        init(_ name: String, _ category: String = "all") {
            self.name = name
            self.category = category
        }
    }

    subscript(_ name: String, _ category: String = "all") -> Int64 {
        get { values[Key(name, category)] ?? 0 }
        set { values[Key(name, category)] = newValue }
    }

    func int(_ name: String, _ category: String = "all") -> Int { Int(self[name, category]) }
}

enum PlatformMetrics {
    static let userTypes = ["buyer", "seller", "admin"]
    /// Written for every day rolled up, zero or not: its presence marks the day as done.
    static let marker = DayMetrics.Key("new_users")

    /// The figures of `day`, from the start of the day to its end (or `until`, for today so far).
    ///
    /// With `previous` (the stored figures of the day before), the running totals are that day's
    /// plus this day's additions instead of a count of every user, and `now` answers active
    /// subscriptions from their status: what keeps today's live figures cheap on a large database.
    /// Every count is a scalar subquery of one statement (one round trip, each an indexed range
    /// over the day's rows), and the revenue by plan a second.
    static func compute(
        _ day: UTCDay, until: Date? = nil, previous: DayMetrics? = nil, now: Bool = false, on sql: any SQLDatabase
    ) async throws -> DayMetrics {
        let start = day.start
        let end = min(until ?? day.end, day.end)
        var counts: [(DayMetrics.Key, SQLQueryString)] = []
        func add(_ name: String, _ category: String = "all", _ query: SQLQueryString) {
            counts.append((DayMetrics.Key(name, category), query))
        }
        for type in userTypes {
            add("new_users", type, "SELECT COUNT(*) FROM users WHERE created_at >= \(bind: start) AND created_at < \(bind: end) AND user_type = \(literal: type)")
            if previous == nil {
                add("users_total", type, "SELECT COUNT(*) FROM users WHERE created_at < \(bind: end) AND user_type = \(literal: type)")
            }
        }
        add("new_listings", "all", "SELECT COUNT(*) FROM listings WHERE created_at >= \(bind: start) AND created_at < \(bind: end)")
        add("listings_published", "all", "SELECT COUNT(*) FROM listings WHERE published_at >= \(bind: start) AND published_at < \(bind: end)")
        add("listing_views", "all", "SELECT COUNT(*) FROM listing_views WHERE view_date = \(bind: day.key)")
        add("searches", "all", "SELECT COUNT(*) FROM search_queries WHERE searched_at >= \(bind: start) AND searched_at < \(bind: end)")
        add("connection_requests", "all", "SELECT COUNT(*) FROM connections WHERE created_at >= \(bind: start) AND created_at < \(bind: end)")
        for status in ["accepted", "rejected"] {
            add("connections_\(status)", "all", """
                SELECT COUNT(*) FROM connections WHERE responded_at >= \(bind: start) AND responded_at < \(bind: end) AND status = \(literal: status)
                """)
        }
        add("messages_sent", "all", "SELECT COUNT(*) FROM messages WHERE created_at >= \(bind: start) AND created_at < \(bind: end)")
        add("active_users", "all", """
            SELECT COUNT(DISTINCT user_id) FROM user_activities WHERE activity_date = \(bind: day.key) AND activity_type = 'sign_in'
            """)
        let paid: SQLQueryString = "FROM payments WHERE paid_at >= \(bind: start) AND paid_at < \(bind: end)"
        add("revenue_pence", "all", "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) \(paid) AND status = 'succeeded'")
        add("refunded_pence", "all", "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) \(paid) AND status = 'refunded'")
        add("payments_succeeded", "all", "SELECT COUNT(*) \(paid) AND status IN ('succeeded', 'refunded')")
        add("payments_failed", "all", """
            SELECT COUNT(*) FROM payments WHERE created_at >= \(bind: start) AND created_at < \(bind: end) AND status = 'failed'
            """)
        add("subscriptions_started", "all", """
            SELECT COUNT(*) FROM user_subscriptions
            WHERE started_at >= \(bind: start) AND started_at < \(bind: end) AND subscription_id IN (SELECT id FROM subscriptions WHERE price_pence > 0)
            """)
        add("subscriptions_ended", "all", """
            SELECT COUNT(*) FROM user_subscriptions
            WHERE status IN ('cancelled', 'expired')
              AND COALESCE(expires_at, cancelled_at) >= \(bind: start) AND COALESCE(expires_at, cancelled_at) < \(bind: end)
              AND subscription_id IN (SELECT id FROM subscriptions WHERE price_pence > 0)
            """)
        add("active_subscriptions", "all", now ? activePaidSubscriptionsNowQuery : activePaidSubscriptionsQuery(at: end))

        let select = counts.enumerated().map { index, count -> SQLQueryString in
            "CAST((\(count.1)) AS BIGINT) AS \(ident: "c\(index)")"
        }.joined(separator: ", ")
        var m = DayMetrics()
        if let row = try await sql.raw("SELECT \(select)").first() {
            for (index, count) in counts.enumerated() {
                m.values[count.0] = try row.decode(column: "c\(index)", as: Int64?.self) ?? 0
            }
        }
        m["new_users"] = userTypes.reduce(0) { $0 + m["new_users", $1] }
        if let previous {
            for type in userTypes { m["users_total", type] = previous["users_total", type] + m["new_users", type] }
        }
        // Revenue by plan (succeeded payments): what the revenue analytics show per plan.
        for row in try await sql.raw("""
            SELECT plan_id, CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) AS pence \(paid) AND status = 'succeeded' GROUP BY plan_id
            """).all() {
            m[planRevenue, try row.decode(column: "plan_id", as: UUID.self).uuidString] = try row.decode(column: "pence", as: Int64.self)
        }
        return m
    }

    /// The metric of the revenue of one plan (category: the plan's id).
    static let planRevenue = "plan_revenue_pence"

    /// When a subscription stopped being active: cancelled now, or expired at its period's end
    /// (`subscriptions_ended` spells it so that the partial index `user_subscriptions_ended` answers it).
    static let endedExpression: SQLQueryString = """
        (CASE WHEN s.status IN ('cancelled', 'expired') THEN COALESCE(s.expires_at, s.cancelled_at) END)
        """

    /// Paid subscriptions active at `moment`: started before it and not ended by then.
    static func activePaidSubscriptionsQuery(at moment: Date) -> SQLQueryString {
        """
        SELECT COUNT(*) FROM user_subscriptions s JOIN subscriptions p ON p.id = s.subscription_id
        WHERE p.price_pence > 0 AND s.started_at < \(bind: moment)
          AND (\(endedExpression) IS NULL OR \(endedExpression) >= \(bind: moment))
        """
    }

    /// Paid subscriptions active now, from their status (indexed by plan and status).
    static let activePaidSubscriptionsNowQuery: SQLQueryString = """
        SELECT COUNT(*) FROM user_subscriptions
        WHERE subscription_id IN (SELECT id FROM subscriptions WHERE price_pence > 0) AND status IN ('active', 'past_due')
        """

    /// Stores the figures of `day`, replacing any stored before: running it twice leaves the same rows.
    /// Moves the roll-up generation up by one (`analytics_rollups`, row `platform_metrics`, whose
    /// `as_of` is the end of the day written last), so that cached series are read again.
    static func store(_ metrics: DayMetrics, for day: UTCDay, at now: Date, on sql: any SQLDatabase) async throws {
        var insert = sql.insert(into: "platform_metrics").columns("id", "metric_date", "metric_name", "category", "value", "computed_at")
        for (key, value) in metrics.values.sorted(by: { ($0.key.name, $0.key.category) < ($1.key.name, $1.key.category) }) {
            insert = insert.values(SQLBind(UUID()), SQLBind(day.key), SQLBind(key.name), SQLBind(key.category), SQLBind(value), SQLBind(now))
        }
        try await insert.onConflict(with: ["metric_date", "metric_name", "category"]) { conflict in
            conflict.set(excludedValueOf: "value").set(excludedValueOf: "computed_at")
        }.run()
        // In the same transaction: a server's cached series of this generation is read again.
        try await sql.raw("""
            INSERT INTO analytics_rollups (name, as_of, computed_at, generation) VALUES (\(bind: generationName), \(bind: day.end), \(bind: now), 1)
            ON CONFLICT (name) DO UPDATE SET generation = analytics_rollups.generation + 1, as_of = excluded.as_of, computed_at = excluded.computed_at
            """).run()
    }

    /// Stored figures of the days in `period` (and the day before), by day key: only the metrics
    /// `names`, when given, with the marker and the running totals that today's figures build on.
    /// A day's rows come back as one string (`name|category|value;…`), so a year is 366 rows to
    /// decode rather than one per metric.
    static func stored(in period: AnalyticsPeriod, names: [String]?, on sql: any SQLDatabase) async throws -> [String: DayMetrics] {
        let wanted: SQLQueryString = names.map { names in
            let all = Array(Set(names + [marker.name, "users_total"])).sorted()
            return "AND metric_name IN (\(binds: all))"
        } ?? ""
        let concat: SQLQueryString = sql.dialect.name == "postgresql"
            ? "string_agg(metric_name || '|' || category || '|' || value, ';')"
            : "group_concat(metric_name || '|' || category || '|' || value, ';')"
        let rows = try await sql.raw("""
            SELECT metric_date, \(concat) AS v FROM platform_metrics
            WHERE metric_date >= \(bind: period.first.adding(-1).key) AND metric_date <= \(bind: period.today.key) \(wanted)
            GROUP BY metric_date
            """).all()
        var byDay: [String: DayMetrics] = [:]
        for row in rows {
            byDay[try row.decode(column: "metric_date", as: String.self)] = parseDay(try row.decode(column: "v", as: String.self))
        }
        return byDay
    }

    /// Reads `name|category|value;…` byte by byte (a year of them is ~6,000 entries: splitting
    /// `String`s by `Character` cost more than the query).
    static func parseDay(_ text: String) -> DayMetrics {
        var metrics = DayMetrics()
        var text = text
        text.withUTF8 { bytes in
            var field = 0, start = 0
            var name = "", category = ""
            for index in 0...bytes.count {
                let byte = index < bytes.count ? bytes[index] : UInt8(ascii: ";")
                guard byte == UInt8(ascii: "|") || byte == UInt8(ascii: ";") else { continue }
                let part = UnsafeBufferPointer(rebasing: bytes[start..<index])
                start = index + 1
                switch field {
                case 0: name = String(decoding: part, as: UTF8.self)
                case 1: category = String(decoding: part, as: UTF8.self)
                default:
                    var value: Int64 = 0, sign: Int64 = 1
                    for digit in part {
                        if digit == UInt8(ascii: "-") { sign = -1 } else { value = value * 10 + Int64(digit &- UInt8(ascii: "0")) }
                    }
                    metrics.values[DayMetrics.Key(name, category)] = sign * value
                }
                field = byte == UInt8(ascii: ";") ? 0 : field + 1
            }
        }
        return metrics
    }

    /// The figures of every day of the period: stored roll-ups for days that have ended, computed
    /// live for today and for any ended day the roll-up has not reached yet.
    ///
    /// Days before the first user are zeros without a query: every figure belongs to a user.
    /// With `cache`, the ended days come from it while the roll-up generation and today are those
    /// it holds them for, and today's figures are shared for `todayTTL` seconds (see `PlatformMetricsCache`).
    static func series(
        _ period: AnalyticsPeriod, names: [String]? = nil, cache: PlatformMetricsCache? = nil, todayTTL: TimeInterval = 0,
        on sql: any SQLDatabase
    ) async throws -> PlatformSeries {
        let state = try await rollupState(on: sql)
        let firstDay = state.firstUser.map(UTCDay.init(containing:)) ?? period.today.adding(1)
        let key = [
            names.map { Set($0).sorted().joined(separator: ",") } ?? "*", "\(period.days.count)", "\(period.today.number)", "\(firstDay.number)",
        ].joined(separator: "|")
        var ended: EndedDays
        var cacheable = true
        if let cache, let hit = cache.value(key, at: state.generation, as: EndedDays.self) {
            ended = hit
        } else {
            let stored = try await stored(in: period, names: names, on: sql)
            ended = EndedDays(days: [], dayBefore: nil)
            for day in period.days.dropLast() {
                if day < firstDay {
                    ended.days.append((day, DayMetrics()))
                } else if let metrics = stored[day.key], metrics.values[marker] != nil {
                    ended.days.append((day, metrics))
                } else {
                    cacheable = false
                    let before = ended.days.last?.1 ?? stored[day.adding(-1).key]
                    let previous = before?.values[marker] != nil || day.adding(-1) < firstDay ? (before ?? DayMetrics()) : nil
                    ended.days.append((day, try await compute(day, previous: previous, on: sql)))
                }
            }
            ended.dayBefore = ended.days.last?.1 ?? stored[period.today.adding(-1).key]
            if cacheable { cache?.insert(ended, for: key, at: state.generation, cost: ended.days.count + 1) }
        }
        let today: DayMetrics
        if let cache, cacheable, let hit = cache.today(period.today, at: state.generation, now: period.now, ttl: todayTTL) {
            today = hit
        } else {
            let before = ended.dayBefore
            let previous = before?.values[marker] != nil || period.today.adding(-1) < firstDay ? (before ?? DayMetrics()) : nil
            today = period.today < firstDay
                ? DayMetrics()
                : try await compute(period.today, until: period.now, previous: previous, now: true, on: sql)
            if cacheable, todayTTL > 0 { cache?.storeToday(today, for: period.today, at: state.generation, computedAt: period.now) }
        }
        return PlatformSeries(days: ended.days + [(period.today, today)], cacheKey: cacheable && cache != nil ? key : nil, generation: state.generation)
    }

    /// The figures of every day of the period, uncached.
    static func daily(_ period: AnalyticsPeriod, names: [String]? = nil, on sql: any SQLDatabase) async throws -> [(UTCDay, DayMetrics)] {
        try await series(period, names: names, on: sql).days
    }

    /// The ended days of a period as read for the cache, and the figures of the day before today
    /// (the last of them, or a stored day before a one-day period) that today's running totals build on.
    struct EndedDays: Sendable {
        var days: [(UTCDay, DayMetrics)]
        var dayBefore: DayMetrics?
    }

    /// The name of the `analytics_rollups` row whose `generation` counts the writes of `platform_metrics`.
    static let generationName = "platform_metrics"

    /// The roll-up generation (0 before the first roll-up) and the first user's sign-up, in one statement.
    static func rollupState(on sql: any SQLDatabase) async throws -> (generation: Int64, firstUser: Date?) {
        let row = try await sql.raw("""
            SELECT (SELECT generation FROM analytics_rollups WHERE name = \(bind: generationName)) AS g,
                   (SELECT MIN(created_at) FROM users) AS first
            """).first()
        return (try row?.decode(column: "g", as: Int64?.self) ?? 0, try row?.decode(column: "first", as: Date?.self))
    }
}

/// Rolls up ended days into `platform_metrics`, and the funnel by cohort as of the start of today
/// into `funnel_cohorts` (see `FunnelCohorts`). Safe with several servers on one PostgreSQL: each
/// day is computed and stored inside a transaction that holds a transaction-level advisory lock,
/// and a server that cannot take the lock at once leaves the run to the one that holds it; the
/// upsert makes a repeated day harmless anyway. SQLite has one server by construction.
struct PlatformMetricsRollup {
    let app: Application
    static let advisoryLockKey: Int64 = 0x4541_474C_0016  // "EAGL" + issue 16

    var database: any Database { app.db(.searchLog) }
    var now: Date { app.serverEnvironment.now() }

    /// Rolls up `days` (ended days only); `wait` false skips the run when another server holds the lock.
    /// Answers the days written.
    @discardableResult
    func run(_ days: [UTCDay], wait: Bool = true) async throws -> [UTCDay] {
        let today = UTCDay(containing: now)
        let ended = days.filter { $0 < today }
        guard !ended.isEmpty else { return [] }
        let sql = database.sql
        if sql.dialect.name == "postgresql" {
            return try await database.transaction { db in
                let tx = db.sql
                if wait {
                    try await tx.raw("SELECT pg_advisory_xact_lock(\(bind: Self.advisoryLockKey))").run()
                } else {
                    let locked = try await tx.raw("SELECT pg_try_advisory_xact_lock(\(bind: Self.advisoryLockKey)) AS locked").first()?
                        .decode(column: "locked", as: Bool.self) ?? false
                    guard locked else { return [] }
                }
                for day in ended {
                    try Task.checkCancellation()
                    try await PlatformMetrics.store(try await PlatformMetrics.compute(day, on: tx), for: day, at: now, on: tx)
                }
                let cohorts = try await FunnelCohorts.compute(asOf: today.start, on: tx)
                try await FunnelCohorts.store(cohorts, asOf: today.start, at: now, on: tx)
                return ended
            }
        }
        try await sql.raw("PRAGMA busy_timeout=5000").run()
        for day in ended {
            try Task.checkCancellation()
            let metrics = try await PlatformMetrics.compute(day, on: sql)
            try await database.transaction { db in
                try await PlatformMetrics.store(metrics, for: day, at: now, on: db.sql)
            }
        }
        let cohorts = try await FunnelCohorts.compute(asOf: today.start, on: sql)
        try await database.transaction { db in
            try await FunnelCohorts.store(cohorts, asOf: today.start, at: now, on: db.sql)
        }
        return ended
    }

    /// The days a scheduled run covers: yesterday always (events of its last second may have been
    /// written after midnight), and every ended day since the first user that has no roll-up yet,
    /// at most `limit` days back.
    func dueDays(limit: Int = 400) async throws -> [UTCDay] {
        let sql = database.sql
        let today = UTCDay(containing: now)
        guard let first = try await sql.raw("SELECT MIN(created_at) AS first FROM users").first()?
            .decode(column: "first", as: Date?.self) else { return [] }
        let from = max(UTCDay(containing: first), today.adding(-limit))
        guard from < today else { return [] }
        let done = Set(try await sql.raw("""
            SELECT metric_date FROM platform_metrics
            WHERE metric_name = \(bind: PlatformMetrics.marker.name) AND category = 'all' AND metric_date >= \(bind: from.key)
            """).all().map { try $0.decode(column: "metric_date", as: String.self) })
        let yesterday = today.adding(-1)
        return (from.number..<today.number).map(UTCDay.init(number:)).filter { !done.contains($0.key) || $0 == yesterday }
    }
}

/// Runs the roll-up at start and then every `METRICS_ROLLUP_INTERVAL` seconds (0: never; the
/// `eaglehurst-server rollup` command backfills by hand).
struct PlatformMetricsLifecycle: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        let interval = application.settings.metricsRollupInterval
        guard interval > 0 else { return }
        let rollup = PlatformMetricsRollup(app: application)
        let logger = application.logger
        application.storage[PlatformMetricsTaskKey.self] = Task {
            while !Task.isCancelled {
                do {
                    try await rollup.run(try await rollup.dueDays(), wait: false)
                } catch let error where !Task.isCancelled {
                    logger.error("platform metrics roll-up failed", metadata: ["error": "\(LoggedError(error))"])
                } catch {}
                try? await Task.sleep(for: .seconds(interval))
            }
        }
    }

    /// Waits for a run under way to stop (between two days), so that it never meets a closed database.
    func shutdownAsync(_ application: Application) async {
        guard let task = application.storage[PlatformMetricsTaskKey.self] else { return }
        task.cancel()
        await task.value
    }
}

struct PlatformMetricsTaskKey: StorageKey { typealias Value = Task<Void, Never> }

/// The backfill behind `eaglehurst-server rollup`.
public enum PlatformMetricsBackfill {
    /// Rolls up the ended days from `from` to `to` (YYYY-MM-DD, inclusive; `to` defaults to yesterday).
    public static func run(on app: Application, from: String, to: String?) async throws -> Int {
        guard let first = UTCDay(key: from) else { throw BackfillError("--from must be a date like 2026-01-31") }
        let yesterday = UTCDay(containing: app.serverEnvironment.now()).adding(-1)
        var last = yesterday
        if let to {
            guard let day = UTCDay(key: to) else { throw BackfillError("--to must be a date like 2026-01-31") }
            last = min(day, yesterday)
        }
        guard first <= last else { return 0 }
        return try await PlatformMetricsRollup(app: app).run((first.number...last.number).map(UTCDay.init(number:))).count
    }

    public struct BackfillError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
