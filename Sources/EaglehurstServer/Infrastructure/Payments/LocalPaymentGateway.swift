import Crypto
import Fluent
import Foundation

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
