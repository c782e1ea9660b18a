import Fluent
import Foundation

/// A stored card: what the gateway lets us keep, never the number.
final class PaymentMethod: Model, @unchecked Sendable {
    static let schema = "payment_methods"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "gateway") var gateway: String
    /// The gateway's id of the card: a Stripe `pm_…`, or a local token.
    @Field(key: "gateway_id") var gatewayID: String
    @Field(key: "brand") var brand: String
    @Field(key: "last4") var last4: String
    @Field(key: "exp_month") var expMonth: Int
    @Field(key: "exp_year") var expYear: Int
    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "is_default") var isDefault: Bool

    // relationships
    @Parent(key: "user_id") var user: User

    init() {}
}

/// The user's customer record at a gateway (Stripe's `cus_…`).
final class PaymentCustomer: Model, @unchecked Sendable {
    static let schema = "payment_customers"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "gateway") var gateway: String
    @Field(key: "customer_id") var customerID: String
    @Parent(key: "user_id") var user: User

    init() {}
}

/// A card tokenized by the local gateway: the card's test outcome is decided from its number once,
/// here, and only the outcome, brand, last four, expiry and fingerprint are kept.
final class LocalCardToken: Model, @unchecked Sendable {
    static let schema = "local_card_tokens"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "token") var token: String
    @Field(key: "brand") var brand: String
    @Field(key: "last4") var last4: String
    @Field(key: "exp_month") var expMonth: Int
    @Field(key: "exp_year") var expYear: Int
    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "outcome") var outcome: TestCardOutcome

    init() {}
}

/// A charge of the local gateway between `prepare` and its outcome, so that its status can be asked
/// as Stripe's PaymentIntents can.
final class LocalCharge: Model, @unchecked Sendable {
    static let schema = "local_charges"

    enum Status: String, Codable, Sendable {
        case requiresConfirmation = "requires_confirmation", succeeded, refused, canceled
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "gateway_id") var gatewayID: String
    @Field(key: "card_token") var cardToken: String
    @Field(key: "amount_pence") var amountPence: Int64
    @Field(key: "currency") var currency: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "failure_code") var failureCode: String?
    @OptionalField(key: "failure_reason") var failureReason: String?

    init() {}
}

/// One payment attempt (a row of `payments`); invoices are these rows.
///
/// A user has at most one purchase `pending` (the unique index `payments_one_purchase_in_flight`,
/// see `AllowOnePurchaseInFlight`): the claim of a purchase is that row, inserted before the gateway
/// is asked, so a second purchase sent meanwhile is refused instead of charged.
final class Payment: Model, @unchecked Sendable {
    static let schema = "payments"

    enum Status: String, Codable, Sendable {
        case pending, succeeded, failed, refunded
    }

    enum Kind: String, Codable, Sendable {
        case purchase, renewal, gatewayInvoice = "gateway_invoice"
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "kind") var kind: Kind
    @Field(key: "billing_cycle") var billingCycle: BillingCycle
    @Field(key: "net_pence") var netPence: Int64
    @Field(key: "vat_pence") var vatPence: Int64
    @Field(key: "vat_rate_percent") var vatRatePercent: Int
    @Field(key: "amount_pence") var amountPence: Int64
    @Field(key: "currency") var currency: String
    @Field(key: "status") var status: Status
    @Field(key: "gateway") var gateway: String
    @OptionalField(key: "gateway_payment_id") var gatewayPaymentID: String?
    @OptionalField(key: "failure_code") var failureCode: String?
    @OptionalField(key: "failure_reason") var failureReason: String?
    /// Unique: `purchase:<user>:<idempotency key>`, `renewal:<subscription>:<period end>`, `event:<gateway id>`.
    @Field(key: "claim_key") var claimKey: String
    @Field(key: "description") var paymentDescription: String
    @OptionalField(key: "period_start") var periodStart: Date?
    @OptionalField(key: "period_end") var periodEnd: Date?
    @OptionalField(key: "paid_at") var paidAt: Date?

    // relationships
    @Parent(key: "user_id") var user: User
    @OptionalParent(key: "user_subscription_id") var subscription: UserSubscription?
    @Parent(key: "plan_id") var plan: Plan
    @OptionalParent(key: "payment_method_id") var paymentMethod: PaymentMethod?

    init() {}
}

/// A webhook event handled once.
final class PaymentEvent: Model, @unchecked Sendable {
    static let schema = "payment_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: String
    @Field(key: "type") var type: String
    @Field(key: "received_at") var receivedAt: Date

    init() {}
}
