import EaglehurstAPI
import Foundation

/// The subscriptions screen's answers.
package enum SubscriptionsMessage: Equatable, Sendable {
    case currentLoaded(Result<UserSubscription, RequestFailure>)
    case usageLoaded(Result<PlanUsage, RequestFailure>)
    case plansLoaded(Result<[SubscriptionPlan], RequestFailure>)
    case cardsLoaded(Result<[PaymentCard], RequestFailure>)
    case invoicesLoaded(Result<Components.Schemas.InvoicePage, RequestFailure>)
    case configLoaded(Result<PaymentConfig, RequestFailure>)
    case cardAdded(Result<PaymentCard, RequestFailure>)
    case cardDeleted(id: UUID, Result<UUID, RequestFailure>)
    case purchased(Result<UserSubscription, RequestFailure>)
    case cancelled(Result<UserSubscription, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .currentLoaded(let result): result.failure
        case .usageLoaded(let result): result.failure
        case .plansLoaded(let result): result.failure
        case .cardsLoaded(let result): result.failure
        case .invoicesLoaded(let result): result.failure
        case .configLoaded(let result): result.failure
        case .cardAdded(let result): result.failure
        case .cardDeleted(_, let result): result.failure
        case .purchased(let result): result.failure
        case .cancelled(let result): result.failure
        }
    }
}

package enum SubscriptionsEffect: Equatable, Sendable {
    case loadCurrent
    case loadUsage
    case loadPlans(Components.Schemas.UserType)
    case loadCards
    case loadInvoices(perPage: Int)
    case loadConfig
    /// Card details to the tokenizer that `GET /subscriptions/payment-config` names, then only the token
    /// to `POST /subscriptions/payment-methods`.
    case addCard(CardDetails, makeDefault: Bool)
    case deleteCard(id: UUID)
    case purchase(planID: UUID, cycle: BillingCycle, cardID: UUID, idempotencyKey: String)
    case cancel(atPeriodEnd: Bool)
}
