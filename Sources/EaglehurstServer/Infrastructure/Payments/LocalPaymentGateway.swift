import Crypto
import Fluent
import Foundation
import SQLKit

/// The embedded default gateway: Stripe's semantics for Stripe's test cards, in-process. Cards
/// come from `POST /api/v1/payments/local/tokens`, which decides a card's outcome from its number
/// once and keeps only the outcome, brand, last four, expiry and fingerprint.
struct LocalPaymentGateway: PaymentGateway {
    let database: @Sendable () -> any Database

    var name: String { "local" }

    var clientConfig: PaymentClientConfig {
        PaymentClientConfig(
            gateway: "local", publishableKey: nil, tokensURL: "/api/v1/payments/local/tokens",
            testCards: TestCardOutcome.testCards.map(\.number))
    }

    func createCustomer(email: String, userID: UUID, idempotencyKey: String) async throws(PaymentGatewayError) -> String? { nil }

    func attach(token: String, customerID: String?, idempotencyKey: String) async throws(PaymentGatewayError) -> GatewayCard {
        let stored = try await tokenRow(token)
        return GatewayCard(
            gatewayID: stored.token, brand: stored.brand, last4: stored.last4,
            expMonth: stored.expMonth, expYear: stored.expYear, fingerprint: stored.fingerprint)
    }

    func detach(_ card: String) async throws(PaymentGatewayError) {}

    func charge(_ request: ChargeRequest) async throws(PaymentGatewayError) -> ChargeOutcome {
        let stored = try await tokenRow(request.card)
        let id = "ch_local_" + Secrets.randomToken(bytes: 12)
        return ChargeOutcome.refusal(stored.outcome, gatewayPaymentID: id) ?? .succeeded(gatewayPaymentID: id)
    }

    /// Nothing leaves the process; what bounds a purchase's calls is the database's waits.
    var chargeTimeout: TimeInterval { 120 }

    func prepare(_ request: ChargeRequest) async throws(PaymentGatewayError) -> String {
        _ = try await tokenRow(request.card)
        let charge = LocalCharge()
        charge.gatewayID = "ch_local_" + Secrets.randomToken(bytes: 12)
        charge.cardToken = request.card
        charge.amountPence = request.amountPence
        charge.currency = request.currency
        charge.status = .requiresConfirmation
        do {
            try await charge.create(on: database())
        } catch {
            throw .unavailable("the local gateway cannot record a charge: \(error)")
        }
        return charge.gatewayID
    }

    func confirm(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeOutcome {
        let charge = try await chargeRow(gatewayPaymentID)
        guard charge.status == .requiresConfirmation else {
            throw .unavailable("the local charge \(gatewayPaymentID) is \(charge.status.rawValue), not waiting to be confirmed")
        }
        let stored = try await tokenRow(charge.cardToken)
        let outcome = ChargeOutcome.refusal(stored.outcome, gatewayPaymentID: gatewayPaymentID) ?? .succeeded(gatewayPaymentID: gatewayPaymentID)
        // Conditional, as Stripe's confirm of a PaymentIntent: a charge cancelled meanwhile stays cancelled.
        guard try await settle(gatewayPaymentID, from: .requiresConfirmation, to: outcome) else {
            throw .unavailable("the local charge \(gatewayPaymentID) was settled meanwhile")
        }
        return outcome
    }

    func status(of gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus {
        let charge = try await chargeRow(gatewayPaymentID)
        switch charge.status {
        case .requiresConfirmation: return .unconfirmed
        case .succeeded: return .settled(.succeeded(gatewayPaymentID: gatewayPaymentID))
        case .canceled: return .cancelled(gatewayPaymentID)
        case .refused:
            return .settled(.refused(code: charge.failureCode ?? "card_declined", reason: charge.failureReason ?? "Your card was declined.",
                                     gatewayPaymentID: gatewayPaymentID))
        }
    }

    func cancel(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus {
        _ = try await settle(gatewayPaymentID, from: .requiresConfirmation, to: nil)
        return try await status(of: gatewayPaymentID)
    }

    /// Moves a charge out of `from` to the outcome (nil: cancelled); false if it was no longer in `from`.
    private func settle(_ gatewayPaymentID: String, from: LocalCharge.Status, to outcome: ChargeOutcome?) async throws(PaymentGatewayError) -> Bool {
        let (status, code, reason): (LocalCharge.Status, String?, String?) = switch outcome {
        case nil: (.canceled, nil, nil)
        case .succeeded: (.succeeded, nil, nil)
        case .refused(let code, let reason, _): (.refused, code, reason)
        }
        do {
            return try await !database().sql.raw("""
                UPDATE local_charges SET status = \(bind: status.rawValue), failure_code = \(bind: code), failure_reason = \(bind: reason)
                WHERE gateway_id = \(bind: gatewayPaymentID) AND status = \(bind: from.rawValue) RETURNING id
                """).all().isEmpty
        } catch {
            throw .unavailable("the local gateway cannot record a charge: \(error)")
        }
    }

    private func chargeRow(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> LocalCharge {
        let row: LocalCharge?
        do {
            row = try await LocalCharge.query(on: database()).filter(\.$gatewayID == gatewayPaymentID).first()
        } catch {
            throw .unavailable("the local gateway's charges cannot be read: \(error)")
        }
        guard let row else { throw .unavailable("the local gateway has no charge \(gatewayPaymentID)") }
        return row
    }

    private func tokenRow(_ token: String) async throws(PaymentGatewayError) -> LocalCardToken {
        let row: LocalCardToken?
        do {
            row = try await LocalCardToken.query(on: database()).filter(\.$token == token).first()
        } catch {
            throw .unavailable("the local gateway's tokens cannot be read: \(error)")
        }
        guard let row else { throw .invalidToken("no card has the token \(token); make one with POST /api/v1/payments/local/tokens") }
        return row
    }

    /// Checks card details and keeps a token for them (never the number).
    static func tokenize(
        number: String, expMonth: Int, expYear: Int, cvc: String, now: Date, fingerprintKey: SymmetricKey, on db: any Database
    ) async throws -> LocalCardToken {
        let checked = try CardRules.check(number: number, expMonth: expMonth, expYear: expYear, cvc: cvc, now: now).get()
        let row = LocalCardToken()
        row.token = "tok_local_" + Secrets.randomToken(bytes: 18)
        row.brand = checked.brand
        row.last4 = checked.last4
        row.expMonth = checked.expMonth
        row.expYear = checked.expYear
        row.fingerprint = String(Secrets.hmac("card:" + checked.number, key: fingerprintKey).prefix(24))
        row.outcome = TestCardOutcome(number: checked.number)
        try await row.create(on: db)
        return row
    }
}
