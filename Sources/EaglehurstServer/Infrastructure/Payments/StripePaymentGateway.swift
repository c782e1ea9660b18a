import Foundation
import Vapor

/// Stripe over its REST wire: form-encoded POSTs with `Idempotency-Key`, customers, payment methods
/// attached to them, and PaymentIntents: a renewal's confirmed off-session at once, a purchase's made
/// first and confirmed once its id is stored, so it can be read back (`GET /v1/payment_intents/{id}`)
/// when its answer is lost. What the plan is goes in the metadata: localstripe, which the tests run
/// against, refuses a `description` on a PaymentIntent. Stripe's error bodies map to refusals (402
/// card errors) or `unavailable` (anything else), never to a 500 of ours.
struct StripePaymentGateway: PaymentGateway {
    let client: any Client
    let secretKey: String
    let publishableKey: String?
    let apiBase: URL
    let logger: Logger

    var name: String { "stripe" }

    var clientConfig: PaymentClientConfig {
        PaymentClientConfig(
            gateway: "stripe", publishableKey: publishableKey,
            tokensURL: apiBase.appendingPathComponent("v1/payment_methods").absoluteString, testCards: [])
    }

    struct StripeError: Decodable {
        struct Body: Decodable {
            let type: String?
            let code: String?
            let declineCode: String?
            let message: String?
            enum CodingKeys: String, CodingKey { case type, code, message, declineCode = "decline_code" }
        }
        let error: Body
    }

    enum Answer {
        case ok([String: Any])
        case failed(status: UInt, StripeError.Body?)
    }

    func createCustomer(email: String, userID: UUID, idempotencyKey: String) async throws(PaymentGatewayError) -> String? {
        switch try await post("v1/customers", ["email": email, "metadata[eaglehurst_user_id]": userID.uuidString], idempotencyKey: idempotencyKey) {
        case .ok(let object):
            guard let id = object["id"] as? String else { throw .unavailable("Stripe's customer has no id") }
            return id
        case .failed(let status, let error):
            throw .unavailable("Stripe refused to create a customer (HTTP \(status)): \(error?.message ?? "no message")")
        }
    }

    func attach(token: String, customerID: String?, idempotencyKey: String) async throws(PaymentGatewayError) -> GatewayCard {
        guard token.hasPrefix("pm_"), token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .invalidToken("is not a Stripe payment method id (pm_…); make one with Stripe's publishable key (see GET /api/v1/subscriptions/payment-config)")
        }
        guard let customerID else { throw .unavailable("no Stripe customer to attach the card to") }
        let answer = try await post("v1/payment_methods/\(token)/attach", ["customer": customerID], idempotencyKey: idempotencyKey)
        switch answer {
        case .ok(let object):
            guard let id = object["id"] as? String, let card = object["card"] as? [String: Any],
                  let last4 = card["last4"] as? String, let month = card["exp_month"] as? Int, let year = card["exp_year"] as? Int else {
                throw .invalidToken("is not a card payment method")
            }
            return GatewayCard(
                gatewayID: id, brand: card["brand"] as? String ?? "unknown", last4: last4, expMonth: month, expYear: year,
                fingerprint: card["fingerprint"] as? String ?? id)
        case .failed(402, let error):
            throw .cardRefused(code: error?.declineCode ?? error?.code ?? "card_declined", reason: error?.message ?? "Your card was declined.")
        case .failed(404, _), .failed(400, _):
            throw .invalidToken("is not a payment method Stripe knows, or it is attached elsewhere")
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to attaching a card: \(error?.message ?? "no message")")
        }
    }

    func detach(_ card: String) async throws(PaymentGatewayError) {
        switch try await post("v1/payment_methods/\(card)/detach", [:], idempotencyKey: "detach:\(card)") {
        case .ok, .failed(404, _): return
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to detaching a card: \(error?.message ?? "no message")")
        }
    }

    func charge(_ request: ChargeRequest) async throws(PaymentGatewayError) -> ChargeOutcome {
        var form = Self.intentForm(request)
        form["confirm"] = "true"
        form["off_session"] = "true"
        switch try await post("v1/payment_intents", form, idempotencyKey: request.idempotencyKey) {
        case .ok(let intent):
            return Self.outcome(of: intent)
        case .failed(402, let error):
            return Self.refusal(error, gatewayPaymentID: nil)
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to a charge: \(error?.message ?? "no message")")
        }
    }

    /// Four calls at most (prepare, confirm, status, cancel) of `requestTimeout` each, with time for
    /// the database writes between them.
    var chargeTimeout: TimeInterval { 4 * Self.requestTimeout + 60 }

    static let requestTimeout: TimeInterval = 30

    func prepare(_ request: ChargeRequest) async throws(PaymentGatewayError) -> String {
        switch try await post("v1/payment_intents", Self.intentForm(request), idempotencyKey: request.idempotencyKey) {
        case .ok(let intent):
            guard let id = intent["id"] as? String else { throw .unavailable("Stripe's PaymentIntent has no id") }
            return id
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to preparing a charge: \(error?.message ?? "no message")")
        }
    }

    /// No `off_session`: the user is buying now (and localstripe takes no parameters here).
    func confirm(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeOutcome {
        switch try await post("v1/payment_intents/\(try Self.checked(gatewayPaymentID))/confirm", [:], idempotencyKey: "confirm:\(gatewayPaymentID)") {
        case .ok(let intent):
            return Self.outcome(of: intent)
        case .failed(402, let error):
            return Self.refusal(error, gatewayPaymentID: gatewayPaymentID)
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to confirming \(gatewayPaymentID): \(error?.message ?? "no message")")
        }
    }

    func status(of gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus {
        switch try await send(.GET, "v1/payment_intents/\(try Self.checked(gatewayPaymentID))", form: nil, idempotencyKey: nil) {
        case .ok(let intent):
            switch intent["status"] as? String {
            case "requires_confirmation": return .unconfirmed
            case "canceled": return .cancelled(gatewayPaymentID)
            case "succeeded", "processing", "requires_action", "requires_payment_method": return .settled(Self.outcome(of: intent))
            case let other: throw .unavailable("Stripe's PaymentIntent \(gatewayPaymentID) is \(other ?? "without a status")")
            }
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to reading \(gatewayPaymentID): \(error?.message ?? "no message")")
        }
    }

    /// Stripe refuses (400) to cancel a PaymentIntent that succeeded or is processing: then its status says what it is.
    func cancel(_ gatewayPaymentID: String) async throws(PaymentGatewayError) -> ChargeStatus {
        switch try await post("v1/payment_intents/\(try Self.checked(gatewayPaymentID))/cancel", [:], idempotencyKey: "cancel:\(gatewayPaymentID)") {
        case .ok, .failed(400, _): return try await status(of: gatewayPaymentID)
        case .failed(let status, let error):
            throw .unavailable("Stripe answered HTTP \(status) to cancelling \(gatewayPaymentID): \(error?.message ?? "no message")")
        }
    }

    static func intentForm(_ request: ChargeRequest) -> [String: String] {
        var form = [
            "amount": String(request.amountPence), "currency": request.currency.lowercased(), "payment_method": request.card,
            "metadata[description]": request.description,
        ]
        if let customer = request.customerID { form["customer"] = customer }
        for (key, value) in request.metadata { form["metadata[\(key)]"] = value }
        return form
    }

    /// What a PaymentIntent that was confirmed says of its charge.
    static func outcome(of intent: [String: Any]) -> ChargeOutcome {
        let id = intent["id"] as? String
        switch intent["status"] as? String {
        case "succeeded", "processing":
            return .succeeded(gatewayPaymentID: id ?? "unknown")
        case "requires_action":
            return ChargeOutcome.refusal(.requiresAuthentication, gatewayPaymentID: id)!
        default:
            let error = intent["last_payment_error"] as? [String: Any]
            return .refused(code: error?["code"] as? String ?? "card_declined",
                            reason: error?["message"] as? String ?? "Your card was declined.", gatewayPaymentID: id)
        }
    }

    static func refusal(_ error: StripeError.Body?, gatewayPaymentID: String?) -> ChargeOutcome {
        .refused(code: error?.declineCode ?? error?.code ?? "card_declined", reason: error?.message ?? "Your card was declined.",
                 gatewayPaymentID: gatewayPaymentID)
    }

    /// An id goes into a URL path: only Stripe's id characters.
    static func checked(_ id: String) throws(PaymentGatewayError) -> String {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .unavailable("\(id) is not a Stripe id")
        }
        return id
    }

    /// One form-encoded POST with the secret key and an idempotency key.
    private func post(_ path: String, _ form: [String: String], idempotencyKey: String) async throws(PaymentGatewayError) -> Answer {
        try await send(.POST, path, form: form, idempotencyKey: idempotencyKey)
    }

    /// One call with the secret key, given up after `requestTimeout` (so `chargeTimeout` holds).
    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?, idempotencyKey: String?) async throws(PaymentGatewayError) -> Answer {
        let url = URI(string: apiBase.appendingPathComponent(path).absoluteString)
        var headers: HTTPHeaders = ["Authorization": "Bearer \(secretKey)", "Stripe-Version": "2024-06-20"]
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        let body = form.map { form in
            form.sorted { $0.key < $1.key }.map { "\(Self.formEncode($0.key))=\(Self.formEncode($0.value))" }.joined(separator: "&")
        }
        if body != nil { headers.add(name: .contentType, value: "application/x-www-form-urlencoded") }
        let response: ClientResponse
        do {
            response = try await client.send(method, headers: headers, to: url) { request in
                request.timeout = .seconds(Int64(Self.requestTimeout))
                if let body { request.body = ByteBuffer(string: body) }
            }
        } catch {
            throw .unavailable("Stripe cannot be reached at \(apiBase.absoluteString): \(error)")
        }
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        guard (200..<300).contains(response.status.code) else {
            let error = try? JSONDecoder().decode(StripeError.self, from: data)
            logger.notice("Stripe refused a request", metadata: [
                "path": "\(path)", "status": "\(response.status.code)", "code": "\(error?.error.code ?? "-")",
            ])
            return .failed(status: response.status.code, error?.error)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .unavailable("Stripe answered \(path) with something that is not a JSON object")
        }
        return .ok(object)
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
