import EaglehurstAPI
import EaglehurstClient
import Foundation
import HTTPTypes
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

    /// The local gateway's tokenizer is this server's `POST /payments/local/tokens`; Stripe's is Stripe's
    /// own `POST /v1/payment_methods` with the publishable key.
    func tokenize(_ card: CardDetails, with config: PaymentConfig) async -> Result<String, RequestFailure> {
        switch config.gateway {
        case .stripe: return await stripeToken(card, config: config)
        case .local: break
        }
        return await attempt {
            let request = Components.Schemas.LocalCardTokenRequest(number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc)
            switch try await client.paymentsLocalCreateToken(body: .json(request)) {
            case .created(let created): return .success(try created.body.json.token)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the card"))
            }
        }
    }

    /// Sends the card to Stripe as Stripe.js would (form-encoded, the publishable key as the bearer) and
    /// answers the `pm_…` id. Nothing of this server's session goes with it.
    func stripeToken(_ card: CardDetails, config: PaymentConfig) async -> Result<String, RequestFailure> {
        guard let transport, let key = config.publishableKey, let url = URL(string: config.tokensUrl),
              let scheme = url.scheme, let host = url.host, let base = URL(string: "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")")
        else { return .failure(.unexpected("the server names Stripe as its gateway but gives no publishable key or tokenizer address")) }
        var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: url.path)
        request.headerFields[.authorization] = "Bearer \(key)"
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        let fields = [("type", "card"), ("card[number]", card.number), ("card[exp_month]", "\(card.expMonth)"),
                      ("card[exp_year]", "\(card.expYear)"), ("card[cvc]", card.cvc)]
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let form = fields.map { "\($0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        let answer: (HTTPResponse, Data)
        do {
            let (response, body) = try await transport.send(request, body: HTTPBody(form), baseURL: base, operationID: "stripeCreatePaymentMethod")
            answer = (response, body == nil ? Data() : try await Data(collecting: body!, upTo: 1 << 20))
        } catch {
            return .failure(.unreachable("Stripe: \(error)"))
        }
        let object = try? JSONSerialization.jsonObject(with: answer.1) as? [String: Any]
        if answer.0.status.code == 200, let id = object?["id"] as? String { return .success(id) }
        let reason = (object?["error"] as? [String: Any])?["message"] as? String ?? "HTTP \(answer.0.status.code)"
        return .failure(.problem(ProblemReport(status: answer.0.status.code, title: "Stripe refused the card", detail: reason)))
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
