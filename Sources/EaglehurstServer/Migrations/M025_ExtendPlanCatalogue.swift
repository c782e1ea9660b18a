import Fluent
import Foundation
import SQLKit

/// The plan catalogue per user type: each plan belongs to buyers or sellers, has a monthly and a
/// yearly net price, and a seller plan may put its listings first in browse. The one free plan of
/// `CreatePlans` becomes the buyers' free plan; sellers get their own, and sellers on the old free
/// plan move to it.
struct ExtendPlanCatalogue: AsyncMigration {
    var name: String { "025_extend_plan_catalogue" }

    struct Seed {
        let code, name, description, userType: String
        let monthly, yearly: Int64
        let connectionLimit, listingLimit: Int?
        let premiumPlacement: Bool
        let sortOrder: Int
        let features: String
    }

    static let freeFeaturesBefore = #"["browse listings","3 connection requests a month","1 active listing"]"#

    static let seeds: [Seed] = [
        Seed(code: "buyer_professional", name: "Professional", description: "For buyers actively looking: more sellers to talk to each month.",
             userType: "buyer", monthly: 2_900, yearly: 29_000, connectionLimit: 25, listingLimit: nil, premiumPlacement: false, sortOrder: 2,
             features: #"["browse listings","25 connection requests a month","saved listings and notes"]"#),
        Seed(code: "buyer_enterprise", name: "Enterprise", description: "For groups buying several practices.",
             userType: "buyer", monthly: 9_900, yearly: 99_000, connectionLimit: nil, listingLimit: nil, premiumPlacement: false, sortOrder: 3,
             features: #"["browse listings","unlimited connection requests","saved listings and notes"]"#),
        Seed(code: "seller_free", name: "Free", description: "List one business at a time.",
             userType: "seller", monthly: 0, yearly: 0, connectionLimit: nil, listingLimit: 1, premiumPlacement: false, sortOrder: 1,
             features: #"["1 active listing","buyer requests and messages"]"#),
        Seed(code: "seller_professional", name: "Professional", description: "For sellers with several businesses.",
             userType: "seller", monthly: 4_900, yearly: 49_000, connectionLimit: nil, listingLimit: 10, premiumPlacement: false, sortOrder: 2,
             features: #"["10 active listings","buyer requests and messages","listing analytics"]"#),
        Seed(code: "seller_premium", name: "Premium", description: "Unlimited listings, shown first to buyers.",
             userType: "seller", monthly: 14_900, yearly: 149_000, connectionLimit: nil, listingLimit: nil, premiumPlacement: true, sortOrder: 3,
             features: #"["unlimited active listings","listings shown first in browse","listing analytics"]"#),
    ]

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        try await database.schema("subscriptions").field("user_type", .string, .required, .sql(.default("buyer"))).update()
        try await database.schema("subscriptions").field("yearly_price_pence", .int64, .required, .sql(.default(0))).update()
        try await database.schema("subscriptions").field("premium_placement", .bool, .required, .sql(.default(false))).update()
        try await database.schema("subscriptions").field("sort_order", .int, .required, .sql(.default(0))).update()
        let sql = database.sql
        try await sql.raw("""
            UPDATE subscriptions SET user_type = 'buyer', listing_limit = NULL, sort_order = 1,
              features = \(bind: #"["browse listings","3 connection requests a month"]"#)
            WHERE code = 'free'
            """).run()
        for seed in Self.seeds {
            try await sql.raw("""
                INSERT INTO subscriptions (id, code, name, description, price_pence, currency, billing_cycle, connection_limit,
                  listing_limit, features, is_active, created_at, user_type, yearly_price_pence, premium_placement, sort_order)
                VALUES (\(bind: UUID()), \(bind: seed.code), \(bind: seed.name), \(bind: seed.description), \(bind: seed.monthly), 'GBP',
                  'monthly', \(bind: seed.connectionLimit), \(bind: seed.listingLimit), \(bind: seed.features), \(bind: true),
                  \(bind: Date()), \(bind: seed.userType), \(bind: seed.yearly), \(bind: seed.premiumPlacement), \(bind: seed.sortOrder))
                """).run()
        }
        try await sql.raw("""
            UPDATE user_subscriptions SET subscription_id = (SELECT id FROM subscriptions WHERE code = 'seller_free')
            WHERE subscription_id = (SELECT id FROM subscriptions WHERE code = 'free')
              AND user_id IN (SELECT id FROM users WHERE user_type = 'seller')
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("""
            UPDATE user_subscriptions SET subscription_id = (SELECT id FROM subscriptions WHERE code = 'free')
            WHERE subscription_id = (SELECT id FROM subscriptions WHERE code = 'seller_free')
            """).run()
        for seed in Self.seeds {
            try await sql.raw("DELETE FROM subscriptions WHERE code = \(bind: seed.code)").run()
        }
        try await sql.raw("""
            UPDATE subscriptions SET listing_limit = 1, features = \(bind: Self.freeFeaturesBefore) WHERE code = 'free'
            """).run()
        for field in ["user_type", "yearly_price_pence", "premium_placement", "sort_order"] {
            try await database.schema("subscriptions").deleteField(.key(.init(stringLiteral: field))).update()
        }
    }
}
