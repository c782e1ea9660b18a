@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Vapor
import XCTest

/// The Stripe gateway over real HTTP against localstripe (`./scripts/test` starts one and sets
/// `EAGLEHURST_TEST_LOCALSTRIPE_URL`), on SQLite and PostgreSQL. What localstripe does differently
/// from Stripe, and so what these tests use: it refuses 4000 0000 0000 0002 and 4000 0000 0000 9995
/// when the card is attached (Stripe refuses them when charged), declines 4000 0000 0000 0341 when
/// charged, and answers 4000 0025 0000 3155 with a PaymentIntent that `requires_action`.
final class StripeGatewayTests: XCTestCase {
    static let secretKey = "sk_test_eaglehurst"
    static let webhookSecret = "whsec_localstripe_eaglehurst"

    static var localstripe: URL {
        get throws {
            guard let raw = ProcessInfo.processInfo.environment["EAGLEHURST_TEST_LOCALSTRIPE_URL"], let url = URL(string: raw) else {
                throw TestSupportError("EAGLEHURST_TEST_LOCALSTRIPE_URL is not set: run the tests through ./scripts/test, which starts localstripe")
            }
            return url
        }
    }

    func eachDatabase(environment: ServerEnvironment = .live(), _ body: (TestServer) async throws -> Void) async throws {
        let base = try Self.localstripe
        for database in TestDatabase.underTest {
            let server = try await TestServer.start(database, environment: environment) {
                $0.stripeSecretKey = Self.secretKey
                $0.stripePublishableKey = "pk_test_eaglehurst"
                $0.stripeAPIBase = base
                $0.stripeWebhookSecret = Self.webhookSecret
                $0.renewalInterval = 0
            }
            do {
                try await body(server)
            } catch {
                try? await server.stop()
                XCTFail("[\(database)] \(error)")
                throw error
            }
            try await server.stop()
        }
    }

    /// What a client does with Stripe's publishable key: card details straight to Stripe for a
    /// `pm_…` (localstripe takes the secret key for this).
    func stripeToken(_ server: TestServer, _ number: String) async throws -> String {
        let answer = try await stripe(server, .POST, "/v1/payment_methods",
                                      "type=card&card[number]=\(number)&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123")
        return try XCTUnwrap(answer["id"] as? String, "\(answer)")
    }

    func stripe(_ server: TestServer, _ method: HTTPMethod, _ path: String, _ form: String? = nil) async throws -> [String: Any] {
        let url = URI(string: try Self.localstripe.absoluteString + path)
        let response = try await server.app.client.send(method, headers: [
            "Authorization": "Bearer \(Self.secretKey)", "Content-Type": "application/x-www-form-urlencoded",
        ], to: url) { request in
            if let form { request.body = ByteBuffer(string: form) }
        }
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func addCard(_ server: TestServer, _ account: Account, _ number: String) async throws -> TestResponse {
        let token = try await stripeToken(server, number)
        return try await server.request(.POST, "/subscriptions/payment-methods", body: json(["token": token]), bearer: account.token)
    }

    func plan(_ server: TestServer, _ code: String) async throws -> String {
        let plans = try await server.request(.GET, "/subscriptions/plans?per_page=100").json()["items"] as? [[String: Any]] ?? []
        return try XCTUnwrap(plans.first { $0["code"] as? String == code }?["id"] as? String)
    }

    func testCardsAndPurchasesGoThroughStripe() async throws {
        try await eachDatabase { server in
            let config = try await server.request(.GET, "/subscriptions/payment-config").json()
            XCTAssertEqual(config["gateway"] as? String, "stripe")
            XCTAssertEqual(config["publishable_key"] as? String, "pk_test_eaglehurst")
            XCTAssertEqual(config["tokens_url"] as? String, try Self.localstripe.appendingPathComponent("v1/payment_methods").absoluteString)
            await XCTAssertEqualAsync(try await server.request(.POST, "/payments/local/tokens", body: json([
                "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123",
            ])).status, 404, "no local tokens while Stripe takes the cards")

            let buyer = try await account(server, .buyer, "buyer@example.com")
            let added = try await addCard(server, buyer, "4242424242424242")
            XCTAssertEqual(added.status, 201, added.text)
            XCTAssertEqual(try added.json()["last4"] as? String, "4242")
            XCTAssertEqual(try added.json()["brand"] as? String, "visa")
            let customer = try await PaymentCustomer.query(on: server.app.db).filter(\.$user.$id == buyer.id).first()
            let customerID = try XCTUnwrap(customer?.customerID)
            XCTAssertTrue(customerID.hasPrefix("cus_"))
            let method = try await PaymentMethod.query(on: server.app.db).filter(\.$user.$id == buyer.id).first()
            let atStripe = try await stripe(server, .GET, "/v1/payment_methods/\(try XCTUnwrap(method?.gatewayID))")
            XCTAssertEqual(atStripe["customer"] as? String, customerID, "attached to the buyer's customer")

            let bought = try await server.request(.POST, "/subscriptions/purchase", headers: ["Idempotency-Key": "stripe-order-1"],
                                                  body: json(["plan_id": try await plan(server, "buyer_professional")]), bearer: buyer.token)
            XCTAssertEqual(bought.status, 200, bought.text)
            let payment = try await Payment.query(on: server.app.db).filter(\.$user.$id == buyer.id).first()
            let intentID = try XCTUnwrap(payment?.gatewayPaymentID)
            XCTAssertTrue(intentID.hasPrefix("pi_"), intentID)
            let intent = try await stripe(server, .GET, "/v1/payment_intents/\(intentID)")
            XCTAssertEqual(intent["status"] as? String, "succeeded")
            XCTAssertEqual(intent["amount"] as? Int, 3_480, "net 2,900 + VAT 580")
            XCTAssertEqual(intent["currency"] as? String, "gbp")
            XCTAssertEqual(intent["customer"] as? String, customerID)
            XCTAssertEqual((intent["metadata"] as? [String: Any])?["eaglehurst_payment_id"] as? String, try payment?.requireID().uuidString)
        }
    }

    /// localstripe signs its events as Stripe does: one of them, sent by localstripe itself, is
    /// verified and recorded by the webhook (an event type this server does not act on).
    func testEventsSignedByLocalstripeAreAccepted() async throws {
        try await eachDatabase { server in
            let secret = Self.webhookSecret
            let configured = try await server.app.client.post(URI(string: try Self.localstripe.absoluteString + "/_config/webhooks/eaglehurst-tests"), headers: [
                "Content-Type": "application/x-www-form-urlencoded",
            ]) { request in
                request.body = ByteBuffer(string: "url=\(server.baseURL.absoluteString)/subscriptions/webhook&secret=\(secret)")
            }
            XCTAssertEqual(configured.status, .ok)
            let customer = try await stripe(server, .POST, "/v1/customers", "email=events@example.com")
            XCTAssertNotNil(customer["id"])
            // Events of earlier tests still on their way may arrive too: they are signed alike.
            var seen: [String] = []
            for _ in 0..<50 where !seen.contains("customer.created") {
                try await Task.sleep(nanoseconds: 100_000_000)
                seen = try await PaymentEvent.query(on: server.app.db).all().map(\.type)
            }
            XCTAssertTrue(seen.contains("customer.created"), "localstripe's signed event got through: \(seen)")
        }
    }

    func testStripeRefusalsAnswer402AndChangeNothing() async throws {
        try await eachDatabase { server in
            let buyer = try await account(server, .buyer, "buyer@example.com")
            for number in ["4000000000000002", "4000000000009995"] {
                let refused = try await addCard(server, buyer, number)
                XCTAssertEqual(refused.status, 402, refused.text)
                XCTAssertTrue(refused.text.contains("card_declined"), refused.text)
            }
            await XCTAssertEqualAsync(try await PaymentMethod.query(on: server.app.db).count(), 0, "no refused card is kept")
            let professional = try await plan(server, "buyer_professional")

            let declining = try await addCard(server, buyer, "4000000000000341")
            XCTAssertEqual(declining.status, 201, declining.text)
            let declined = try await server.request(.POST, "/subscriptions/purchase", body: json(["plan_id": professional]), bearer: buyer.token)
            XCTAssertEqual(declined.status, 402, declined.text)
            XCTAssertEqual(try declined.json()["type"] as? String, "https://eaglehurst.example/problems/payment-declined")
            XCTAssertTrue(declined.text.contains("Your card was declined."), declined.text)

            let authenticating = try await addCard(server, buyer, "4000002500003155")
            let authID = try XCTUnwrap(try authenticating.json()["id"] as? String)
            let needsAuth = try await server.request(.POST, "/subscriptions/purchase", body: json(["plan_id": professional, "payment_method_id": authID]), bearer: buyer.token)
            XCTAssertEqual(needsAuth.status, 402, needsAuth.text)
            XCTAssertEqual(try needsAuth.json()["type"] as? String, "https://eaglehurst.example/problems/authentication-required")

            let current = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()
            XCTAssertEqual((current["plan"] as? [String: Any])?["code"] as? String, "free")
            let attempts = try await Payment.query(on: server.app.db).filter(\.$user.$id == buyer.id).sort(\.$createdAt).all()
            XCTAssertEqual(attempts.map(\.status), [.failed, .failed])
            XCTAssertEqual(attempts.map(\.failureCode), ["card_declined", "authentication_required"])
        }
    }

    /// A purchase whose answer was lost is read back from Stripe (`GET /v1/payment_intents/{id}`)
    /// once the gateway's timeout has passed: a PaymentIntent that was charged starts the plan, one
    /// that was never confirmed is cancelled at Stripe, so it can never take the money later.
    func testAPurchaseWhoseAnswerWasLostIsReadBackFromStripe() async throws {
        let clock = TestClock()
        let gateway = LossyGateway.configured()
        var environment = clock.environment
        environment.paymentGateway = gateway
        try await eachDatabase(environment: environment) { server in
            clock.set(Date())
            gateway.serve(server.app)
            gateway.mode = .answering
            let professional = json(["plan_id": try await plan(server, "buyer_professional")])
            func intent(of account: Account) async throws -> String {
                try await XCTUnwrapAsync(try await Payment.query(on: server.app.db).filter(\.$user.$id == account.id).first()?.gatewayPaymentID)
            }

            let charged = try await account(server, .buyer, "charged@example.com")
            await XCTAssertEqualAsync(try await addCard(server, charged, "4242424242424242").status, 201)
            gateway.mode = .losesConfirmations
            let lost = try await server.request(.POST, "/subscriptions/purchase", body: professional, bearer: charged.token)
            XCTAssertEqual(lost.status, 502, lost.text)
            let chargedIntent = try await intent(of: charged)
            await XCTAssertEqualAsync(try await stripe(server, .GET, "/v1/payment_intents/\(chargedIntent)")["status"] as? String, "succeeded")

            let unconfirmed = try await account(server, .buyer, "unconfirmed@example.com")
            gateway.mode = .answering
            await XCTAssertEqualAsync(try await addCard(server, unconfirmed, "4242424242424242").status, 201)
            gateway.mode = .unreachableAfterPrepare
            let unreached = try await server.request(.POST, "/subscriptions/purchase", body: professional, bearer: unconfirmed.token)
            XCTAssertEqual(unreached.status, 502, unreached.text)
            let unconfirmedIntent = try await intent(of: unconfirmed)
            await XCTAssertEqualAsync(try await stripe(server, .GET, "/v1/payment_intents/\(unconfirmedIntent)")["status"] as? String, "requires_confirmation")

            gateway.mode = .answering
            clock.advance(by: gateway.chargeTimeout + 1)
            let report = try await SubscriptionRenewals(app: server.app, db: server.app.db).runOnce()
            XCTAssertEqual(report.purchases, .init(succeeded: 1, failed: 1), "\(report)")
            await XCTAssertEqualAsync(try await stripe(server, .GET, "/v1/payment_intents/\(unconfirmedIntent)")["status"] as? String, "canceled")
            let attempts = try await Payment.query(on: server.app.db).filter(\.$kind == .purchase).all()
            XCTAssertEqual(attempts.first { $0.gatewayPaymentID == chargedIntent }?.status, .succeeded)
            XCTAssertEqual(attempts.first { $0.gatewayPaymentID == unconfirmedIntent }?.failureCode, "canceled")
            let token = try await signIn(server, "charged@example.com").token
            let current = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual((current["plan"] as? [String: Any])?["code"] as? String, "buyer_professional")
        }
    }

    func testOneKeyAtOnceIsOnePaymentIntentAndRenewalsChargeStripe() async throws {
        let clock = TestClock()
        try await eachDatabase(environment: clock.environment) { server in
            clock.set(Date())
            let buyer = try await account(server, .buyer, "buyer@example.com")
            await XCTAssertEqualAsync(try await addCard(server, buyer, "4242424242424242").status, 201)
            let body = json(["plan_id": try await plan(server, "buyer_enterprise")])
            let token = buyer.token
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await server.request(.POST, "/subscriptions/purchase", headers: ["Idempotency-Key": "stripe-same"], body: body, bearer: token)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(answers.filter { $0.status == 200 }.count, 100, answers.first { $0.status != 200 }?.text ?? "")
            XCTAssertEqual(Set(try answers.map { try $0.json()["id"] as? String }).count, 1)
            let customerID = try await PaymentCustomer.query(on: server.app.db).filter(\.$user.$id == buyer.id).first()?.customerID
            let intents = try await stripe(server, .GET, "/v1/payment_intents?limit=100")["data"] as? [[String: Any]] ?? []
            XCTAssertEqual(intents.filter { $0["customer"] as? String == customerID }.count, 1, "one charge at Stripe")

            clock.advance(by: 32 * 86_400)
            let report = try await SubscriptionRenewals(app: server.app, db: server.app.db).runOnce()
            XCTAssertEqual(report.renewed, 1, "\(report)")
            let after = try await stripe(server, .GET, "/v1/payment_intents?limit=100")["data"] as? [[String: Any]] ?? []
            let renewals = after.filter { $0["customer"] as? String == customerID }
            XCTAssertEqual(renewals.count, 2)
            XCTAssertTrue(renewals.allSatisfy { $0["status"] as? String == "succeeded" })

            let other = try await account(server, .buyer, "other@example.com")
            let theirs = try await PaymentMethod.query(on: server.app.db).filter(\.$user.$id == buyer.id).first()
            let foreign = try await server.request(.DELETE, "/subscriptions/payment-methods/\(try XCTUnwrap(theirs?.id))", bearer: other.token)
            XCTAssertEqual(foreign.status, 404, foreign.text)
        }
    }
}
