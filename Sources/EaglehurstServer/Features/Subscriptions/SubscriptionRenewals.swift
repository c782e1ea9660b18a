import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor

/// The renewal job: settles purchases whose answer was lost, charges each paid subscription at its
/// period's end with its card (or the default one), retries a failed charge, and returns the user to
/// the free plan after the last try.
/// Safe with several servers: each attempt is claimed by inserting its payment row under a unique
/// key (`renewal:<subscription>:<period end>:<attempt>`) before the gateway is asked, and the period
/// moves only if it is still the one that was charged.
struct SubscriptionRenewals {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }

    /// Charges in a row that may fail before the plan ends, and the wait before each retry.
    static let maxAttempts = 3
    static let retryDelay: TimeInterval = 24 * 3600
    static let reminderLead: TimeInterval = 7 * 86_400

    struct Report: Equatable {
        var renewed = 0, failed = 0, ended = 0, lapsed = 0, reminded = 0, skipped = 0
        /// Purchases whose answer was lost, settled by asking the gateway (`PendingPurchases`).
        var purchases = PendingPurchases.Report()
    }

    func runOnce() async throws -> Report {
        var report = Report()
        report.purchases = try await PendingPurchases(app: app, db: db).settleStuck()
        try await closeLapsed(&report)
        try await remind(&report)
        let due = try await UserSubscription.query(on: db)
            .filter(\.$status ~~ PlanService.liveStatuses).filter(\.$cancelAtPeriodEnd == false)
            .filter(\.$currentPeriodEnd <= now).with(\.$plan).with(\.$user).all()
        for subscription in due where !subscription.plan.isFree {
            if let next = subscription.nextPaymentAttemptAt, next > now { continue }
            try await renew(subscription, &report)
        }
        return report
    }

    /// Subscriptions cancelled at their period's end whose end has come.
    private func closeLapsed(_ report: inout Report) async throws {
        let lapsed = try await UserSubscription.query(on: db).filter(\.$status ~~ PlanService.liveStatuses)
            .filter(\.$cancelAtPeriodEnd == true).filter(\.$expiresAt <= now).with(\.$plan).all()
        for subscription in lapsed {
            subscription.status = .cancelled
            try await subscription.save(on: db)
            try await PlanService.placementMayHaveChanged(forUserType: subscription.plan.userType, on: db)
            report.lapsed += 1
        }
    }

    /// One reminder per period, 7 days before a renewal; the conditional update claims it.
    private func remind(_ report: inout Report) async throws {
        let soon = try await UserSubscription.query(on: db).filter(\.$status == .active).filter(\.$cancelAtPeriodEnd == false)
            .filter(\.$currentPeriodEnd > now).filter(\.$currentPeriodEnd <= now.addingTimeInterval(Self.reminderLead))
            .with(\.$plan).with(\.$user).all()
        for subscription in soon where !subscription.plan.isFree {
            guard let end = subscription.currentPeriodEnd, subscription.remindedForPeriodEnd != end else { continue }
            let claimed = try await db.sql.raw("""
                UPDATE user_subscriptions SET reminded_for_period_end = \(bind: end)
                WHERE id = \(bind: try subscription.requireID())
                  AND (reminded_for_period_end IS NULL OR reminded_for_period_end <> \(bind: end))
                RETURNING id
                """).all()
            guard !claimed.isEmpty else { continue }
            let amounts = ChargeAmounts(net: subscription.plan.netPrice(subscription.billingCycle))
            await service.notify(subscription.user, title: "Your \(subscription.plan.name) plan renews on \(SubscriptionService.day(end))",
                                 message: "On \(SubscriptionService.day(end)) your card will be charged \(Money.format(amounts.total, subscription.plan.currency)) for another \(subscription.billingCycle == .monthly ? "month" : "year"). Cancel before then if you do not want it renewed.")
            report.reminded += 1
        }
    }

    private var service: SubscriptionService { SubscriptionService(app: app, db: db) }

    private func renew(_ subscription: UserSubscription, _ report: inout Report) async throws {
        let plan = subscription.plan
        let user = subscription.user
        guard let periodStart = subscription.currentPeriodEnd else { return }
        let subscriptionID = try subscription.requireID()
        let periodEnd = subscription.billingCycle.periodEnd(from: periodStart)
        let attempt = subscription.failedPaymentAttempts + 1
        let amounts = ChargeAmounts(net: plan.netPrice(subscription.billingCycle))
        let method = try await cardForRenewal(subscription)

        let claim = Payment()
        claim.$user.id = subscription.$user.id
        claim.$plan.id = try plan.requireID()
        claim.$subscription.id = subscriptionID
        claim.$paymentMethod.id = method?.id
        claim.kind = .renewal
        claim.billingCycle = subscription.billingCycle
        claim.netPence = amounts.net
        claim.vatPence = amounts.vat
        claim.vatRatePercent = ChargeAmounts.vatRatePercent
        claim.amountPence = amounts.total
        claim.currency = plan.currency
        claim.status = .pending
        claim.gateway = app.paymentGateway.name
        claim.claimKey = "renewal:\(subscriptionID):\(Int(periodStart.timeIntervalSince1970)):\(attempt)"
        claim.paymentDescription = "\(plan.name) plan (\(plan.userType)), \(subscription.billingCycle.rawValue) renewal"
        claim.periodStart = periodStart
        claim.periodEnd = periodEnd
        do {
            try await claim.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            report.skipped += 1
            return
        }

        let outcome: ChargeOutcome
        if let method {
            let paymentID = try claim.requireID().uuidString
            let request = ChargeRequest(
                amountPence: amounts.total, currency: plan.currency, customerID: try await service.customerID(of: user),
                card: method.gatewayID, description: claim.paymentDescription, idempotencyKey: paymentID,
                metadata: ["eaglehurst_payment_id": paymentID, "eaglehurst_subscription_id": subscriptionID.uuidString])
            do {
                outcome = try await app.paymentGateway.charge(request)
            } catch {
                outcome = .refused(code: "gateway_unavailable", reason: error.description, gatewayPaymentID: nil)
            }
        } else {
            outcome = .refused(code: "no_payment_method", reason: "There is no card to charge.", gatewayPaymentID: nil)
        }

        switch outcome {
        case .succeeded(let gatewayID):
            try await db.transaction { db in
                let moved = try await db.sql.raw("""
                    UPDATE user_subscriptions SET current_period_start = \(bind: periodStart), current_period_end = \(bind: periodEnd),
                      status = 'active', failed_payment_attempts = 0, next_payment_attempt_at = NULL
                    WHERE id = \(bind: subscriptionID) AND current_period_end < \(bind: periodEnd)
                    RETURNING id
                    """).all()
                if moved.isEmpty {
                    app.logger.error("a renewal was charged for a period already renewed", metadata: ["subscription": "\(subscriptionID)"])
                }
                claim.status = .succeeded
                claim.gatewayPaymentID = gatewayID
                claim.paidAt = now
                try await claim.save(on: db)
            }
            await service.notify(user, title: "Receipt: \(plan.name) plan renewed",
                                 message: "You paid \(Money.format(amounts.total, plan.currency)) (\(Money.format(amounts.net, plan.currency)) + VAT \(Money.format(amounts.vat, plan.currency))). Your \(plan.name) plan runs until \(SubscriptionService.day(periodEnd)).")
            report.renewed += 1
        case .refused(let code, let reason, let gatewayID):
            claim.status = .failed
            claim.gatewayPaymentID = gatewayID
            claim.failureCode = code
            claim.failureReason = reason
            try await claim.save(on: db)
            try await recordFailure(of: subscription, attempt: attempt, reason: reason, report: &report)
        }
    }

    /// After a failed charge: `past_due` with a retry, or after the last try the free plan.
    func recordFailure(of subscription: UserSubscription, attempt: Int, reason: String, report: inout Report) async throws {
        let plan = subscription.plan
        if attempt >= Self.maxAttempts {
            subscription.status = .expired
            subscription.expiresAt = now
            subscription.failedPaymentAttempts = attempt
            subscription.nextPaymentAttemptAt = nil
            try await subscription.save(on: db)
            try await PlanService.placementMayHaveChanged(forUserType: plan.userType, on: db)
            await service.notify(subscription.user, title: "Your \(plan.name) plan has ended",
                                 message: "The renewal payment failed \(attempt) times (\(reason)), so you are back on the free plan. What you made stays; buy a plan again to get its limits back.")
            report.ended += 1
        } else {
            let retry = now.addingTimeInterval(Self.retryDelay)
            subscription.status = .pastDue
            subscription.failedPaymentAttempts = attempt
            subscription.nextPaymentAttemptAt = retry
            try await subscription.save(on: db)
            await service.notify(subscription.user, title: "Payment failed for your \(plan.name) plan",
                                 message: "The renewal payment failed: \(reason) We will try again on \(SubscriptionService.day(retry)) (attempt \(attempt + 1) of \(Self.maxAttempts)); add or choose another card before then to keep the plan.")
            report.failed += 1
        }
    }

    private func cardForRenewal(_ subscription: UserSubscription) async throws -> PaymentMethod? {
        let userID = subscription.$user.id
        let gateway = app.paymentGateway.name
        if let id = subscription.paymentMethodID, let method = try await PaymentMethod.query(on: db).filter(\.$id == id)
            .filter(\.$user.$id == userID).filter(\.$gateway == gateway).first() {
            return method
        }
        return try await PaymentMethod.query(on: db).filter(\.$user.$id == userID).filter(\.$gateway == gateway)
            .filter(\.$isDefault == true).first()
    }
}

/// Runs the renewal job every `Settings.renewalInterval` on one event loop of this server.
struct SubscriptionRenewalsLifecycle: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        let interval = application.settings.renewalInterval
        guard interval > 0 else { return }
        let loop = application.eventLoopGroup.next()
        let task = loop.scheduleRepeatedAsyncTask(
            initialDelay: .seconds(Int64(interval)), delay: .seconds(Int64(interval))
        ) { [weak application] _ in
            guard let application else { return loop.makeSucceededVoidFuture() }
            let promise = loop.makePromise(of: Void.self)
            promise.completeWithTask {
                do {
                    let report = try await SubscriptionRenewals(app: application, db: application.db).runOnce()
                    if report != .init() { application.logger.info("subscription renewals", metadata: ["report": "\(report)"]) }
                } catch {
                    application.logger.error("subscription renewals failed", metadata: ["error": "\(LoggedError(error))"])
                }
            }
            return promise.futureResult
        }
        application.storage[RenewalTaskKey.self] = task
    }

    func shutdown(_ application: Application) {
        application.storage[RenewalTaskKey.self]?.cancel()
    }
}

struct RenewalTaskKey: StorageKey { typealias Value = RepeatedTask }
