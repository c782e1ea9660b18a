import Fluent
import Foundation

/// A subscription plan (`subscriptions` in the seed): price in pence, monthly limits.
final class Plan: Model, @unchecked Sendable {
    static let schema = "subscriptions"
    static let freeCode = "free"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var planDescription: String?
    @Field(key: "price_pence") var pricePence: Int64
    @Field(key: "currency") var currency: String
    @Field(key: "billing_cycle") var billingCycle: String
    /// nil: unlimited.
    @OptionalField(key: "connection_limit") var connectionLimit: Int?
    @OptionalField(key: "listing_limit") var listingLimit: Int?
    @Field(key: "features") var features: String
    @Field(key: "is_active") var isActive: Bool

    init() {}
}

final class UserSubscription: Model, @unchecked Sendable {
    static let schema = "user_subscriptions"

    enum Status: String, Codable, Sendable {
        case active, cancelled, expired
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "status") var status: Status
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?

    // relationships
    @Parent(key: "user_id") var user: User
    @Parent(key: "subscription_id") var plan: Plan

    init() {}
}

final class SubscriptionUsage: Model, @unchecked Sendable {
    static let schema = "subscription_usage"

    @ID(key: .id) var id: UUID?
    /// The first day of the usage period, `YYYY-MM-DD` (UTC).
    @Field(key: "period_start") var periodStart: String
    @Field(key: "connections_used") var connectionsUsed: Int
    @Field(key: "listings_used") var listingsUsed: Int
    @Parent(key: "user_subscription_id") var subscription: UserSubscription

    init() {}
}
