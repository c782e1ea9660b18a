import Fluent
import SQLKit

/// A generation for each roll-up in `analytics_rollups`: every write of `platform_metrics` moves the
/// `platform_metrics` row's `generation` up by one in the same transaction, so a server that caches
/// the ended days' series (`PlatformMetricsCache`) knows by one small read whether any server, or the
/// `rollup` command, has rewritten a day since.
struct CountPlatformMetricsRollups: AsyncMigration {
    var name: String { "051_count_platform_metrics_rollups" }

    func prepare(on database: any Database) async throws {
        try await database.schema("analytics_rollups")
            .field("generation", .int64, .required, .sql(.default(0)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("analytics_rollups").deleteField("generation").update()
    }
}
