import Fluent
import SQLKit

struct CreateListings: AsyncMigration {
    var name: String { "010_create_listings" }

    func prepare(on database: any Database) async throws {
        try await database.schema("listings")
            .id()
            .field("seller_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("business_type", .string, .required)
            .field("location", .string, .required)
            .field("region", .string, .required)
            .field("asking_price", .int64, .required)
            .field("annual_revenue", .int64)
            .field("net_profit", .int64)
            .field("staff_count", .int)
            .field("tenure", .string)
            .field("year_established", .int)
            .field("reason_for_sale", .string)
            .field("exact_address", .string)
            .field("postcode", .string)
            .field("trading_name", .string)
            .field("status", .string, .required)
            .field("rejection_reason", .string)
            .field("view_count", .int, .required, .sql(.default(0)))
            .field("save_count", .int, .required, .sql(.default(0)))
            .field("published_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = database.sql
        for (name, columns) in [
            ("listings_status_published", ["status", "published_at"]),
            ("listings_status_price", ["status", "asking_price"]),
            ("listings_status_type", ["status", "business_type", "published_at"]),
            ("listings_status_region", ["status", "region", "published_at"]),
            ("listings_seller", ["seller_id", "status"]),
        ] {
            var index = sql.create(index: SQLIdentifier(name)).on("listings")
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("listings").delete()
    }
}
