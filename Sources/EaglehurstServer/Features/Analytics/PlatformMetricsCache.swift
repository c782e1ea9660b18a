import Foundation
import NIOConcurrencyHelpers
import Vapor

/// What the admin series keep between reads on this server, so that a year of points is not made
/// again on every read:
///
/// - the ended days of a period (their stored roll-ups) and what each operation derives from them
///   (sums, points), keyed by the metrics asked for, the period's length, today and the first
///   user's day, and held for one roll-up generation (`analytics_rollups.generation` of the
///   `platform_metrics` row, moved up in the transaction of every write of `platform_metrics`).
///   Each read asks the database for that generation first (one small statement), so a roll-up or a
///   backfill by any server or by the `rollup` command is seen on the next read, and a new day is a
///   new key. Ended days that the roll-up has not reached yet are computed live on every read and
///   such a series is not cached.
/// - today's figures for `Settings.analyticsTodayCacheMilliseconds` (1 s by default from the
///   environment, off when 0): within that time the admin reads share one computation of today.
final class PlatformMetricsCache: Sendable {
    /// At most 64 entries and 4,800 days (a day of stored figures is about 3 KB: ~15 MB at most);
    /// the four admin operations at 12m take ~3,000 (their days and what they derive, each counted by its days).
    private let entries = NIOLockedValueBox(GenerationalLRU<any Sendable>(maxCount: 64, maxCost: 4_800))
    private let todays = NIOLockedValueBox<Today?>(nil)

    private struct Today: Sendable {
        let day: Int
        let generation: Int64
        let at: Date
        let metrics: DayMetrics
    }

    func value<T: Sendable>(_ key: String, at generation: Int64, as type: T.Type = T.self) -> T? {
        entries.withLockedValue { $0.value(key, at: generation) } as? T
    }

    /// `cost`: the days it holds.
    func insert(_ value: some Sendable, for key: String, at generation: Int64, cost: Int) {
        entries.withLockedValue { $0.insert(value, for: key, at: generation, cost: cost) }
    }

    /// Today's figures computed at most `ttl` seconds before `now` (and not after it), at `generation`.
    func today(_ day: UTCDay, at generation: Int64, now: Date, ttl: TimeInterval) -> DayMetrics? {
        guard ttl > 0 else { return nil }
        return todays.withLockedValue { today in
            guard let today, today.day == day.number, today.generation == generation,
                  today.at <= now, now.timeIntervalSince(today.at) < ttl else { return nil }
            return today.metrics
        }
    }

    func storeToday(_ metrics: DayMetrics, for day: UTCDay, at generation: Int64, computedAt: Date) {
        todays.withLockedValue { today in
            if let today, today.day == day.number, today.generation == generation, today.at > computedAt { return }
            today = Today(day: day.number, generation: generation, at: computedAt, metrics: metrics)
        }
    }
}

struct PlatformMetricsCacheKey: StorageKey { typealias Value = PlatformMetricsCache }

extension Application {
    var platformMetricsCache: PlatformMetricsCache {
        guard let cache = storage[PlatformMetricsCacheKey.self] else { fatalError("configure(_:settings:) was not called") }
        return cache
    }
}

/// The figures of every day of a period, oldest first and today last, and where what is derived
/// from the ended days may be cached.
struct PlatformSeries: Sendable {
    let days: [(UTCDay, DayMetrics)]
    /// The key of the ended days in `PlatformMetricsCache`; nil when a day was computed live.
    let cacheKey: String?
    let generation: Int64

    var today: (UTCDay, DayMetrics) { days.last! }
    var ended: ArraySlice<(UTCDay, DayMetrics)> { days.dropLast() }

    /// `build` over the ended days, made once per roll-up generation and day when the series is cacheable.
    func derived<T: Sendable>(_ name: String, in cache: PlatformMetricsCache, _ build: (ArraySlice<(UTCDay, DayMetrics)>) -> T) -> T {
        guard let cacheKey else { return build(ended) }
        let key = cacheKey + "|" + name
        if let value = cache.value(key, at: generation, as: T.self) { return value }
        let value = build(ended)
        cache.insert(value, for: key, at: generation, cost: ended.count)
        return value
    }
}

extension DayMetrics {
    /// Every figure of `days` added up, by metric and category.
    static func sum(_ days: some Sequence<(UTCDay, DayMetrics)>) -> DayMetrics {
        var total = DayMetrics()
        for (_, metrics) in days {
            for (key, value) in metrics.values { total.values[key, default: 0] += value }
        }
        return total
    }

    /// Adds `other`'s figures to these.
    func adding(_ other: DayMetrics) -> DayMetrics {
        var total = self
        for (key, value) in other.values { total.values[key, default: 0] += value }
        return total
    }
}
