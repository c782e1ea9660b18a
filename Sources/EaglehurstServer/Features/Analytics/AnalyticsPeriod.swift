import EaglehurstAPI
import Foundation
import SQLKit

/// A day in UTC, counted from 1970-01-01; `key` is its YYYY-MM-DD form, the one stored in
/// `listing_views.view_date`, `platform_metrics.metric_date` and the wire's daily points.
struct UTCDay: Hashable, Comparable, Sendable {
    let number: Int

    init(number: Int) { self.number = number }
    init(containing date: Date) { number = Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    init?(key: String) {
        let parts = key.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        components.timeZone = TimeZone(identifier: "UTC")
        guard let date = UTCDay.calendar.date(from: components), UTCDay(containing: date).key == key else { return nil }
        self.init(containing: date)
    }

    var start: Date { Date(timeIntervalSince1970: Double(number) * 86_400) }
    var end: Date { Date(timeIntervalSince1970: Double(number + 1) * 86_400) }
    /// YYYY-MM-DD by arithmetic (`CivilDate`): a year of series asks for thousands of keys, and
    /// `Calendar` with `String(format:)` cost tens of microseconds each.
    var key: String {
        let civil = CivilDate.fromDays(Int64(number))
        let (year, month, day) = (Int(civil.year), Int(civil.month), Int(civil.day))
        func digits(_ value: Int, _ count: Int) -> [UInt8] {
            var value = value, bytes = [UInt8](repeating: UInt8(ascii: "0"), count: count)
            for index in stride(from: count - 1, through: 0, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return bytes
        }
        return String(decoding: digits(year, 4) + [UInt8(ascii: "-")] + digits(month, 2) + [UInt8(ascii: "-")] + digits(day, 2), as: UTF8.self)
    }

    func adding(_ days: Int) -> UTCDay { UTCDay(number: number + days) }
    static func < (a: UTCDay, b: UTCDay) -> Bool { a.number < b.number }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// The period of an analytics answer: whole UTC days ending today (today counts so far), from
/// `period` (7d, 30d, 90d, 12m = 365 days) or `days` (1–365); every series has one point per day.
struct AnalyticsPeriod: Sendable {
    let days: [UTCDay]
    let now: Date

    var first: UTCDay { days.first! }
    var today: UTCDay { days.last! }
    var start: Date { first.start }

    init(days count: Int, now: Date) {
        let today = UTCDay(containing: now)
        days = (0..<count).map { today.adding($0 - count + 1) }
        self.now = now
    }

    static let named = ["7d": 7, "30d": 30, "90d": 90, "12m": 365]

    /// `period` wins over `days`; neither gives `defaultDays`.
    init(period: String?, days: Int?, now: Date, defaultDays: Int = 30) throws {
        if let period {
            guard let count = Self.named[period] else {
                throw Problem.validation(["period": ["must be one of 7d, 30d, 90d, 12m"]])
            }
            self.init(days: count, now: now)
        } else {
            let count = days ?? defaultDays
            guard (1...365).contains(count) else { throw Problem.validation(["days": ["must be from 1 to 365"]]) }
            self.init(days: count, now: now)
        }
    }

    /// One point per day, oldest first; days without a figure are zeros.
    func series(_ counts: [String: Int]) -> [Components.Schemas.DailyCount] {
        days.map { .init(date: $0.key, count: counts[$0.key] ?? 0) }
    }

    func amounts(_ amounts: [String: Int64]) -> [Components.Schemas.DailyAmount] {
        days.map { .init(date: $0.key, amountPence: amounts[$0.key] ?? 0) }
    }
}

/// SQL shared by the analytics queries, written once for SQLite and PostgreSQL.
enum AnalyticsSQL {
    /// The UTC day number of a timestamp column. SQLite keeps Fluent's dates as seconds since 1970.
    static func dayNumber(_ column: String, on sql: any SQLDatabase) -> String {
        sql.dialect.name == "sqlite"
            ? "CAST(\(column) / 86400 AS INTEGER)"
            : "CAST(FLOOR(EXTRACT(EPOCH FROM \(column)) / 86400) AS BIGINT)"
    }

    /// Rows per day of `table` with `column` in the period and the `condition` (raw SQL with binds).
    static func countsByDay(
        _ table: String, _ column: String, where condition: SQLQueryString, in period: AnalyticsPeriod, on sql: any SQLDatabase
    ) async throws -> [String: Int] {
        let day = dayNumber(column, on: sql)
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: day) AS d, COUNT(*) AS n FROM \(unsafeRaw: table)
            WHERE \(unsafeRaw: column) >= \(bind: period.start) AND \(unsafeRaw: column) < \(bind: period.today.end) AND \(condition)
            GROUP BY \(unsafeRaw: day)
            """).all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[UTCDay(number: try row.decode(column: "d", as: Int.self)).key] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    static func count(_ query: SQLQueryString, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(query).first()?.decode(column: "n", as: Int?.self) ?? 0
    }

    static func sum(_ query: SQLQueryString, on sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw(query).first()?.decode(column: "n", as: Int64?.self) ?? 0
    }

    /// Rounded percentage of `part` in `whole`; nil when `whole` is 0.
    static func percent(_ part: Int, of whole: Int) -> Int? {
        whole > 0 ? Int((Double(part) * 100 / Double(whole)).rounded()) : nil
    }
}
