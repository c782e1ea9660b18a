import Foundation
import Vapor

/// What the server asks of a payment gateway. Two implementations: `LocalPaymentGateway` (the
/// embedded default, Stripe's test cards in-process) and `StripePaymentGateway` (Stripe's REST wire).
/// Card numbers never pass through here: cards arrive as the gateway's tokens.
protocol PaymentGateway: Sendable {
    /// `local` or `stripe`, stored beside what the gateway made.
    var name: String { get }

    /// The user's customer at the gateway, made once and stored (`payment_customers`); nil when the
    /// gateway has no customers.
    func createCustomer(email: String, userID: UUID, idempotencyKey: String) async throws(PaymentGatewayError) -> String?

    /// Turns a client's token into a stored card of the customer.
    func attach(token: String, customerID: String?, idempotencyKey: String) async throws(PaymentGatewayError) -> GatewayCard

    func detach(_ card: String) async throws(PaymentGatewayError)

    /// Charges a stored card off-session (renewals). A refusal is an outcome, not an error; errors are
    /// for a gateway that cannot be reached or that refused the request itself.
    func charge(_ request: ChargeRequest) async throws(PaymentGatewayError) -> ChargeOutcome

    /// A purchase's charge in two steps, so that its gateway id is stored before any money moves and
    /// a purchase whose answer was lost can be looked up (`status(of:)`): `prepare` makes a charge
    /// the gateway knows but that takes nothing (Stripe: an unconfirmed PaymentIntent) and answers
    /// its id; `confirm` takes the money, with the user present (they are buying now).
    func prepare(_ request: ChargeRequest) async throws(PaymentGatewayError) -> String
    func confirm(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeOutcome

    /// What became of a prepared charge (Stripe: `GET /v1/payment_intents/{id}`).
    func status(of gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus

    /// Cancels a prepared charge that was never confirmed, so that it can never take money, and
    /// answers its status afterwards (the charge's outcome if it was confirmed meanwhile).
    func cancel(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus

    /// How long a purchase's calls to the gateway take at most, answered or given up: a purchase still
    /// pending after it lost its answer, and `PendingPurchases` settles it by asking the gateway.
    var chargeTimeout: TimeInterval { get }

    /// What `GET /subscriptions/payment-config` tells clients.
    var clientConfig: PaymentClientConfig { get }
}

struct GatewayCard: Sendable, Equatable {
    let gatewayID: String
    let brand: String
    let last4: String
    let expMonth: Int
    let expYear: Int
    let fingerprint: String
}

struct ChargeRequest: Sendable {
    let amountPence: Int64
    let currency: String
    let customerID: String?
    let card: String
    let description: String
    /// Sent as `Idempotency-Key`: the payment row's id, so a retried call never charges twice.
    let idempotencyKey: String
    let metadata: [String: String]
}

enum ChargeOutcome: Sendable, Equatable {
    case succeeded(gatewayPaymentID: String)
    /// `code` is Stripe's (`card_declined`, `insufficient_funds`, `authentication_required`, …).
    case refused(code: String, reason: String, gatewayPaymentID: String?)
}

/// A prepared charge as the gateway knows it.
enum ChargeStatus: Sendable, Equatable {
    /// Prepared and never confirmed: it has taken nothing, and cancelling it keeps it so.
    case unconfirmed
    case settled(ChargeOutcome)

    /// What a cancelled charge answers.
    static func cancelled(_ gatewayPaymentID: String) -> ChargeStatus {
        .settled(.refused(code: "canceled", reason: "The payment was cancelled before it was confirmed; nothing was charged.",
                          gatewayPaymentID: gatewayPaymentID))
    }
}

extension PaymentGateway {
    /// The final outcome of a prepared charge: asked, and cancelled first if it was never confirmed,
    /// so that the answer cannot change afterwards.
    func finalOutcome(of gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeOutcome {
        if case .settled(let outcome) = try await status(of: gatewayPaymentID) { return outcome }
        guard case .settled(let outcome) = try await cancel(gatewayPaymentID) else {
            throw .unavailable("the gateway still holds payment \(gatewayPaymentID) unconfirmed after cancelling it")
        }
        return outcome
    }
}

struct PaymentClientConfig: Sendable {
    let gateway: String
    let publishableKey: String?
    let tokensURL: String
    let testCards: [String]
}

enum PaymentGatewayError: Error, Sendable, CustomStringConvertible {
    /// The token or card is not one the gateway knows (or it is used up): the client's to fix.
    case invalidToken(String)
    /// The gateway refused to store the card (a declined card when attaching).
    case cardRefused(code: String, reason: String)
    /// The gateway could not be reached or answered something unusable.
    case unavailable(String)

    var description: String {
        switch self {
        case .invalidToken(let detail): "invalid token: \(detail)"
        case .cardRefused(let code, let reason): "card refused (\(code)): \(reason)"
        case .unavailable(let detail): "payment gateway unavailable: \(detail)"
        }
    }
}

extension ChargeOutcome {
    /// Stripe's messages for the refusals the local gateway makes, so both gateways read alike.
    static func refusal(_ outcome: TestCardOutcome, gatewayPaymentID: String?) -> ChargeOutcome? {
        switch outcome {
        case .succeeds: nil
        case .declined: .refused(code: "card_declined", reason: "Your card was declined.", gatewayPaymentID: gatewayPaymentID)
        case .insufficientFunds: .refused(code: "insufficient_funds", reason: "Your card has insufficient funds.", gatewayPaymentID: gatewayPaymentID)
        case .requiresAuthentication:
            .refused(code: "authentication_required", reason: "Your card's bank asks you to authenticate this payment (3-D Secure).", gatewayPaymentID: gatewayPaymentID)
        }
    }
}

struct PaymentGatewayKey: StorageKey { typealias Value = any PaymentGateway }

extension Application {
    var paymentGateway: any PaymentGateway {
        guard let gateway = storage[PaymentGatewayKey.self] else { fatalError("configure(_:settings:) was not called") }
        return gateway
    }
}
