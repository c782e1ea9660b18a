import Fluent
import Foundation
import Vapor

/// Settles purchases left `pending` once their gateway's `chargeTimeout` has passed: the request
/// that made them lost the gateway's answer (a timeout, a crash between the charge and its record),
/// and until they are settled their user cannot buy again. The gateway is asked what became of the
/// charge (one never confirmed is cancelled first, so the answer is final); a success starts the plan
/// as the purchase would have, a refusal is recorded. The renewal job runs this first.
struct PendingPurchases {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }
    var gateway: any PaymentGateway { app.paymentGateway }

    struct Report: Equatable {
        var succeeded = 0, failed = 0, unanswered = 0
    }

    func settleStuck() async throws -> Report {
        var report = Report()
        let stuck = try await Payment.query(on: db).filter(\.$kind == .purchase).filter(\.$status == .pending)
            .filter(\.$createdAt < now.addingTimeInterval(-gateway.chargeTimeout)).with(\.$plan).with(\.$user).all()
        for payment in stuck {
            do {
                try await settle(payment, &report)
            } catch {
                report.unanswered += 1
                app.logger.warning("a pending purchase could not be settled; trying again next run", metadata: [
                    "payment": "\(payment.id?.uuidString ?? "")", "error": "\(LoggedError(error))",
                ])
            }
        }
        return report
    }

    private func settle(_ payment: Payment, _ report: inout Report) async throws {
        let service = SubscriptionService(app: app, db: db)
        guard let gatewayID = payment.gatewayPaymentID else {
            // The charge was never prepared, or its id never stored, and so never confirmed.
            try await service.fail(payment, code: "not_charged", reason: "The purchase stopped before the card was charged; nothing was taken.")
            report.failed += 1
            return
        }
        guard payment.gateway == gateway.name else {
            try await service.fail(payment, code: "unverified", reason: "Made through the \(payment.gateway) gateway, which this server no longer uses; look up \(gatewayID) there.")
            report.failed += 1
            return
        }
        switch try await gateway.finalOutcome(of: gatewayID) {
        case .succeeded(let settledID):
            if try await service.complete(payment, plan: payment.plan, for: payment.user, gatewayID: settledID) != nil {
                report.succeeded += 1
            }
        case .refused(let code, let reason, _):
            try await service.fail(payment, code: code, reason: reason)
            await service.notify(payment.user, title: "Your \(payment.plan.name) plan was not bought",
                                 message: "The payment for it did not go through (\(reason)); nothing was charged and your plan is unchanged.")
            report.failed += 1
        }
    }
}
