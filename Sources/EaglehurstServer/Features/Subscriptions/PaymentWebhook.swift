import EaglehurstAPI
import Fluent
import Foundation
import Vapor

/// Stripe's webhook events: verified, handled once per event id (the event row and its effects
/// commit together), and matched to a subscription by the gateway's subscription id or the
/// `eaglehurst_subscription_id` metadata this server puts on what it creates.
struct PaymentWebhook {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }

    /// Stripe's events are a few KB; the JSON body limit of the server.
    static let maxBytes = 1 << 20

    static let handledTypes: Set<String> = ["invoice.paid", "invoice.payment_failed", "customer.subscription.deleted"]

    struct Event: Decodable {
        let id: String
        let type: String
        let data: DataObject

        struct DataObject: Decodable { let object: Object }

        struct Object: Decodable {
            let id: String?
            let subscription: String?
            let metadata: [String: String]?
            let amountPaid: Int64?
            let amountDue: Int64?
            let currency: String?
            let paymentIntent: String?

            enum CodingKeys: String, CodingKey {
                case id, subscription, metadata, currency
                case amountPaid = "amount_paid", amountDue = "amount_due", paymentIntent = "payment_intent"
            }
        }
    }

    func handle(payload: Data, signature: String?) async throws -> Components.Schemas.WebhookReceipt {
        guard let secret = app.settings.stripeWebhookSecret else {
            throw Problem(.badRequest, slug: "webhook-not-configured", title: "Webhooks are not configured",
                          detail: "This server has no STRIPE_WEBHOOK_SECRET, so it cannot verify gateway events.")
        }
        do {
            try StripeSignature.verify(header: signature, payload: payload, secret: secret, now: now)
        } catch {
            throw Problem(.badRequest, slug: "bad-signature", title: "The webhook signature is not valid", detail: error.description)
        }
        let event: Event
        do {
            event = try JSONDecoder().decode(Event.self, from: payload)
        } catch {
            throw Problem(.badRequest, slug: "malformed-event", title: "The event could not be read",
                          detail: "Send Stripe's event JSON with id, type and data.object.")
        }
        let news: [(User, String, String)]
        do {
            news = try await db.transaction { db in
                let seen = PaymentEvent()
                seen.eventID = event.id
                seen.type = event.type
                seen.receivedAt = now
                try await seen.create(on: db)
                return try await apply(event, on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return .init(received: true, duplicate: true, handled: Self.handledTypes.contains(event.type))
        }
        let service = SubscriptionService(app: app, db: db)
        for (user, title, message) in news { await service.notify(user, title: title, message: message) }
        return .init(received: true, duplicate: false, handled: Self.handledTypes.contains(event.type))
    }

    /// The changes an event makes, and the notifications to send once they are committed.
    private func apply(_ event: Event, on db: any Database) async throws -> [(User, String, String)] {
        guard Self.handledTypes.contains(event.type) else { return [] }
        let object = event.data.object
        let gatewaySubscription = event.type == "customer.subscription.deleted" ? object.id : object.subscription
        guard let subscription = try await subscription(gatewayID: gatewaySubscription, metadata: object.metadata, on: db) else {
            app.logger.notice("webhook event for no known subscription", metadata: ["event": "\(event.id)", "type": "\(event.type)"])
            return []
        }
        let plan = subscription.plan
        let user = subscription.user
        switch event.type {
        case "invoice.paid":
            let start = subscription.currentPeriodEnd ?? now
            let end = subscription.billingCycle.periodEnd(from: start)
            try await record(event, object, subscription, status: .succeeded, period: (start, end), amount: object.amountPaid, on: db)
            subscription.currentPeriodStart = start
            subscription.currentPeriodEnd = end
            subscription.status = .active
            subscription.failedPaymentAttempts = 0
            subscription.nextPaymentAttemptAt = nil
            try await subscription.save(on: db)
            return [(user, "Receipt: \(plan.name) plan renewed", "Your payment was received; your \(plan.name) plan runs until \(SubscriptionService.day(end)).")]
        case "invoice.payment_failed":
            try await record(event, object, subscription, status: .failed, period: nil, amount: object.amountDue, on: db)
            let attempt = subscription.failedPaymentAttempts + 1
            var report = SubscriptionRenewals.Report()
            try await SubscriptionRenewals(app: app, db: db).recordFailure(
                of: subscription, attempt: attempt, reason: "the payment gateway could not collect the invoice.", report: &report)
            return []
        default:
            subscription.status = .cancelled
            subscription.cancelledAt = subscription.cancelledAt ?? now
            subscription.expiresAt = now
            subscription.nextPaymentAttemptAt = nil
            try await subscription.save(on: db)
            try await PlanService.placementMayHaveChanged(forUserType: plan.userType, on: db)
            return [(user, "Your \(plan.name) plan has ended", "The payment gateway ended your subscription; you are on the free plan now.")]
        }
    }

    private func subscription(gatewayID: String?, metadata: [String: String]?, on db: any Database) async throws -> UserSubscription? {
        if let gatewayID, let found = try await UserSubscription.query(on: db).filter(\.$gatewaySubscriptionID == gatewayID)
            .with(\.$plan).with(\.$user).first() {
            return found
        }
        guard let raw = metadata?["eaglehurst_subscription_id"], let id = UUID(uuidString: raw) else { return nil }
        return try await UserSubscription.query(on: db).filter(\.$id == id).with(\.$plan).with(\.$user).first()
    }

    private func record(
        _ event: Event, _ object: Event.Object, _ subscription: UserSubscription, status: Payment.Status,
        period: (Date, Date)?, amount: Int64?, on db: any Database
    ) async throws {
        let plan = subscription.plan
        let expected = ChargeAmounts(net: plan.netPrice(subscription.billingCycle))
        let total = amount ?? expected.total
        let net = total * 100 / Int64(100 + ChargeAmounts.vatRatePercent)
        let payment = Payment()
        payment.$user.id = subscription.$user.id
        payment.$plan.id = try plan.requireID()
        payment.$subscription.id = try subscription.requireID()
        payment.$paymentMethod.id = subscription.paymentMethodID
        payment.kind = .gatewayInvoice
        payment.billingCycle = subscription.billingCycle
        payment.netPence = net
        payment.vatPence = total - net
        payment.vatRatePercent = ChargeAmounts.vatRatePercent
        payment.amountPence = total
        payment.currency = (object.currency ?? plan.currency).uppercased()
        payment.status = status
        payment.gateway = "stripe"
        payment.gatewayPaymentID = object.paymentIntent ?? object.id
        payment.failureCode = status == .failed ? "invoice_payment_failed" : nil
        payment.failureReason = status == .failed ? "The gateway could not collect invoice \(object.id ?? event.id)." : nil
        payment.claimKey = "event:\(event.id)"
        payment.paymentDescription = "\(plan.name) plan (\(plan.userType)), \(subscription.billingCycle.rawValue), gateway invoice \(object.id ?? event.id)"
        payment.periodStart = period?.0
        payment.periodEnd = period?.1
        payment.paidAt = status == .succeeded ? now : nil
        try await payment.create(on: db)
    }
}
