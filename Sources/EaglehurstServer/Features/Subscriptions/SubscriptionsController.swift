import EaglehurstAPI
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func subscriptionService() throws -> SubscriptionService { SubscriptionService(app: app, db: try RequestContext.request.db) }
    func paymentMethodsService() throws -> PaymentMethodsService { PaymentMethodsService(app: app, db: try RequestContext.request.db) }

    func subscriptionsPlans(_ input: Operations.SubscriptionsPlans.Input) async throws -> Operations.SubscriptionsPlans.Output {
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await subscriptionService().catalogue(userType: input.query.userType, page: page))))
    }

    func subscriptionsCurrent(_ input: Operations.SubscriptionsCurrent.Input) async throws -> Operations.SubscriptionsCurrent.Output {
        let user = try await auth.user(.verified)
        let service = try subscriptionService()
        return .ok(.init(body: .json(try await service.currentDTO(for: user))))
    }

    func subscriptionsPurchase(_ input: Operations.SubscriptionsPurchase.Input) async throws -> Operations.SubscriptionsPurchase.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let service = try subscriptionService()
        let order = SubscriptionService.PurchaseOrder(
            planID: body.planId, cycle: BillingCycle(rawValue: body.billingCycle?.rawValue ?? "monthly") ?? .monthly,
            paymentMethodID: body.paymentMethodId, idempotencyKey: input.headers.idempotencyKey)
        let subscription = try await service.purchase(order, by: user)
        return .ok(.init(body: .json(try service.dto(subscription))))
    }

    func subscriptionsCancel(_ input: Operations.SubscriptionsCancel.Input) async throws -> Operations.SubscriptionsCancel.Output {
        let user = try await auth.user(.verified)
        var atPeriodEnd = true
        if case .json(let body) = input.body { atPeriodEnd = body.atPeriodEnd ?? true }
        let service = try subscriptionService()
        return .ok(.init(body: .json(try service.dto(try await service.cancel(user, atPeriodEnd: atPeriodEnd)))))
    }

    /// What the caller's plan allows this month and how much of it is used: connection requests
    /// this calendar month, and active listings (waiting for review or published) now.
    func subscriptionsUsage(_ input: Operations.SubscriptionsUsage.Input) async throws -> Operations.SubscriptionsUsage.Output {
        let user = try await auth.user(.verified)
        return .ok(.init(body: .json(try await subscriptionService().usage(of: user))))
    }

    func subscriptionsListPaymentMethods(_ input: Operations.SubscriptionsListPaymentMethods.Input) async throws -> Operations.SubscriptionsListPaymentMethods.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await paymentMethodsService().page(of: user, page: page))))
    }

    func subscriptionsAddPaymentMethod(_ input: Operations.SubscriptionsAddPaymentMethod.Input) async throws -> Operations.SubscriptionsAddPaymentMethod.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let method = try await paymentMethodsService().add(token: body.token, setDefault: body.setDefault ?? false, for: user)
        return .created(.init(body: .json(try method.toDTO())))
    }

    func subscriptionsDeletePaymentMethod(_ input: Operations.SubscriptionsDeletePaymentMethod.Input) async throws -> Operations.SubscriptionsDeletePaymentMethod.Output {
        let user = try await auth.user(.verified)
        try await paymentMethodsService().delete(input.path.id, of: user)
        return .noContent(.init())
    }

    func subscriptionsInvoices(_ input: Operations.SubscriptionsInvoices.Input) async throws -> Operations.SubscriptionsInvoices.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await subscriptionService().invoices(of: user, page: page))))
    }

    func subscriptionsPaymentConfig(_ input: Operations.SubscriptionsPaymentConfig.Input) async throws -> Operations.SubscriptionsPaymentConfig.Output {
        let config = app.paymentGateway.clientConfig
        return .ok(.init(body: .json(.init(
            gateway: config.gateway == "stripe" ? .stripe : .local, publishableKey: config.publishableKey,
            tokensUrl: config.tokensURL, testCards: config.testCards))))
    }

    func subscriptionsWebhook(_ input: Operations.SubscriptionsWebhook.Input) async throws -> Operations.SubscriptionsWebhook.Output {
        guard case .any(let body) = input.body else { throw Problem.unsupportedBody }
        let payload: Data
        do {
            payload = try await Data(collecting: body, upTo: PaymentWebhook.maxBytes)
        } catch {
            throw Problem(.payloadTooLarge, slug: "event-too-large", title: "The event is too large",
                          detail: "A webhook event may be at most \(PaymentWebhook.maxBytes >> 10) KB.")
        }
        let receipt = try await PaymentWebhook(app: app, db: try RequestContext.request.db)
            .handle(payload: payload, signature: input.headers.stripeSignature)
        return .ok(.init(body: .json(receipt)))
    }

    func paymentsLocalCreateToken(_ input: Operations.PaymentsLocalCreateToken.Input) async throws -> Operations.PaymentsLocalCreateToken.Output {
        guard app.paymentGateway is LocalPaymentGateway else {
            throw Problem(.notFound, slug: "not-found", title: "Not found",
                          detail: "This server takes cards through Stripe; see GET /api/v1/subscriptions/payment-config.")
        }
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let request = try RequestContext.request
        // Public, like Stripe's tokenizer with a publishable key: limited per address instead.
        let limiter = RateLimiter(db: request.db, enabled: app.settings.rateLimitEnabled, now: app.serverEnvironment.now())
        try await limiter.consume(.cardTokensPerIP, key: request.clientAddress)
        let token = try await LocalPaymentGateway.tokenize(
            number: body.number, expMonth: body.expMonth, expYear: body.expYear, cvc: body.cvc,
            now: app.serverEnvironment.now(), fingerprintKey: app.codeKey, on: request.db)
        return .created(.init(body: .json(.init(
            token: token.token, brand: token.brand, last4: token.last4, expMonth: token.expMonth, expYear: token.expYear))))
    }
}
