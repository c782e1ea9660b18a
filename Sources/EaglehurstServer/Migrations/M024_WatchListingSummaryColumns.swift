import Fluent
import SQLKit

/// Moves the search generation when any column that a browse page shows changes on a published
/// listing, not only the columns search filters and sorts on: `ListingPageCache` keeps whole pages
/// for a generation, so `net_profit`, `staff_count`, `tenure` and `updated_at` (which every saved
/// change moves) must move it too. View and save counters are updated without touching `updated_at`
/// and are not on a browse page, so counting them does not reload the index.
struct WatchListingSummaryColumns: AsyncMigration {
    var name: String { "024_watch_listing_summary_columns" }

    static let summaryColumns = CreateListingSearchGeneration.searchedColumns + [
        "net_profit", "staff_count", "tenure", "updated_at",
    ]

    func prepare(on database: any Database) async throws {
        try await replaceUpdateTrigger(watching: Self.summaryColumns, on: database.sql)
    }

    func revert(on database: any Database) async throws {
        try await replaceUpdateTrigger(watching: CreateListingSearchGeneration.searchedColumns, on: database.sql)
    }

    /// Recreates `listing_search_bump_update` as `CreateListingSearchGeneration` made it, over `columns`.
    private func replaceUpdateTrigger(watching columns: [String], on sql: any SQLDatabase) async throws {
        let statements: [String]
        if sql.dialect.name == "sqlite" {
            let changed = columns.map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")
            statements = [
                "DROP TRIGGER listing_search_bump_update",
                """
                CREATE TRIGGER listing_search_bump_update AFTER UPDATE OF \(columns.joined(separator: ", ")) ON listings
                WHEN (old.status = 'published' OR new.status = 'published') AND (\(changed))
                BEGIN UPDATE listing_search_generation SET generation = generation + 1 WHERE id = 1; END
                """,
            ]
        } else {
            let changed = columns.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
            statements = [
                "DROP TRIGGER listing_search_bump_update ON listings",
                """
                CREATE TRIGGER listing_search_bump_update AFTER UPDATE ON listings FOR EACH ROW
                WHEN ((OLD.status = 'published' OR NEW.status = 'published') AND (\(changed))) EXECUTE FUNCTION listing_search_bump()
                """,
            ]
        }
        for statement in statements {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
