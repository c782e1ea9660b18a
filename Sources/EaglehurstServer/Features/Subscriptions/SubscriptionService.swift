import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Buying, cancelling and reading subscriptions (the seed's Payment Processing Flow): the charge is
/// claimed in the database before the gateway is asked, so one idempotency key is one charge and a
/// user has one purchase in flight at most; its gateway id is stored before the money moves, so a
/// purchase whose answer was lost is settled by asking the gateway (`PendingPurchases`).
struct SubscriptionService {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }
    var gateway: any PaymentGateway { app.paymentGateway }
    var plans: PlanService { PlanService(app: app, db: db) }

    /// How long a repeated purchase waits for the first one with its key to finish.
    static let replayWait: TimeInterval = 15

    // MARK: plans

    func catalogue(userType: Components.Schemas.UserType?, page: PageRequest) async throws -> Components.Schemas.PlanPage {
        let query = Plan.query(on: db).filter(\.$isActive == true)
        if let userType {
            guard userType != .admin else { return .init(items: [], page: page.page, perPage: page.perPage, total: 0) }
            query.filter(\.$userType == userType.rawValue)
        }
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$userType).sort(\.$sortOrder).range(page.offset..<(page.offset + page.perPage)).all()
        return .init(items: try rows.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: total)
    }

    // MARK: purchase

    struct PurchaseOrder {
        let planID: UUID
        let cycle: BillingCycle
        let paymentMethodID: UUID?
        let idempotencyKey: String?
    }

    func purchase(_ order: PurchaseOrder, by user: User) async throws -> UserSubscription {
        let userID = try user.requireID()
        guard user.userType != .admin else { throw Problem.forbidden("Admin accounts have no plans to buy.") }
        if let key = order.idempotencyKey, !(1...255).contains(key.count) || !key.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) {
            throw Problem.validation(["Idempotency-Key": ["must be 1 to 255 printable ASCII characters"]])
        }
        guard let plan = try await Plan.query(on: db).filter(\.$id == order.planID).filter(\.$isActive == true).first() else {
            throw Problem.notFound("Plan \(order.planID)")
        }
        guard plan.userType == user.userType.rawValue else {
            throw Problem.validation(["plan_id": ["is a plan for \(plan.userType)s; you are signed in as a \(user.userType.rawValue) (see GET /api/v1/subscriptions/plans?user_type=\(user.userType.rawValue))"]])
        }
        guard !plan.isFree else {
            throw Problem.validation(["plan_id": ["is the free plan, which needs no purchase; cancel the paid plan to return to it"]])
        }
        let claimKey = "purchase:\(userID):\(order.idempotencyKey ?? UUID().uuidString)"
        // A repeat of a purchase answers as the first did, even once the plan is the current one (the
        // claim is written before the subscription, so seeing the subscription means seeing the claim).
        if try await isClaimed(claimKey) { return try await replay(claimKey, plan: plan, cycle: order.cycle) }
        let method = try await paymentMethod(order.paymentMethodID, of: user)
        let amounts = ChargeAmounts(net: plan.netPrice(order.cycle))
        let claim = Payment()
        claim.$user.id = userID
        claim.$plan.id = try plan.requireID()
        claim.$paymentMethod.id = try method.requireID()
        claim.kind = .purchase
        claim.billingCycle = order.cycle
        claim.netPence = amounts.net
        claim.vatPence = amounts.vat
        claim.vatRatePercent = ChargeAmounts.vatRatePercent
        claim.amountPence = amounts.total
        claim.currency = plan.currency
        claim.status = .pending
        claim.gateway = gateway.name
        claim.claimKey = claimKey
        claim.paymentDescription = "\(plan.name) plan (\(plan.userType)), \(order.cycle.rawValue)"
        do {
            try await claim.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Either this key's purchase is under way, or another purchase of this user is
            // (`payments_one_purchase_in_flight`): the first is answered as it goes, the second refused.
            if try await isClaimed(claimKey) { return try await replay(claimKey, plan: plan, cycle: order.cycle) }
            throw Self.purchaseInProgress
        }
        // After the claim, not before: a purchase that finished meanwhile committed its subscription
        // before this claim could be inserted, so this read sees it.
        if let same = try await UserSubscription.query(on: db).filter(\.$user.$id == userID).filter(\.$status == .active)
            .filter(\.$plan.$id == plan.requireID()).filter(\.$billingCycle == order.cycle).filter(\.$cancelAtPeriodEnd == false).first() {
            try await claim.delete(on: db)
            throw Problem.conflict("You are on the \(plan.name) plan (\(order.cycle.rawValue)) already; it renews on \(Self.day(same.currentPeriodEnd ?? now)).")
        }

        let paymentID = try claim.requireID().uuidString
        let request = ChargeRequest(
            amountPence: amounts.total, currency: plan.currency, customerID: try await customerID(of: user),
            card: method.gatewayID, description: claim.paymentDescription, idempotencyKey: paymentID,
            metadata: ["eaglehurst_payment_id": paymentID, "eaglehurst_user_id": userID.uuidString])
        let outcome = try await charge(claim, request)
        switch outcome {
        case .refused(let code, let reason, let gatewayID):
            try await fail(claim, code: code, reason: reason, gatewayID: gatewayID)
            throw Self.refusalProblem(code: code, reason: reason)
        case .succeeded(let gatewayID):
            guard let subscription = try await complete(claim, plan: plan, for: user, gatewayID: gatewayID) else {
                return try await replay(claimKey, plan: plan, cycle: order.cycle)
            }
            return subscription
        }
    }

    /// Prepares the claim's charge, stores its gateway id, then confirms it. When the confirmation's
    /// answer is lost the money may or may not have moved: the gateway is asked (a charge never
    /// confirmed is cancelled), and if it does not answer that either the claim stays pending for
    /// `PendingPurchases` and the buyer is told so.
    private func charge(_ claim: Payment, _ request: ChargeRequest) async throws -> ChargeOutcome {
        let prepared: String
        do {
            prepared = try await gateway.prepare(request)
        } catch {
            // Nothing was confirmed, so nothing was taken.
            try await fail(claim, code: "gateway_unavailable", reason: error.description)
            throw Self.gatewayProblem(error)
        }
        try await Payment.query(on: db).filter(\.$id == claim.requireID()).filter(\.$status == .pending)
            .set(\.$gatewayPaymentID, to: prepared).update()
        do {
            return try await gateway.confirm(prepared)
        } catch {
            do {
                return try await gateway.finalOutcome(of: prepared)
            } catch {
                app.logger.warning("a purchase's outcome is unknown; left pending to be settled", metadata: [
                    "payment": "\(claim.id?.uuidString ?? "")", "gateway_payment_id": "\(prepared)", "error": "\(LoggedError(error))",
                ])
                throw outcomeUnknown
            }
        }
    }

    /// One purchase at a time per user; nothing was charged for this one.
    static let purchaseInProgress = Problem(
        .conflict, slug: "purchase-in-progress", title: "A purchase is already in progress",
        detail: "Another purchase of yours is being charged, so nothing was charged for this one. Wait for it to finish (GET /api/v1/subscriptions/current shows the plan it bought), then buy again if you still want to.")

    /// The purchase stays pending until `PendingPurchases` asks the gateway, which the renewal job
    /// does once the gateway's timeout has passed.
    var outcomeUnknown: Problem {
        let minutes = Int((gateway.chargeTimeout + Double(app.settings.renewalInterval)) / 60) + 1
        return Problem(
            .badGateway, slug: "payment-outcome-unknown", title: "The payment's outcome is not known yet",
            detail: "The payment gateway stopped answering while your card was being charged, so the payment may or may not have gone through. Within about \(minutes) minutes this server asks the gateway, then starts the plan or records the refusal; GET /api/v1/subscriptions/invoices shows which. Until then another purchase answers 409.")
    }

    private func isClaimed(_ claimKey: String) async throws -> Bool {
        try await Payment.query(on: db).filter(\.$claimKey == claimKey).count() > 0
    }

    /// A succeeded charge's plan: activated, with its receipt and analytics. Nil when the payment was
    /// settled elsewhere meanwhile (`PendingPurchases`, or the request itself if the job got there first).
    func complete(_ payment: Payment, plan: Plan, for user: User, gatewayID: String) async throws -> UserSubscription? {
        guard let subscription = try await activate(payment, plan: plan, for: user, gatewayID: gatewayID) else { return nil }
        let amount = Money.format(payment.amountPence, plan.currency)
        await notify(user, title: "Receipt: \(plan.name) plan",
                     message: "You paid \(amount) (\(Money.format(payment.netPence, plan.currency)) + VAT \(Money.format(payment.vatPence, plan.currency))) for the \(plan.name) plan, \(payment.billingCycle.rawValue). It renews on \(Self.day(subscription.currentPeriodEnd ?? now)).")
        app.analyticsLog.activity(user, .purchase, ["plan": plan.code, "billing_cycle": payment.billingCycle.rawValue, "amount_pence": "\(payment.amountPence)"], at: now)
        app.analyticsLog.step(user, .subscribed, at: now)
        return subscription
    }

    /// Ends whatever subscription was live and starts the paid one, in one transaction with the
    /// payment; only while the payment is still pending (nil otherwise), so it is activated once.
    private func activate(_ payment: Payment, plan: Plan, for user: User, gatewayID: String) async throws -> UserSubscription? {
        let userID = try user.requireID()
        let paymentID = try payment.requireID()
        let start = now
        let subscription = UserSubscription()
        subscription.$user.id = userID
        subscription.$plan.id = try plan.requireID()
        subscription.status = .active
        subscription.startedAt = start
        subscription.billingCycle = payment.billingCycle
        subscription.currentPeriodStart = start
        subscription.currentPeriodEnd = payment.billingCycle.periodEnd(from: start)
        subscription.cancelAtPeriodEnd = false
        subscription.paymentMethodID = payment.$paymentMethod.id
        subscription.failedPaymentAttempts = 0
        let activated = try await db.transaction { db in
            // A write first, and the claim of the payment's outcome: SQLite takes its write lock here.
            let settled = try await db.sql.raw("""
                UPDATE payments SET status = 'succeeded', gateway_payment_id = \(bind: gatewayID), paid_at = \(bind: start)
                WHERE id = \(bind: paymentID) AND status = 'pending' RETURNING id
                """).all()
            guard !settled.isEmpty else { return false }
            try await UserSubscription.query(on: db).filter(\.$user.$id == userID).filter(\.$status ~~ PlanService.liveStatuses)
                .set(\.$status, to: .cancelled).set(\.$cancelledAt, to: start).set(\.$expiresAt, to: start).update()
            try await subscription.create(on: db)
            try await Payment.query(on: db).filter(\.$id == paymentID)
                .set(\.$subscription.$id, to: try subscription.requireID())
                .set(\.$periodStart, to: subscription.currentPeriodStart).set(\.$periodEnd, to: subscription.currentPeriodEnd).update()
            try await PlanService.placementMayHaveChanged(forUserType: plan.userType, on: db)
            return true
        }
        guard activated else { return nil }
        subscription.$plan.value = plan
        return subscription
    }

    /// The answer of the purchase that claimed this key first, waiting while it is being charged.
    private func replay(_ claimKey: String, plan: Plan, cycle: BillingCycle) async throws -> UserSubscription {
        let deadline = Date().addingTimeInterval(Self.replayWait)
        while true {
            guard let first = try await Payment.query(on: db).filter(\.$claimKey == claimKey).first() else {
                throw Problem.conflict("The purchase with this Idempotency-Key could not be found; send it again.")
            }
            guard first.$plan.id == plan.id, first.billingCycle == cycle else {
                throw Problem.validation(["Idempotency-Key": ["was used for a different purchase; make a new key for each purchase"]])
            }
            switch first.status {
            case .succeeded, .refunded:
                guard let id = first.$subscription.id, let subscription = try await UserSubscription.query(on: db)
                    .filter(\.$id == id).with(\.$plan).first() else {
                    throw Problem.conflict("The subscription bought with this Idempotency-Key has since been removed.")
                }
                return subscription
            case .failed:
                if first.failureCode == "gateway_unavailable" { throw Self.gatewayProblem(.unavailable(first.failureReason ?? "")) }
                throw Self.refusalProblem(code: first.failureCode ?? "card_declined", reason: first.failureReason ?? "The payment was refused.")
            case .pending:
                guard Date() < deadline else {
                    throw Problem(.conflict, slug: "purchase-in-progress", title: "This purchase is still being charged",
                                  detail: "A purchase with this Idempotency-Key is being charged; send the same request again in a moment to get its result.")
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
        }
    }

    /// Records a refusal, unless the payment was settled elsewhere meanwhile.
    func fail(_ payment: Payment, code: String, reason: String, gatewayID: String? = nil) async throws {
        let update = Payment.query(on: db).filter(\.$id == (try payment.requireID())).filter(\.$status == .pending)
            .set(\.$status, to: .failed).set(\.$failureCode, to: code).set(\.$failureReason, to: reason)
        if let gatewayID { update.set(\.$gatewayPaymentID, to: gatewayID) }
        try await update.update()
    }

    static func refusalProblem(code: String, reason: String) -> Problem {
        if code == "authentication_required" {
            return Problem(
                .paymentRequired, slug: "authentication-required", title: "The card needs its bank's authentication",
                detail: "\(reason) This client cannot show the bank's check, so nothing was charged and your plan is unchanged. Use another card, or ask your bank to allow the payment.",
                errors: ["card": [reason]])
        }
        return Problem(
            .paymentRequired, slug: "payment-declined", title: "The payment was declined",
            detail: "\(reason) (\(code)). Nothing was charged and your plan is unchanged; use another card or try again later.",
            errors: ["card": ["\(reason) (\(code))"]])
    }

    static func gatewayProblem(_ error: PaymentGatewayError) -> Problem {
        Problem(.badGateway, slug: "payment-gateway-unavailable", title: "The payment gateway did not answer",
                detail: "Nothing was charged and your plan is unchanged; try again in a few minutes. (\(error.description))")
    }

    /// The named card of the user (404 for anyone else's), or their default card. A card stored
    /// through another gateway (before the server switched to Stripe, say) cannot be charged here.
    func paymentMethod(_ id: UUID?, of user: User) async throws -> PaymentMethod {
        let userID = try user.requireID()
        if let id {
            guard let method = try await PaymentMethod.query(on: db).filter(\.$id == id).filter(\.$user.$id == userID).first() else {
                throw Problem.notFound("Payment method \(id)")
            }
            guard method.gateway == gateway.name else {
                throw Problem.validation(["payment_method_id": ["was stored with the \(method.gateway) gateway, which this server no longer uses; add the card again"]])
            }
            return method
        }
        guard let method = try await PaymentMethod.query(on: db).filter(\.$user.$id == userID).filter(\.$gateway == gateway.name)
            .filter(\.$isDefault == true).first() else {
            throw Problem.validation(["payment_method_id": ["is needed: you have no default card; add one with POST /api/v1/subscriptions/payment-methods"]])
        }
        return method
    }

    func customerID(of user: User) async throws -> String? {
        try await PaymentCustomer.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$gateway == gateway.name).first()?.customerID
    }

    // MARK: cancel

    func cancel(_ user: User, atPeriodEnd: Bool) async throws -> UserSubscription {
        let (subscription, plan) = try await plans.current(for: user)
        guard !plan.isFree else {
            throw Problem.conflict("You are on the free plan; there is no paid plan to cancel.")
        }
        let end = subscription.currentPeriodEnd ?? now
        if atPeriodEnd {
            guard !subscription.cancelAtPeriodEnd else { return subscription }
            subscription.cancelAtPeriodEnd = true
            subscription.cancelledAt = now
            subscription.expiresAt = end
        } else {
            subscription.status = .cancelled
            subscription.cancelledAt = now
            subscription.expiresAt = now
            subscription.nextPaymentAttemptAt = nil
        }
        try await subscription.save(on: db)
        if !atPeriodEnd { try await PlanService.placementMayHaveChanged(forUserType: plan.userType, on: db) }
        await notify(user, title: "Your \(plan.name) plan is cancelled",
                     message: atPeriodEnd
                        ? "Your \(plan.name) plan stays until \(Self.day(end)) and is not renewed; then you are on the free plan."
                        : "Your \(plan.name) plan ended now; you are on the free plan. Nothing more will be charged.")
        return subscription
    }

    // MARK: reading

    func invoices(of user: User, page: PageRequest) async throws -> Components.Schemas.InvoicePage {
        let query = Payment.query(on: db).filter(\.$user.$id == (try user.requireID()))
        let total = try await query.copy().count()
        let rows = try await query.with(\.$plan).sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        return .init(items: try rows.map { try $0.toInvoiceDTO() }, page: page.page, perPage: page.perPage, total: total)
    }

    func usage(of user: User) async throws -> Components.Schemas.SubscriptionUsage {
        let (subscription, plan) = try await plans.current(for: user)
        let usage = try await plans.usage(of: subscription)
        let period = plans.period(containing: now)
        let listingsUsed = user.userType == .seller ? try await plans.activeListings(of: user) : 0
        return .init(
            subscriptionId: try subscription.requireID(), planName: plan.name, periodStart: period.startDate, periodEnd: period.resets,
            connectionsUsed: usage.connectionsUsed, connectionsLimit: plan.connectionLimit,
            listingsUsed: listingsUsed, listingsLimit: plan.listingLimit)
    }

    // MARK: wire

    func currentDTO(for user: User) async throws -> Components.Schemas.UserSubscription {
        try dto(try await plans.current(for: user).subscription)
    }

    /// `subscription.plan` must be loaded.
    func dto(_ subscription: UserSubscription) throws -> Components.Schemas.UserSubscription {
        let month = plans.period(containing: now)
        return try subscription.toDTO(freePeriod: (month.startDate, month.resets))
    }

    // MARK: news

    func notify(_ user: User, title: String, message: String) async {
        guard let id = user.id else { return }
        await app.notifications(on: db).notify([id], .init(kind: .subscription, title: title, message: message, actionURL: "/api/v1/subscriptions/current"))
    }

    static func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
}

/// Pence as people read them: £29.00.
enum Money {
    static func format(_ pence: Int64, _ currency: String) -> String {
        let symbol = currency.uppercased() == "GBP" ? "£" : currency.uppercased() + " "
        return "\(symbol)\(pence / 100).\(String(format: "%02d", abs(pence % 100)))"
    }
}
