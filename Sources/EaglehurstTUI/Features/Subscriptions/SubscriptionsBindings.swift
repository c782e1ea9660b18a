import Foundation

/// The subscriptions screen's keys, beside what they do, what the dangerous ones act on and why they
/// are refused.
extension Subscriptions {
    static let bindings: [Binding] = [
        spec(.global, .goSubscriptions, "your plan, upgrades, cards and invoices"),
        spec(.subscriptions, .down, "next plan", hint: "plan"),
        spec(.subscriptions, .up, "previous plan"),
        spec(.subscriptions, .upgrade, "buy the selected plan", hint: "upgrade"),
        spec(.subscriptions, .toggleBilling, "monthly ⇄ yearly prices", hint: "monthly/yearly"),
        spec(.subscriptions, .cancelSubscription, "cancel your plan at the end of the paid period", hint: "cancel plan", dangerous: true),
        spec(.subscriptions, .switchPane, "plans → cards → invoices", hint: "cards"),
        spec(.subscriptions, .refresh, "reload"),
        spec(.subscriptions, .back, "back to your profile"),
    ] + listSpecs(.paymentMethods) + [
        spec(.paymentMethods, .addCard, "add a card", hint: "add"),
        spec(.paymentMethods, .deleteCard, "remove the selected card", hint: "remove", dangerous: true),
        spec(.paymentMethods, .switchPane, "plans → cards → invoices", hint: "invoices"),
        spec(.paymentMethods, .refresh, "reload"),
        spec(.paymentMethods, .back, "back to your profile"),
    ] + listSpecs(.invoices) + [
        spec(.invoices, .switchPane, "plans → cards → invoices", hint: "plans"),
        spec(.invoices, .refresh, "reload"),
        spec(.invoices, .back, "back to your profile"),
        spec(.checkout, .down, "next card", hint: "card"),
        spec(.checkout, .up, "previous card"),
        spec(.checkout, .choose, "pay with the selected card", hint: "use card"),
        spec(.checkout, .addCard, "pay with a new card", hint: "new card"),
        spec(.checkout, .cancel, "stop the upgrade", hint: "cancel"),
        spec(.checkoutReview, .confirm, "pay (once paid: close the receipt)", hint: "pay"),
        spec(.checkoutReview, .back, "choose another card", hint: "back"),
        spec(.cardForm, .nextField, "next field", hint: "next field"),
        spec(.cardForm, .previousField, "previous field"),
        spec(.cardForm, .submit, "save the card", hint: "save"),
        spec(.cardForm, .cancel, "close without saving", hint: "cancel"),
    ]

    /// What a dangerous action is about to act on, for the confirm dialog.
    static func dangerSubject(_ action: Action, _ state: SubscriptionsState) -> String? {
        switch action {
        case .cancelSubscription:
            guard let current = state.current else { return nil }
            return "\(current.plan.name) stays until \(day(current.currentPeriodEnd)), then the free plan"
        case .deleteCard:
            return state.selectedCard.map(cardName)
        default:
            return nil
        }
    }

    /// Why a dangerous action cannot be done now.
    static func whyNot(_ action: Action, _ state: SubscriptionsState) -> String? {
        switch action {
        case .cancelSubscription:
            guard let current = state.current else { return "Your plan is still loading." }
            if current.plan.isFree { return "You are on the free plan: there is nothing to cancel." }
            if current.cancelAtPeriodEnd || current.status == .cancelled {
                return "Already cancelled: \(current.plan.name) ends \(day(current.expiresAt ?? current.currentPeriodEnd))."
            }
            return nil
        case .deleteCard:
            return state.selectedCard == nil ? "No card is saved." : nil
        default:
            return nil
        }
    }

    static func perform(_ action: Action, in context: Context, _ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        fit(&state, shell.size)
        if context == .paymentMethods, state.cardCursor.move(action) { return [] }
        if context == .invoices, state.invoiceCursor.move(action) { return [] }
        switch (context, action) {
        case (.subscriptions, .down): state.planCursor.moveDown()
        case (.subscriptions, .up): state.planCursor.moveUp()
        case (.checkout, .down): state.checkout?.cardCursor.moveDown()
        case (.checkout, .up): state.checkout?.cardCursor.moveUp()
        case (.subscriptions, .toggleBilling):
            state.cycle = state.cycle == .monthly ? .yearly : .monthly
        case (_, .switchPane):
            let panes = SubscriptionsState.Pane.allCases
            state.pane = panes[(panes.firstIndex(of: state.pane)! + 1) % panes.count]
        case (_, .refresh):
            shell.message = nil
            return reload(&state, shell)
        case (_, .back) where context != .checkoutReview:
            shell.go(.back)
        case (.subscriptions, .upgrade):
            return upgrade(&state, &shell)
        case (.subscriptions, .cancelSubscription):
            state.isWriting = true
            shell.message = .info("Cancelling…")
            return [.subscriptions(.cancel(atPeriodEnd: true))]
        case (.paymentMethods, .addCard), (.checkout, .addCard):
            state.cardEntry = CardEntry(makeDefault: state.cards.isEmpty)
            shell.message = nil
        case (.paymentMethods, .deleteCard):
            guard let card = state.selectedCard else { return [] }
            state.isWriting = true
            shell.message = .info("Removing \(cardName(card))…")
            return [.subscriptions(.deleteCard(id: card.id))]
        case (.checkout, .choose):
            guard let cursor = state.checkout?.cardCursor, state.cards.indices.contains(cursor.selected) else { return [] }
            review(card: state.cards[cursor.selected], &state)
        case (.checkout, .cancel):
            state.checkout = nil
            shell.message = .info("Nothing was bought.")
        case (.checkoutReview, .confirm):
            return pay(&state, &shell)
        case (.checkoutReview, .back):
            guard state.checkout?.step == .review else {
                if case .paid = state.checkout?.step { state.checkout = nil }
                return []
            }
            state.checkout?.step = .card
            state.checkout?.idempotencyKey = nil
            state.checkout?.problem = nil
        case (.cardForm, .nextField): state.cardEntry?.moveFocus(by: 1)
        case (.cardForm, .previousField): state.cardEntry?.moveFocus(by: -1)
        case (.cardForm, .submit):
            return saveCard(&state, &shell)
        case (.cardForm, .cancel):
            state.cardEntry = nil
            shell.message = nil
            // An upgrade with no saved card has nothing to pay with once the new card is given up.
            if state.checkout != nil, state.cards.isEmpty {
                state.checkout = nil
                shell.message = .info("Nothing was bought.")
            }
        default:
            break
        }
        return []
    }

    /// Typing into the card form: digits only, grouped and checked as they come.
    static func edit(_ key: Key, _ state: inout SubscriptionsState) -> Bool {
        guard state.cardEntry?.isSubmitting == false else { return false }
        return state.cardEntry?.edit(key) ?? false
    }

    /// Starts buying the selected plan: with a card to choose when there are saved cards, else a new one.
    private static func upgrade(_ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        guard let plan = state.selectedPlan else { return [] }
        if plan.isFree {
            shell.message = .info(state.current?.plan.isFree == true ? "You are on the free plan already."
                : "The free plan needs no purchase: cancel your plan (X) and it follows at the end of the period.")
            return []
        }
        if let current = state.current, current.plan.id == plan.id, current.billingCycle == state.cycle, !current.cancelAtPeriodEnd {
            shell.message = .info("You are on \(plan.name) (\(state.cycle.rawValue)) already.")
            return []
        }
        var checkout = Checkout(plan: plan, cycle: state.cycle)
        checkout.cardCursor = ListCursor(count: state.cards.count, viewportHeight: 6)
        checkout.cardCursor.select(state.cards.firstIndex(where: \.isDefault) ?? 0)
        state.checkout = checkout
        shell.message = nil
        if state.cards.isEmpty { state.cardEntry = CardEntry(makeDefault: true) }
        return []
    }

    /// Checks the card inline; only good details go to the tokenizer, and the CVC leaves the state as they go.
    private static func saveCard(_ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        guard var entry = state.cardEntry, !entry.isSubmitting else { return [] }
        guard entry.validateForSubmit(now: Date()), let details = entry.details else {
            state.cardEntry = entry
            shell.message = .error("Please fix the marked fields.")
            return []
        }
        entry.isSubmitting = true
        entry.forgetCVC()
        state.cardEntry = entry
        shell.message = .info("Saving the card…")
        return [.subscriptions(.addCard(details, makeDefault: entry.makeDefault))]
    }

    /// Pays, or after paying closes the receipt. A retry sends the same purchase key.
    private static func pay(_ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        guard let checkout = state.checkout else { return [] }
        switch checkout.step {
        case .paid:
            state.checkout = nil
            return []
        case .card, .paying:
            return []
        case .review:
            guard let cardID = checkout.cardID, let key = checkout.idempotencyKey else { return [] }
            state.checkout?.step = .paying
            state.checkout?.problem = nil
            shell.message = .info("Paying…")
            return [.subscriptions(.purchase(planID: checkout.plan.id, cycle: checkout.cycle, cardID: cardID, idempotencyKey: key))]
        }
    }
}
