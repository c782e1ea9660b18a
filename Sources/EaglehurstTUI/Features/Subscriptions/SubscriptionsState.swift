import EaglehurstAPI
import Foundation

package typealias SubscriptionPlan = Components.Schemas.Plan
package typealias UserSubscription = Components.Schemas.UserSubscription
package typealias PaymentCard = Components.Schemas.PaymentMethod
package typealias Invoice = Components.Schemas.Invoice
package typealias BillingCycle = Components.Schemas.BillingCycle
package typealias PaymentConfig = Components.Schemas.PaymentConfig

/// The subscriptions screen: the current plan and its usage, the plans on offer, the cards, the
/// invoices, and an upgrade or a card being added.
package struct SubscriptionsState: Equatable, Sendable {
    package enum Pane: String, CaseIterable, Sendable {
        case plans = "Plans", cards = "Cards", invoices = "Invoices"
    }

    /// Whose plan this is: another user signing in starts afresh, so nothing of the last one's shows.
    package var accountID: UUID?
    package var pane: Pane = .plans
    package var cycle: BillingCycle = .monthly
    package var current: UserSubscription?
    package var usage: PlanUsage?
    package var plans: [SubscriptionPlan] = []
    package var cards: [PaymentCard] = []
    package var invoices: [Invoice] = []
    package var invoicesTotal: Int?
    package var config: PaymentConfig?
    package var planCursor = ListCursor()
    package var cardCursor = ListCursor()
    package var invoiceCursor = ListCursor()
    /// Answers still on their way; the screen shows a spinner until the first ones arrive.
    package var loading: Set<Part> = []
    /// A reload failed: what is shown is from before.
    package var isStale = false
    /// A card being added, from the cards pane or during an upgrade.
    package var cardEntry: CardEntry?
    package var checkout: Checkout?
    /// A card being removed, or the subscription being cancelled.
    package var isWriting = false
    /// The plan cursor starts on the next plan up once the plans and the current plan are known.
    var isPlanCursorPlaced = false

    package enum Part: Hashable, Sendable, CaseIterable { case current, usage, plans, cards, invoices, config }

    package init() {}

    package var isLoading: Bool { !loading.isEmpty && current == nil }

    package var selectedPlan: SubscriptionPlan? { plans.indices.contains(planCursor.selected) ? plans[planCursor.selected] : nil }
    package var selectedCard: PaymentCard? { cards.indices.contains(cardCursor.selected) ? cards[cardCursor.selected] : nil }
    package var selectedInvoice: Invoice? { invoices.indices.contains(invoiceCursor.selected) ? invoices[invoiceCursor.selected] : nil }
    package var defaultCard: PaymentCard? { cards.first(where: \.isDefault) }

    /// Something of this screen is in flight, so the spinner turns.
    package var isBusy: Bool {
        isLoading || isWriting || cardEntry?.isSubmitting == true || checkout?.step == .paying
    }
}

/// An upgrade under way: a plan and cycle, then a card, then a confirmation of the amounts, then the
/// payment, then its result.
package struct Checkout: Equatable, Sendable {
    package enum Step: Equatable, Sendable {
        /// Choosing one of the saved cards (or adding one).
        case card
        /// Net, VAT, total and the next renewal, before paying.
        case review
        case paying
        /// The plan is bought; the receipt shows until closed.
        case paid(UserSubscription)
    }

    package var plan: SubscriptionPlan
    package var cycle: BillingCycle
    package var step: Step = .card
    package var cardCursor = ListCursor()
    package var cardID: UUID?
    /// Made when the confirmation opens and sent with every try of this purchase, so a retry after a
    /// lost answer never charges twice.
    package var idempotencyKey: String?
    /// Why the last try did not go through (a decline, a card that needs its bank's check, no answer).
    package var problem: String?
    /// When the confirmation opened: the renewal it shows is a period from then.
    package var reviewedAt: Date?

    package init(plan: SubscriptionPlan, cycle: BillingCycle) {
        self.plan = plan
        self.cycle = cycle
    }

    /// Net, VAT and total of the plan for the cycle, in pence, rounded as the server rounds (halves up).
    package var amounts: (net: Int64, vat: Int64, total: Int64) {
        Subscriptions.amounts(plan, cycle)
    }
}
