import EaglehurstAPI
import Foundation

/// The signed-in user's plan: its usage, the plans on offer, upgrading with a saved or new card,
/// cancelling, cards and invoices.
enum Subscriptions: Drawing {
    static let invoicesPerPage = 50

    /// Opens the screen for a buyer or a seller, starting afresh when another user has signed in.
    static func open(_ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        guard let account = shell.account else {
            shell.screen = .signin
            shell.message = .info("Sign in to see your plan.")
            return []
        }
        guard account.userType != .admin else {
            shell.message = .info("Subscriptions are for buyers and sellers.")
            return []
        }
        if state.accountID != account.id {
            state = SubscriptionsState()
            state.accountID = account.id
        }
        shell.screen = .subscriptions
        return reload(&state, shell)
    }

    /// Everything the screen shows, asked for at once; what is shown stays until the answers come.
    static func reload(_ state: inout SubscriptionsState, _ shell: Shell) -> [Effect] {
        guard let userType = shell.account?.userType else { return [] }
        state.loading = Set(SubscriptionsState.Part.allCases)
        let loads: [SubscriptionsEffect] = [.loadCurrent, .loadUsage, .loadPlans(userType), .loadCards, .loadInvoices(perPage: invoicesPerPage), .loadConfig]
        return loads.map(Effect.subscriptions)
    }

    /// The context whose keys are live on this screen: a card being typed, then an upgrade, then the pane.
    static func context(_ state: SubscriptionsState) -> Context {
        if state.cardEntry != nil { return .cardForm }
        if let checkout = state.checkout { return checkout.step == .card ? .checkout : .checkoutReview }
        switch state.pane {
        case .plans: return .subscriptions
        case .cards: return .paymentMethods
        case .invoices: return .invoices
        }
    }

    /// Net, VAT and total in pence, VAT rounded to the nearest penny, halves up, as the server charges.
    static func amounts(_ plan: SubscriptionPlan, _ cycle: BillingCycle) -> (net: Int64, vat: Int64, total: Int64) {
        let net = cycle == .monthly ? plan.monthlyPricePence : plan.yearlyPricePence
        let vat = (net * Int64(plan.vatRatePercent) + 50) / 100
        return (net, vat, net + vat)
    }

    /// The lists scroll within the rows the terminal gives them now.
    static func fit(_ state: inout SubscriptionsState, _ size: Size) {
        state.cardCursor.setViewportHeight(paneRows(size))
        state.invoiceCursor.setViewportHeight(paneRows(size))
    }

    static func update(_ state: inout SubscriptionsState, _ message: SubscriptionsMessage, _ shell: inout Shell) -> [Effect] {
        defer { fit(&state, shell.size) }
        switch message {
        case .currentLoaded(let result):
            loaded(.current, result, &state, &shell) { $0.current = $1 }
            placePlanCursor(&state)
        case .usageLoaded(let result):
            loaded(.usage, result, &state, &shell) { $0.usage = $1 }
        case .plansLoaded(let result):
            loaded(.plans, result, &state, &shell) { state, plans in
                state.plans = plans
                state.planCursor = ListCursor(count: plans.count, viewportHeight: plans.count)
                state.isPlanCursorPlaced = false
            }
            placePlanCursor(&state)
        case .cardsLoaded(let result):
            loaded(.cards, result, &state, &shell) { state, cards in
                state.cards = cards
                state.cardCursor.setCount(cards.count)
                state.checkout?.cardCursor.setCount(cards.count)
            }
        case .invoicesLoaded(let result):
            loaded(.invoices, result, &state, &shell) { state, page in
                state.invoices = page.items
                state.invoicesTotal = page.total
                state.invoiceCursor.setCount(page.items.count)
            }
        case .configLoaded(let result):
            loaded(.config, result, &state, &shell) { $0.config = $1 }
        case .cardAdded(let result):
            return cardAdded(result, &state, &shell)
        case .cardDeleted(let id, let result):
            state.isWriting = false
            switch result {
            case .success:
                let gone = state.cards.first { $0.id == id }
                shell.message = .ok("\(gone.map(cardName) ?? "The card") is removed.")
                return [.subscriptions(.loadCards)]
            case .failure(let failure):
                shell.message = .error("Could not remove the card: \(failure.summary)")
            }
        case .purchased(let result):
            return purchased(result, &state, &shell)
        case .cancelled(let result):
            state.isWriting = false
            switch result {
            case .success(let subscription):
                state.current = subscription
                let until = (subscription.expiresAt ?? subscription.currentPeriodEnd)
                shell.message = .ok("Cancelled: \(subscription.plan.name) stays until \(day(until)), then the free plan.")
                return [.subscriptions(.loadUsage)]
            case .failure(let failure):
                shell.message = .error("Could not cancel: \(failure.summary)")
            }
        }
        return []
    }

    /// An answer for one part of the screen: taken when it came, else the last one stays, marked stale.
    private static func loaded<T>(_ part: SubscriptionsState.Part, _ result: Result<T, RequestFailure>, _ state: inout SubscriptionsState, _ shell: inout Shell, take: (inout SubscriptionsState, T) -> Void) {
        state.loading.remove(part)
        switch result {
        case .success(let value):
            take(&state, value)
            if state.loading.isEmpty, shell.message?.kind != .error { state.isStale = false }
        case .failure(let failure):
            state.isStale = state.current != nil
            shell.message = .error("Could not load \(partName(part)): \(failure.summary)")
        }
    }

    private static func partName(_ part: SubscriptionsState.Part) -> String {
        switch part {
        case .current: "your plan"
        case .usage: "your usage"
        case .plans: "the plans"
        case .cards: "your cards"
        case .invoices: "your invoices"
        case .config: "the payment settings"
        }
    }

    /// Once both the plans and the current plan are known, the cursor goes to the next plan up (the
    /// likely upgrade), or stays on the current one when it is the top; prices follow the current cycle.
    private static func placePlanCursor(_ state: inout SubscriptionsState) {
        guard !state.isPlanCursorPlaced, let current = state.current, !state.plans.isEmpty else { return }
        state.cycle = current.billingCycle ?? state.cycle
        let index = state.plans.firstIndex { $0.id == current.plan.id } ?? -1
        state.planCursor.select(min(index + 1, state.plans.count - 1))
        state.isPlanCursorPlaced = true
    }

    private static func cardAdded(_ result: Result<PaymentCard, RequestFailure>, _ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        switch result {
        case .success(let card):
            state.cardEntry = nil
            if card.isDefault { for index in state.cards.indices { state.cards[index].isDefault = false } }
            state.cards.append(card)
            state.cardCursor.setCount(state.cards.count)
            state.cardCursor.select(state.cards.count - 1)
            shell.message = .ok("\(cardName(card)) is saved\(card.isDefault ? " as your default card" : "").")
            if state.checkout != nil { review(card: card, &state) }
            return [.subscriptions(.loadCards)]
        case .failure(let failure):
            state.cardEntry?.isSubmitting = false
            let reason: String
            if case .problem(let problem) = failure, problem.status == 422 || problem.status == 402 {
                let fields = problem.fieldErrors.keys.sorted().flatMap { key in (problem.fieldErrors[key] ?? []).map { "\(key.replacingOccurrences(of: "_", with: " ")) \($0)" } }
                reason = fields.isEmpty ? (problem.detail ?? problem.title) : fields.joined(separator: "; ")
            } else {
                reason = failure.summary
            }
            state.cardEntry?.refusal = reason
            shell.message = .error("The card was not saved: \(reason)")
            return []
        }
    }

    /// Opens the confirmation for a card, with a new purchase key: the key stays for every retry of
    /// this purchase and a new one is made only when a new confirmation opens.
    static func review(card: PaymentCard, _ state: inout SubscriptionsState) {
        state.checkout?.cardID = card.id
        state.checkout?.step = .review
        state.checkout?.problem = nil
        state.checkout?.idempotencyKey = UUID().uuidString.lowercased()
        state.checkout?.reviewedAt = Date()
    }

    private static func purchased(_ result: Result<UserSubscription, RequestFailure>, _ state: inout SubscriptionsState, _ shell: inout Shell) -> [Effect] {
        guard state.checkout != nil else { return [] }
        switch result {
        case .success(let subscription):
            state.current = subscription
            state.checkout?.step = .paid(subscription)
            shell.message = .ok("You are on \(subscription.plan.name) now.")
            state.loading.formUnion([.usage, .invoices, .cards])
            let loads: [SubscriptionsEffect] = [.loadUsage, .loadInvoices(perPage: invoicesPerPage), .loadCards]
            return loads.map(Effect.subscriptions)
        case .failure(let failure):
            state.checkout?.step = .review
            if case .problem(let problem) = failure, problem.status == 402 {
                // A decline or a card that needs its bank: nothing changed; the server says why and what to do.
                // That try is settled, so the next one is a new purchase with a key of its own.
                state.checkout?.problem = "\(problem.title). \(problem.detail ?? "")"
                state.checkout?.idempotencyKey = UUID().uuidString.lowercased()
                shell.message = .error("Not paid: \(problem.title).")
            } else {
                let retry = shell.bindings.binding(for: .confirm, in: .checkoutReview)?.keys.first.map { "\($0)" } ?? "Paying again"
                state.checkout?.problem = "\(failure.summary). \(retry) tries again with the same purchase key, so you are charged at most once."
                shell.message = .error("The payment did not go through: \(failure.summary)")
            }
            return []
        }
    }

    // MARK: formatting

    static func cardName(_ card: PaymentCard) -> String {
        "\(card.brand.prefix(1).uppercased())\(card.brand.dropFirst()) •••• \(card.last4)"
    }

    /// Pence as pounds and pence: £1,290.00.
    static func price(_ pence: Int64) -> String {
        "£\(thousands(pence / 100)).\(String(format: "%02d", Int(pence % 100)))"
    }

    /// A day as people in Britain write it, in UTC as the server counts periods: 30 Dec 2025.
    static func day(_ date: Date) -> String {
        let parts = utc.dateComponents([.day, .month, .year], from: date)
        return "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970)"
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    static func per(_ cycle: BillingCycle) -> String { cycle == .monthly ? "month" : "year" }

    /// When a plan bought at `date` renews: a month or a year on.
    static func renewal(from date: Date, _ cycle: BillingCycle) -> Date {
        utc.date(byAdding: cycle == .monthly ? .month : .year, value: 1, to: date) ?? date
    }
}
