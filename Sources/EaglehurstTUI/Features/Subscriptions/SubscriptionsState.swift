import EaglehurstAPI
import Foundation

public typealias SubscriptionPlan = Components.Schemas.Plan
public typealias UserSubscription = Components.Schemas.UserSubscription
public typealias PaymentCard = Components.Schemas.PaymentMethod
public typealias Invoice = Components.Schemas.Invoice
public typealias BillingCycle = Components.Schemas.BillingCycle
public typealias PaymentConfig = Components.Schemas.PaymentConfig

/// The subscriptions screen: the current plan and its usage, the plans on offer, the cards, the
/// invoices, and an upgrade or a card being added.
public struct SubscriptionsState: Equatable, Sendable {
    public enum Pane: String, CaseIterable, Sendable {
        case plans = "Plans", cards = "Cards", invoices = "Invoices"
    }

    /// Whose plan this is: another user signing in starts afresh, so nothing of the last one's shows.
    public var accountID: UUID?
    public var pane: Pane = .plans
    public var cycle: BillingCycle = .monthly
    public var current: UserSubscription?
    public var usage: PlanUsage?
    public var plans: [SubscriptionPlan] = []
    public var cards: [PaymentCard] = []
    public var invoices: [Invoice] = []
    public var invoicesTotal: Int?
    public var config: PaymentConfig?
    public var planCursor = ListCursor()
    public var cardCursor = ListCursor()
    public var invoiceCursor = ListCursor()
    /// Answers still on their way; the screen shows a spinner until the first ones arrive.
    public var loading: Set<Part> = []
    /// A reload failed: what is shown is from before.
    public var isStale = false
    /// A card being added, from the cards pane or during an upgrade.
    public var cardEntry: CardEntry?
    public var checkout: Checkout?
    /// A card being removed, or the subscription being cancelled.
    public var isWriting = false
    /// The plan cursor starts on the next plan up once the plans and the current plan are known.
    var isPlanCursorPlaced = false

    public enum Part: Hashable, Sendable, CaseIterable { case current, usage, plans, cards, invoices, config }

    public init() {}

    public var isLoading: Bool { !loading.isEmpty && current == nil }

    public var selectedPlan: SubscriptionPlan? { plans.indices.contains(planCursor.selected) ? plans[planCursor.selected] : nil }
    public var selectedCard: PaymentCard? { cards.indices.contains(cardCursor.selected) ? cards[cardCursor.selected] : nil }
    public var selectedInvoice: Invoice? { invoices.indices.contains(invoiceCursor.selected) ? invoices[invoiceCursor.selected] : nil }
    public var defaultCard: PaymentCard? { cards.first(where: \.isDefault) }

    /// Something of this screen is in flight, so the spinner turns.
    public var isBusy: Bool {
        isLoading || isWriting || cardEntry?.isSubmitting == true || checkout?.step == .paying
    }
}

/// An upgrade under way: a plan and cycle, then a card, then a confirmation of the amounts, then the
/// payment, then its result.
public struct Checkout: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        /// Choosing one of the saved cards (or adding one).
        case card
        /// Net, VAT, total and the next renewal, before paying.
        case review
        case paying
        /// The plan is bought; the receipt shows until closed.
        case paid(UserSubscription)
    }

    public var plan: SubscriptionPlan
    public var cycle: BillingCycle
    public var step: Step = .card
    public var cardCursor = ListCursor()
    public var cardID: UUID?
    /// Made when the confirmation opens and sent with every try of this purchase, so a retry after a
    /// lost answer never charges twice.
    public var idempotencyKey: String?
    /// Why the last try did not go through (a decline, a card that needs its bank's check, no answer).
    public var problem: String?
    /// When the confirmation opened: the renewal it shows is a period from then.
    public var reviewedAt: Date?

    public init(plan: SubscriptionPlan, cycle: BillingCycle) {
        self.plan = plan
        self.cycle = cycle
    }

    /// Net, VAT and total of the plan for the cycle, in pence, rounded as the server rounds (halves up).
    public var amounts: (net: Int64, vat: Int64, total: Int64) {
        Subscriptions.amounts(plan, cycle)
    }
}
