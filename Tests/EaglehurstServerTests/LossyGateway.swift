@testable import EaglehurstServer
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A real payment gateway (the local one, or Stripe's wire against localstripe) whose answers can be
/// lost: the purchases whose outcome the request never learns, which `PendingPurchases` settles. The
/// real gateway needs the running server (its database or HTTP client), so it is made once the test
/// hands the server over with `serve(_:)`.
final class LossyGateway: PaymentGateway {
    enum Mode: Sendable {
        /// Answers as the real gateway does.
        case answering
        /// A confirm takes the money and then fails as a timeout would; nothing else answers.
        case losesConfirmations
        /// Prepares a charge; then nothing answers, and a confirm never reaches the gateway.
        case unreachableAfterPrepare
    }

    let name: String
    private let makeBase: @Sendable (Application) -> any PaymentGateway
    private let state = NIOLockedValueBox<(mode: Mode, base: (any PaymentGateway)?)>((.answering, nil))

    init(name: String, _ makeBase: @escaping @Sendable (Application) -> any PaymentGateway) {
        self.name = name
        self.makeBase = makeBase
    }

    static func local() -> LossyGateway {
        LossyGateway(name: "local") { app in LocalPaymentGateway(database: { app.db }) }
    }

    /// The gateway the settings choose (Stripe when a secret key is set).
    static func configured() -> LossyGateway {
        LossyGateway(name: "stripe") { app in makePaymentGateway(app, app.settings) }
    }

    func serve(_ app: Application) {
        let base = makeBase(app)
        state.withLockedValue { $0.base = base }
    }

    var mode: Mode {
        get { state.withLockedValue { $0.mode } }
        set { state.withLockedValue { $0.mode = newValue } }
    }

    private var base: any PaymentGateway {
        get throws(PaymentGatewayError) {
            guard let base = state.withLockedValue({ $0.base }) else { throw .unavailable("the test did not call serve(_:)") }
            return base
        }
    }

    private func answering() throws(PaymentGatewayError) -> any PaymentGateway {
        guard mode == .answering else { throw .unavailable("timed out (a lost answer)") }
        return try base
    }

    var clientConfig: PaymentClientConfig { (try? base.clientConfig) ?? PaymentClientConfig(gateway: name, publishableKey: nil, tokensURL: "", testCards: []) }
    var chargeTimeout: TimeInterval { (try? base.chargeTimeout) ?? 60 }

    func createCustomer(email: String, userID: UUID, idempotencyKey: String) async throws(PaymentGatewayError) -> String? {
        try await base.createCustomer(email: email, userID: userID, idempotencyKey: idempotencyKey)
    }

    func attach(token: String, customerID: String?, idempotencyKey: String) async throws(PaymentGatewayError) -> GatewayCard {
        try await base.attach(token: token, customerID: customerID, idempotencyKey: idempotencyKey)
    }

    func detach(_ card: String) async throws(PaymentGatewayError) { try await base.detach(card) }

    func charge(_ request: ChargeRequest) async throws(PaymentGatewayError) -> ChargeOutcome { try await base.charge(request) }

    func prepare(_ request: ChargeRequest) async throws(PaymentGatewayError) -> String { try await base.prepare(request) }

    func confirm(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeOutcome {
        switch mode {
        case .answering: return try await base.confirm(gatewayPaymentID)
        case .losesConfirmations:
            _ = try await base.confirm(gatewayPaymentID)
            throw .unavailable("timed out after the charge (a lost answer)")
        case .unreachableAfterPrepare: throw .unavailable("unreachable")
        }
    }

    func status(of gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus {
        try await answering().status(of: gatewayPaymentID)
    }

    func cancel(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus {
        try await answering().cancel(gatewayPaymentID)
    }
}
