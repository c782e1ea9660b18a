import Fluent
import Foundation

/// A subscription plan (`subscriptions` in the seed): net prices in pence, monthly limits.
final class Plan: Model, @unchecked Sendable {
    static let schema = "subscriptions"
    static let freeCode = "free"
    static let sellerFreeCode = "seller_free"

    /// The plan every user of this kind is on until they buy one (admins count as buyers).
    static func freeCode(for kind: User.Kind) -> String { kind == .seller ? sellerFreeCode : freeCode }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var planDescription: String?
    @Field(key: "user_type") var userType: String
    /// The monthly net price (the seed's `price`, with `billing_cycle` "monthly").
    @Field(key: "price_pence") var pricePence: Int64
    @Field(key: "yearly_price_pence") var yearlyPricePence: Int64
    @Field(key: "currency") var currency: String
    @Field(key: "billing_cycle") var billingCycle: String
    @Field(key: "premium_placement") var premiumPlacement: Bool
    @Field(key: "sort_order") var sortOrder: Int
    /// nil: unlimited.
    @OptionalField(key: "connection_limit") var connectionLimit: Int?
    @OptionalField(key: "listing_limit") var listingLimit: Int?
    @Field(key: "features") var features: String
    @Field(key: "is_active") var isActive: Bool

    init() {}

    var isFree: Bool { pricePence == 0 && yearlyPricePence == 0 }

    func netPrice(_ cycle: BillingCycle) -> Int64 { cycle == .monthly ? pricePence : yearlyPricePence }
}

enum BillingCycle: String, Codable, Sendable, CaseIterable {
    case monthly, yearly

    /// The end of a period that starts at `start` (calendar months in UTC, so 31 Jan + 1 month is 28/29 Feb).
    func periodEnd(from start: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: self == .monthly ? .month : .year, value: 1, to: start)!
    }
}

final class UserSubscription: Model, @unchecked Sendable {
    static let schema = "user_subscriptions"

    enum Status: String, Codable, Sendable {
        /// `past_due`: a renewal charge failed; the plan stays while the charge is retried.
        case active, pastDue = "past_due", cancelled, expired
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "status") var status: Status
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    @Field(key: "billing_cycle") var billingCycle: BillingCycle
    @OptionalField(key: "current_period_start") var currentPeriodStart: Date?
    @OptionalField(key: "current_period_end") var currentPeriodEnd: Date?
    @Field(key: "cancel_at_period_end") var cancelAtPeriodEnd: Bool
    @OptionalField(key: "payment_method_id") var paymentMethodID: UUID?
    @OptionalField(key: "gateway_subscription_id") var gatewaySubscriptionID: String?
    @Field(key: "failed_payment_attempts") var failedPaymentAttempts: Int
    @OptionalField(key: "next_payment_attempt_at") var nextPaymentAttemptAt: Date?
    /// The period end a renewal reminder was sent for, so each period gets one.
    @OptionalField(key: "reminded_for_period_end") var remindedForPeriodEnd: Date?

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
