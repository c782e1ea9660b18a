import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

extension EffectRunner {
    func runSubscriptions(_ effect: SubscriptionsEffect) async -> SubscriptionsMessage {
        switch effect {
        case .loadCurrent: .currentLoaded(await currentSubscription())
        case .loadUsage: .usageLoaded(await subscriptionUsage())
        case .loadPlans(let userType): .plansLoaded(await plans(for: userType))
        case .loadCards: .cardsLoaded(await paymentCards())
        case .loadInvoices(let perPage): .invoicesLoaded(await invoices(perPage: perPage))
        case .loadConfig: .configLoaded(await paymentConfig())
        case .addCard(let card, let makeDefault): .cardAdded(await addCard(card, makeDefault: makeDefault))
        case .deleteCard(let id): .cardDeleted(id: id, await deleteCard(id))
        case .purchase(let planID, let cycle, let cardID, let key):
            .purchased(await purchase(planID: planID, cycle: cycle, cardID: cardID, idempotencyKey: key))
        case .cancel(let atPeriodEnd): .cancelled(await cancelSubscription(atPeriodEnd: atPeriodEnd))
        }
    }

    func currentSubscription() async -> Result<UserSubscription, RequestFailure> {
        await attempt {
            switch try await client.subscriptionsCurrent() {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your subscription"))
            }
        }
    }

    func subscriptionUsage() async -> Result<PlanUsage, RequestFailure> {
        await attempt {
            switch try await client.subscriptionsUsage() {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your plan's usage"))
            }
        }
    }

    /// Every plan for the user's kind; the catalogue is a handful, so one page holds it.
    func plans(for userType: Components.Schemas.UserType) async -> Result<[SubscriptionPlan], RequestFailure> {
        await attempt {
            switch try await client.subscriptionsPlans(query: .init(userType: userType, page: 1, perPage: 100)) {
            case .ok(let ok): return .success(try ok.body.json.items)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the plans"))
            }
        }
    }

    func paymentCards() async -> Result<[PaymentCard], RequestFailure> {
        await attempt {
            switch try await client.subscriptionsListPaymentMethods(query: .init(page: 1, perPage: 100)) {
            case .ok(let ok): return .success(try ok.body.json.items)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your cards"))
            }
        }
    }

    func invoices(perPage: Int) async -> Result<Components.Schemas.InvoicePage, RequestFailure> {
        await attempt {
            switch try await client.subscriptionsInvoices(query: .init(page: 1, perPage: perPage)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your invoices"))
            }
        }
    }

    func paymentConfig() async -> Result<PaymentConfig, RequestFailure> {
        await attempt {
            switch try await client.subscriptionsPaymentConfig() {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the payment settings"))
            }
        }
    }

    /// Asks the server which tokenizer takes card details, gives them to it alone, then sends the
    /// server only the token. The card number never reaches this server's card endpoints.
    func addCard(_ card: CardDetails, makeDefault: Bool) async -> Result<PaymentCard, RequestFailure> {
        let token: String
        switch await paymentConfig() {
        case .failure(let failure): return .failure(failure)
        case .success(let config):
            switch await tokenize(card, with: config) {
            case .failure(let failure): return .failure(failure)
            case .success(let made): token = made
            }
        }
        return await attempt {
            switch try await client.subscriptionsAddPaymentMethod(body: .json(.init(token: token, setDefault: makeDefault))) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "adding the card"))
            }
        }
    }

    /// The local gateway's tokenizer is this server's `POST /payments/local/tokens`. Stripe's takes the
    /// details with the publishable key at Stripe itself, which this client does not speak yet.
    func tokenize(_ card: CardDetails, with config: PaymentConfig) async -> Result<String, RequestFailure> {
        guard config.gateway == .local else {
            return .failure(.notAvailable("Adding a card through Stripe (\(config.tokensUrl)) from the terminal"))
        }
        return await attempt {
            let request = Components.Schemas.LocalCardTokenRequest(number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc)
            switch try await client.paymentsLocalCreateToken(body: .json(request)) {
            case .created(let created): return .success(try created.body.json.token)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the card"))
            }
        }
    }

    func deleteCard(_ id: UUID) async -> Result<UUID, RequestFailure> {
        await attempt {
            switch try await client.subscriptionsDeletePaymentMethod(path: .init(id: id)) {
            case .noContent: return .success(id)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "removing the card"))
            }
        }
    }

    func purchase(planID: UUID, cycle: BillingCycle, cardID: UUID, idempotencyKey: String) async -> Result<UserSubscription, RequestFailure> {
        // A seller's plan decides where their listings come in browse.
        await cache.invalidate(kinds: [.browsePage])
        return await attempt {
            let body = Components.Schemas.PurchaseRequest(planId: planID, billingCycle: cycle, paymentMethodId: cardID)
            switch try await client.subscriptionsPurchase(headers: .init(idempotencyKey: idempotencyKey), body: .json(body)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "buying the plan"))
            }
        }
    }

    func cancelSubscription(atPeriodEnd: Bool) async -> Result<UserSubscription, RequestFailure> {
        await cache.invalidate(kinds: [.browsePage])
        return await attempt {
            switch try await client.subscriptionsCancel(body: .json(.init(atPeriodEnd: atPeriodEnd))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "cancelling"))
            }
        }
    }
}
