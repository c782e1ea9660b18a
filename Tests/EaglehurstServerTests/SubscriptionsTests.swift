@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import SQLKit
import Foundation
import Vapor
import XCTest

/// `/api/v1/subscriptions` with the local gateway: plans and limits, cards, purchases with Stripe's
/// test cards, idempotency, cancelling, invoices, renewals and webhooks, on SQLite and PostgreSQL.
final class SubscriptionsTests: XCTestCase {
    static let webhookSecret = "whsec_test_secret_for_the_suite"

    /// Like `forEachDatabase`, with a webhook secret and the renewal job left to the test.
    func eachDatabase(environment: ServerEnvironment = .live(), _ body: (TestServer) async throws -> Void) async throws {
        for database in TestDatabase.underTest {
            let server = try await TestServer.start(database, environment: environment) {
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

    func plan(_ server: TestServer, _ code: String) async throws -> String {
        let plans = try await server.request(.GET, "/subscriptions/plans?per_page=100").json()["items"] as? [[String: Any]] ?? []
        return try XCTUnwrap(plans.first { $0["code"] as? String == code }?["id"] as? String, "no plan \(code)")
    }

    /// A card stored for `account` through the local tokenizer; its payment method id.
    func card(_ server: TestServer, _ account: Account, _ number: String = "4242424242424242", setDefault: Bool = false) async throws -> String {
        let token = try await server.request(.POST, "/payments/local/tokens", body: json([
            "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123",
        ]))
        XCTAssertEqual(token.status, 201, token.text)
        let added = try await server.request(.POST, "/subscriptions/payment-methods", body: json([
            "token": try XCTUnwrap(try token.json()["token"] as? String), "set_default": setDefault,
        ]), bearer: account.token)
        XCTAssertEqual(added.status, 201, added.text)
        return try XCTUnwrap(try added.json()["id"] as? String)
    }

    func purchase(
        _ server: TestServer, _ account: Account, plan: String, cycle: String = "monthly", card: String? = nil, key: String? = nil
    ) async throws -> TestResponse {
        var body: [String: Any] = ["plan_id": plan, "billing_cycle": cycle]
        if let card { body["payment_method_id"] = card }
        var headers: HTTPHeaders = [:]
        if let key { headers.add(name: "Idempotency-Key", value: key) }
        return try await server.request(.POST, "/subscriptions/purchase", headers: headers, body: json(body), bearer: account.token)
    }

    func payments(_ server: TestServer, _ account: Account) async throws -> [Payment] {
        try await Payment.query(on: server.app.db).filter(\.$user.$id == account.id).sort(\.$createdAt).all()
    }

    // MARK: plans and limits

    func testPlansArePublicPerUserTypeWithMonthlyAndYearlyPrices() async throws {
        try await eachDatabase { server in
            let all = try await server.request(.GET, "/subscriptions/plans?per_page=100")
            XCTAssertEqual(all.status, 200, all.text)
            let items = try XCTUnwrap(try all.json()["items"] as? [[String: Any]])
            XCTAssertEqual(items.count, 6)
            let buyers = try await server.request(.GET, "/subscriptions/plans?user_type=buyer").json()["items"] as? [[String: Any]] ?? []
            XCTAssertEqual(buyers.map { $0["name"] as? String }, ["Free", "Professional", "Enterprise"])
            XCTAssertEqual(buyers.map { $0["connection_limit"] as? Int }, [3, 25, nil])
            let sellers = try await server.request(.GET, "/subscriptions/plans?user_type=seller").json()["items"] as? [[String: Any]] ?? []
            XCTAssertEqual(sellers.map { $0["name"] as? String }, ["Free", "Professional", "Premium"])
            XCTAssertEqual(sellers.map { $0["listing_limit"] as? Int }, [1, 10, nil])
            XCTAssertEqual(sellers.map { $0["premium_placement"] as? Bool }, [false, false, true])
            let professional = try XCTUnwrap(buyers.first { $0["code"] as? String == "buyer_professional" })
            XCTAssertEqual(professional["monthly_price_pence"] as? Int, 2_900)
            XCTAssertEqual(professional["yearly_price_pence"] as? Int, 29_000)
            XCTAssertEqual(professional["currency"] as? String, "GBP")
            XCTAssertEqual(professional["vat_rate_percent"] as? Int, 20)
            await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/plans?user_type=pilot").status, 422)
        }
    }

    func testAFreeSellerSubmitsOneListingForReviewAndAnUpgradeAllowsMore() async throws {
        try await eachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let body = { (title: String, status: String) in json([
                "title": title, "description": "A long-established dental practice with four surgeries and loyal patients.",
                "business_type": "dental_practice", "location": "Leeds", "region": "Yorkshire", "asking_price": 650_000, "status": status,
            ]) }
            let first = try await server.request(.POST, "/listings", body: body("Dental practice in Leeds", "pending_approval"), bearer: seller.token)
            XCTAssertEqual(first.status, 201, first.text)
            let second = try await server.request(.POST, "/listings", body: body("Dental practice in York", "pending_approval"), bearer: seller.token)
            XCTAssertEqual(second.status, 402, second.text)
            XCTAssertEqual(second.headers.first(name: .contentType), "application/problem+json")
            let problem = try second.json()
            XCTAssertTrue((problem["detail"] as? String ?? "").contains("The Free plan allows 1 active listing"), second.text)
            let errors = try XCTUnwrap(problem["errors"] as? [String: [String]])
            XCTAssertEqual(errors["plan"], ["Free"])
            XCTAssertEqual(errors["limit"], ["1 active listing"])
            XCTAssertEqual(errors["upgrade"]?.first?.hasPrefix("seller_professional"), true, "\(errors)")

            let draft = try await server.request(.POST, "/listings", body: body("Dental practice in York", "draft"), bearer: seller.token)
            XCTAssertEqual(draft.status, 201, "a draft is not submitted: \(draft.text)")
            let draftID = try XCTUnwrap(try draft.json()["id"] as? String)
            let submit = try await server.request(.PUT, "/listings/\(draftID)", body: json(["status": "pending_approval"]), bearer: seller.token)
            XCTAssertEqual(submit.status, 402, "submitting the draft counts too: \(submit.text)")
            let usage = try await server.request(.GET, "/subscriptions/usage", bearer: seller.token).json()
            XCTAssertEqual(usage["listings_used"] as? Int, 1)
            XCTAssertEqual(usage["listings_limit"] as? Int, 1)

            let card = try await card(server, seller)
            let bought = try await purchase(server, seller, plan: try await plan(server, "seller_professional"), card: card)
            XCTAssertEqual(bought.status, 200, bought.text)
            let resubmit = try await server.request(.PUT, "/listings/\(draftID)", body: json(["status": "pending_approval"]), bearer: seller.token)
            XCTAssertEqual(resubmit.status, 200, resubmit.text)
            let upgraded = try await server.request(.GET, "/subscriptions/usage", bearer: seller.token).json()
            XCTAssertEqual(upgraded["listings_used"] as? Int, 2)
            XCTAssertEqual(upgraded["listings_limit"] as? Int, 10)
        }
    }

    func testTheDemoSellerIsOnPremiumSoTheirListingsFitThePlan() async throws {
        try await eachDatabase { server in
            try await AccountBootstrap.seedDemo(on: server.app)
            try await AccountBootstrap.seedDemo(on: server.app)
            let response = try await server.request(.POST, "/auth/login", body: json(["email": "seller@demo.eaglehurst.test", "password": "DemoSeller1"]))
            let token = try XCTUnwrap(try response.json()["access_token"] as? String, response.text)
            let current = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual((current["plan"] as? [String: Any])?["code"] as? String, "seller_premium")
            XCTAssertNil(current["renews_at"], "demo data: not renewed, nothing charged")
            let seller = try await XCTUnwrapAsync(try await User.query(on: server.app.db).filter(\.$email == "seller@demo.eaglehurst.test").first())
            // The demo's members have paid plans with payments (for the analytics); the demo seller has none.
            await XCTAssertEqualAsync(try await Payment.query(on: server.app.db).filter(\.$user.$id == seller.requireID()).count(), 0)
            let usage = try await server.request(.GET, "/subscriptions/usage", bearer: token).json()
            XCTAssertNil(usage["listings_limit"])
            XCTAssertGreaterThan(usage["listings_used"] as? Int ?? 0, 1)
        }
    }

    func testPremiumSellersListingsComeFirstByNewestAndRelevanceWhileThePlanLasts() async throws {
        try await eachDatabase { server in
            let premiumSeller = try await account(server, .seller, "premium@example.com")
            let freeSeller = try await account(server, .seller, "free@example.com")
            let older = try await published(server, seller: premiumSeller, title: "Dental practice in Hull", type: "dental_practice",
                                            publishedAt: Date().addingTimeInterval(-30 * 86_400))
            let newer = try await published(server, seller: freeSeller, title: "Dental practice in York", type: "dental_practice")
            func order(_ query: String) async throws -> [String] {
                let page = try await server.request(.GET, "/listings?\(query)").json()
                return (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            await XCTAssertEqualAsync(try await order("sort=newest"), [newer.uuidString, older.uuidString])
            _ = try await card(server, premiumSeller)
            let bought = try await purchase(server, premiumSeller, plan: try await plan(server, "seller_premium"))
            XCTAssertEqual(bought.status, 200, bought.text)
            await XCTAssertEqualAsync(try await order("sort=newest"), [older.uuidString, newer.uuidString], "premium first")
            await XCTAssertEqualAsync(try await order("q=dental&sort=relevance"), [older.uuidString, newer.uuidString], "premium first")
            let cancelled = try await server.request(.PUT, "/subscriptions/cancel", body: json(["at_period_end": false]), bearer: premiumSeller.token)
            XCTAssertEqual(cancelled.status, 200, cancelled.text)
            await XCTAssertEqualAsync(try await order("sort=newest"), [newer.uuidString, older.uuidString], "back in date order once the plan ends")
        }
    }

    // MARK: cards and purchases

    func testTheLocalTokenizerChecksCardsAndKeepsNoNumber() async throws {
        try await eachDatabase { server in
            let config = try await server.request(.GET, "/subscriptions/payment-config").json()
            XCTAssertEqual(config["gateway"] as? String, "local")
            XCTAssertEqual(config["tokens_url"] as? String, "/api/v1/payments/local/tokens")
            let badLuhn = try await server.request(.POST, "/payments/local/tokens", body: json(["number": "4242 4242 4242 4241", "exp_month": 12, "exp_year": 2034, "cvc": "123"]))
            XCTAssertEqual(badLuhn.status, 422, badLuhn.text)
            XCTAssertNotNil((try badLuhn.json()["errors"] as? [String: [String]])?["number"])
            let expired = try await server.request(.POST, "/payments/local/tokens", body: json(["number": "4242424242424242", "exp_month": 1, "exp_year": 2020, "cvc": "123"]))
            XCTAssertEqual(expired.status, 422, expired.text)
            XCTAssertNotNil((try expired.json()["errors"] as? [String: [String]])?["exp_year"])
            let good = try await server.request(.POST, "/payments/local/tokens", body: json(["number": "4242-4242-4242-4242", "exp_month": 12, "exp_year": 34, "cvc": "123"]))
            XCTAssertEqual(good.status, 201, good.text)
            XCTAssertEqual(try good.json()["last4"] as? String, "4242")
            XCTAssertEqual(try good.json()["brand"] as? String, "visa")
            XCTAssertEqual(try good.json()["exp_year"] as? Int, 2034)

            let buyer = try await account(server, .buyer, "buyer@example.com")
            let added = try await server.request(.POST, "/subscriptions/payment-methods", body: json(["token": try good.json()["token"] as! String]), bearer: buyer.token)
            XCTAssertEqual(added.status, 201, added.text)
            XCTAssertEqual(try added.json()["is_default"] as? Bool, true, "the first card is the default")
            let unknown = try await server.request(.POST, "/subscriptions/payment-methods", body: json(["token": "tok_nothing"]), bearer: buyer.token)
            XCTAssertEqual(unknown.status, 422, unknown.text)
            let everything = try await server.app.db.sql.raw("SELECT * FROM local_card_tokens").all()
            for row in everything {
                for column in row.allColumns {
                    let value = (try? row.decode(column: column, as: String.self)) ?? ""
                    XCTAssertFalse(value.contains("4242424242424242"), "\(column) keeps the card number")
                }
            }
        }
    }

    func testPurchaseChargesNetPlusVATAndRaisesTheLimit() async throws {
        try await eachDatabase { server in
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let card = try await card(server, buyer)
            let professional = try await plan(server, "buyer_professional")
            let bought = try await purchase(server, buyer, plan: professional, cycle: "yearly", key: "order-1")
            XCTAssertEqual(bought.status, 200, bought.text)
            let subscription = try bought.json()
            XCTAssertEqual(subscription["status"] as? String, "active")
            XCTAssertEqual(subscription["billing_cycle"] as? String, "yearly")
            XCTAssertEqual(subscription["payment_method_id"] as? String, card)
            XCTAssertEqual((subscription["plan"] as? [String: Any])?["code"] as? String, "buyer_professional")
            XCTAssertNotNil(subscription["renews_at"] as? String)
            let current = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()
            XCTAssertEqual(current["id"] as? String, subscription["id"] as? String)
            let repeated = try await purchase(server, buyer, plan: professional, cycle: "yearly", key: "order-1")
            XCTAssertEqual(try repeated.json()["id"] as? String, subscription["id"] as? String, "a repeat answers as the first did")
            let again = try await purchase(server, buyer, plan: professional, cycle: "yearly", key: "order-2")
            XCTAssertEqual(again.status, 409, "already on this plan: \(again.text)")
            let usage = try await server.request(.GET, "/subscriptions/usage", bearer: buyer.token).json()
            XCTAssertEqual(usage["connections_limit"] as? Int, 25)
            XCTAssertEqual(usage["plan_name"] as? String, "Professional")

            let invoicePage = try await server.request(.GET, "/subscriptions/invoices", bearer: buyer.token).json()
            let invoices = try XCTUnwrap(invoicePage["items"] as? [[String: Any]])
            XCTAssertEqual(invoices.count, 1)
            XCTAssertEqual(invoices[0]["net_pence"] as? Int, 29_000)
            XCTAssertEqual(invoices[0]["vat_pence"] as? Int, 5_800)
            XCTAssertEqual(invoices[0]["amount_pence"] as? Int, 34_800)
            XCTAssertEqual(invoices[0]["status"] as? String, "succeeded")
            XCTAssertEqual(invoices[0]["currency"] as? String, "GBP")
            XCTAssertTrue((invoices[0]["gateway_payment_id"] as? String ?? "").hasPrefix("ch_local_"))
            let news = try await server.request(.GET, "/notifications?type=subscription", bearer: buyer.token).json()["items"] as? [[String: Any]] ?? []
            XCTAssertTrue((news.first?["message"] as? String ?? "").contains("£348.00"), "\(news)")
            XCTAssertTrue(try server.outbox().contains { $0.contains("Receipt: Professional plan") }, "the receipt is mailed")

            let seller = try await account(server, .seller, "seller@example.com")
            let sellerCard = try await self.card(server, seller)
            let wrongKind = try await purchase(server, seller, plan: professional, card: sellerCard)
            XCTAssertEqual(wrongKind.status, 422, wrongKind.text)
            let free = try await purchase(server, buyer, plan: try await plan(server, "free"))
            XCTAssertEqual(free.status, 422, free.text)
            let nobody = try await purchase(server, buyer, plan: UUID().uuidString)
            XCTAssertEqual(nobody.status, 404, nobody.text)
        }
    }

    func testRefusedCardsAnswer402WithTheReasonAndChangeNothing() async throws {
        try await eachDatabase { server in
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let professional = try await plan(server, "buyer_professional")
            let before = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()["id"] as? String
            for (number, slug, reason) in [
                ("4000000000000002", "payment-declined", "card_declined"),
                ("4000000000009995", "payment-declined", "insufficient_funds"),
                ("4000002500003155", "authentication-required", "authenticate"),
            ] {
                let card = try await card(server, buyer, number)
                let refused = try await purchase(server, buyer, plan: professional, card: card)
                XCTAssertEqual(refused.status, 402, refused.text)
                XCTAssertEqual(refused.headers.first(name: .contentType), "application/problem+json")
                XCTAssertEqual(try refused.json()["type"] as? String, "https://eaglehurst.example/problems/\(slug)")
                XCTAssertTrue(refused.text.contains(reason), refused.text)
                let after = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()
                XCTAssertEqual(after["id"] as? String, before, "the plan is unchanged")
                XCTAssertEqual((after["plan"] as? [String: Any])?["code"] as? String, "free")
            }
            let attempts = try await payments(server, buyer)
            XCTAssertEqual(attempts.map(\.status), [.failed, .failed, .failed], "every attempt is recorded")
            XCTAssertEqual(attempts.map(\.failureCode), ["card_declined", "insufficient_funds", "authentication_required"])
            XCTAssertTrue(attempts.allSatisfy { $0.failureReason?.isEmpty == false })
        }
    }

    func testOneIdempotencyKeySentAHundredTimesAtOnceChargesOnce() async throws {
        try await eachDatabase { server in
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let card = try await card(server, buyer)
            let enterprise = try await plan(server, "buyer_enterprise")
            let body = json(["plan_id": enterprise, "billing_cycle": "monthly", "payment_method_id": card])
            let token = buyer.token
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await server.request(.POST, "/subscriptions/purchase", headers: ["Idempotency-Key": "same-key"], body: body, bearer: token)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(answers.filter { $0.status == 200 }.count, 100, answers.filter { $0.status != 200 }.first?.text ?? "")
            let ids = Set(try answers.map { try $0.json()["id"] as? String })
            XCTAssertEqual(ids.count, 1, "one subscription: \(ids)")
            let charged = try await payments(server, buyer)
            XCTAssertEqual(charged.count, 1)
            XCTAssertEqual(charged.first?.status, .succeeded)
            await XCTAssertEqualAsync(
                try await UserSubscription.query(on: server.app.db).filter(\.$user.$id == buyer.id).filter(\.$status == .active).count(), 1)
            let reused = try await purchase(server, buyer, plan: try await plan(server, "buyer_professional"), card: card, key: "same-key")
            XCTAssertEqual(reused.status, 422, "a key is for one purchase: \(reused.text)")
        }
    }

    func testPurchasesSentAtOnceWithoutAKeyChargeOnce() async throws {
        try await eachDatabase { server in
            let buyer = try await account(server, .buyer, "buyer@example.com")
            _ = try await card(server, buyer)
            let body = json(["plan_id": try await plan(server, "buyer_professional"), "billing_cycle": "monthly"])
            let token = buyer.token
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<24 {
                    group.addTask { try await server.request(.POST, "/subscriptions/purchase", body: body, bearer: token) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(answers.filter { $0.status == 200 }.count, 1, answers.map { "\($0.status) \($0.text)" }.joined(separator: "\n"))
            let refused = answers.filter { $0.status != 200 }
            XCTAssertEqual(refused.map(\.status), Array(repeating: 409, count: 23), refused.map(\.text).joined(separator: "\n"))
            for answer in refused {
                XCTAssertEqual(answer.headers.first(name: .contentType), "application/problem+json")
                // In flight, or (once the first finished) already bought.
                let slug = try answer.json()["type"] as? String ?? ""
                XCTAssertTrue(slug.hasSuffix("/purchase-in-progress") || slug.hasSuffix("/conflict"), answer.text)
            }
            let charged = try await payments(server, buyer)
            XCTAssertEqual(charged.map(\.status), [.succeeded], "one payment, and no claim left behind")
            await XCTAssertEqualAsync(try await LocalCharge.query(on: server.app.db).count(), 1, "the gateway was asked once")
            let subscriptions = try await UserSubscription.query(on: server.app.db).filter(\.$user.$id == buyer.id).with(\.$plan).all()
            XCTAssertEqual(subscriptions.filter { $0.plan.code == "buyer_professional" }.count, 1)
            XCTAssertEqual(subscriptions.filter { $0.status == .active }.map(\.plan.code), ["buyer_professional"])
        }
    }

    /// The gateway charged, or was about to, and the request never learned which: the purchase
    /// answers 502, blocks a second one, and the renewal job settles it by asking the gateway once
    /// its timeout has passed.
    func testAPurchaseWhoseAnswerWasLostIsSettledByAskingTheGateway() async throws {
        let clock = TestClock()
        let gateway = LossyGateway.local()
        var environment = clock.environment
        environment.paymentGateway = gateway
        try await eachDatabase(environment: environment) { server in
            clock.set(Date())
            gateway.serve(server.app)
            gateway.mode = .answering
            let renewals = SubscriptionRenewals(app: server.app, db: server.app.db)
            let professional = try await plan(server, "buyer_professional")

            // Charged, and the answer lost.
            let charged = try await account(server, .buyer, "charged@example.com")
            _ = try await localCard(server, charged)
            gateway.mode = .losesConfirmations
            let lost = try await purchase(server, charged, plan: professional)
            XCTAssertEqual(lost.status, 502, lost.text)
            XCTAssertEqual(try lost.json()["type"] as? String, "https://eaglehurst.example/problems/payment-outcome-unknown")
            let pending = try await XCTUnwrapAsync(try await payments(server, charged).first)
            XCTAssertEqual(pending.status, .pending)
            let gatewayID = try XCTUnwrap(pending.gatewayPaymentID, "the charge's id is stored before the money moves")
            await XCTAssertEqualAsync(try await LocalCharge.query(on: server.app.db).filter(\.$gatewayID == gatewayID).first()?.status, .succeeded)
            let second = try await purchase(server, charged, plan: professional)
            XCTAssertEqual(second.status, 409, second.text)
            XCTAssertEqual(try second.json()["type"] as? String, "https://eaglehurst.example/problems/purchase-in-progress")

            // Never confirmed: the gateway was unreachable after the charge was prepared.
            let unconfirmed = try await account(server, .buyer, "unconfirmed@example.com")
            _ = try await localCard(server, unconfirmed)
            gateway.mode = .unreachableAfterPrepare
            await XCTAssertEqualAsync(try await purchase(server, unconfirmed, plan: professional).status, 502)

            gateway.mode = .answering
            await XCTAssertEqualAsync(try await renewals.runOnce().purchases, .init(), "not before the gateway's timeout")
            await XCTAssertEqualAsync(try await payments(server, charged).map(\.status), [.pending])
            clock.advance(by: gateway.chargeTimeout + 1)
            await XCTAssertEqualAsync(try await renewals.runOnce().purchases, .init(succeeded: 1, failed: 1))

            let settled = try await XCTUnwrapAsync(try await payments(server, charged).first)
            XCTAssertEqual(settled.status, .succeeded)
            XCTAssertEqual(settled.gatewayPaymentID, gatewayID)
            let token = try await signIn(server, "charged@example.com").token
            let current = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual((current["plan"] as? [String: Any])?["code"] as? String, "buyer_professional")
            XCTAssertEqual(current["id"] as? String, settled.$subscription.id?.uuidString)
            let news = try await server.request(.GET, "/notifications?type=subscription", bearer: token).json()["items"] as? [[String: Any]] ?? []
            XCTAssertTrue(news.contains { ($0["title"] as? String) == "Receipt: Professional plan" }, "\(news)")

            let cancelled = try await XCTUnwrapAsync(try await payments(server, unconfirmed).first)
            XCTAssertEqual(cancelled.status, .failed)
            XCTAssertEqual(cancelled.failureCode, "canceled")
            await XCTAssertEqualAsync(try await LocalCharge.query(on: server.app.db).filter(\.$gatewayID == cancelled.gatewayPaymentID ?? "").first()?.status,
                                      .canceled, "cancelled at the gateway, so it can never take money")
            let again = try await purchase(server, try await signIn(server, "unconfirmed@example.com"), plan: professional)
            XCTAssertEqual(again.status, 200, "the settled claim no longer blocks a purchase: \(again.text)")
            await XCTAssertEqualAsync(try await renewals.runOnce().purchases, .init(), "each is settled once")
        }
    }

    /// A card stored through the local tokenizer's code directly: `POST /payments/local/tokens` is
    /// there only while the server's gateway is the local one itself.
    func localCard(_ server: TestServer, _ account: Account) async throws -> String {
        let token = try await LocalPaymentGateway.tokenize(
            number: "4242424242424242", expMonth: 12, expYear: 2034, cvc: "123", now: Date(), fingerprintKey: server.app.codeKey, on: server.app.db)
        let added = try await server.request(.POST, "/subscriptions/payment-methods", body: json(["token": token.token]), bearer: account.token)
        XCTAssertEqual(added.status, 201, added.text)
        return try XCTUnwrap(try added.json()["id"] as? String)
    }

    func testAnotherUsersPaymentMethodIsNotFoundEverywhere() async throws {
        try await eachDatabase { server in
            let owner = try await account(server, .buyer, "owner@example.com")
            let other = try await account(server, .buyer, "other@example.com")
            let card = try await card(server, owner)
            let listed = try await server.request(.GET, "/subscriptions/payment-methods", bearer: other.token).json()
            XCTAssertEqual(listed["total"] as? Int, 0)
            let delete = try await server.request(.DELETE, "/subscriptions/payment-methods/\(card)", bearer: other.token)
            XCTAssertEqual(delete.status, 404, delete.text)
            let buy = try await purchase(server, other, plan: try await plan(server, "buyer_professional"), card: card)
            XCTAssertEqual(buy.status, 404, buy.text)
            await XCTAssertEqualAsync(try await payments(server, other).count, 0)
            let mine = try await server.request(.DELETE, "/subscriptions/payment-methods/\(card)", bearer: owner.token)
            XCTAssertEqual(mine.status, 204, mine.text)
            let gone = try await server.request(.GET, "/subscriptions/payment-methods", bearer: owner.token).json()
            XCTAssertEqual(gone["total"] as? Int, 0)
        }
    }

    // MARK: cancelling

    func testCancelAtPeriodEndKeepsThePlanUntilThenAndCancelNowEndsIt() async throws {
        let clock = TestClock()
        try await eachDatabase(environment: clock.environment) { server in
            clock.set(Date())
            let buyer = try await account(server, .buyer, "buyer@example.com")
            _ = try await card(server, buyer)
            let bought = try await purchase(server, buyer, plan: try await plan(server, "buyer_professional"))
            XCTAssertEqual(bought.status, 200, bought.text)
            let cancelled = try await server.request(.PUT, "/subscriptions/cancel", body: json(["at_period_end": true]), bearer: buyer.token)
            XCTAssertEqual(cancelled.status, 200, cancelled.text)
            let body = try cancelled.json()
            XCTAssertEqual(body["status"] as? String, "active")
            XCTAssertEqual(body["cancel_at_period_end"] as? Bool, true)
            XCTAssertEqual(body["expires_at"] as? String, body["current_period_end"] as? String)
            XCTAssertNil(body["renews_at"])
            clock.advance(by: 20 * 86_400)
            let token = try await signIn(server, "buyer@example.com").token
            let still = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual((still["plan"] as? [String: Any])?["code"] as? String, "buyer_professional", "kept until the period ends")
            clock.advance(by: 12 * 86_400)
            let laterAccount = try await signIn(server, "buyer@example.com")
            let later = laterAccount.token
            let report = try await SubscriptionRenewals(app: server.app, db: server.app.db).runOnce()
            XCTAssertEqual(report.renewed, 0, "a cancelled plan is not renewed")
            let after = try await server.request(.GET, "/subscriptions/current", bearer: later).json()
            XCTAssertEqual((after["plan"] as? [String: Any])?["code"] as? String, "free")
            await XCTAssertEqualAsync(try await payments(server, buyer).count, 1)

            let enterprise = try await purchase(server, laterAccount, plan: try await plan(server, "buyer_enterprise"))
            XCTAssertEqual(enterprise.status, 200, enterprise.text)
            let now = try await server.request(.PUT, "/subscriptions/cancel", body: json(["at_period_end": false]), bearer: later)
            XCTAssertEqual(now.status, 200, now.text)
            XCTAssertEqual(try now.json()["status"] as? String, "cancelled")
            let free = try await server.request(.GET, "/subscriptions/current", bearer: later).json()
            XCTAssertEqual((free["plan"] as? [String: Any])?["code"] as? String, "free")
            let again = try await server.request(.PUT, "/subscriptions/cancel", body: json(["at_period_end": false]), bearer: later)
            XCTAssertEqual(again.status, 409, "nothing paid to cancel: \(again.text)")
            let news = try await server.request(.GET, "/notifications?type=subscription", bearer: later).json()["items"] as? [[String: Any]] ?? []
            XCTAssertTrue(news.contains { ($0["title"] as? String ?? "").contains("cancelled") }, "\(news)")
        }
    }

    // MARK: renewals

    func testRenewalChargesAtPeriodEndOncePerPeriodEvenWithTwoServersRunning() async throws {
        let clock = TestClock()
        try await eachDatabase(environment: clock.environment) { server in
            clock.set(Date())
            let buyer = try await account(server, .buyer, "buyer@example.com")
            _ = try await card(server, buyer)
            let bought = try await purchase(server, buyer, plan: try await plan(server, "buyer_professional"))
            let firstEnd = try XCTUnwrap(try bought.json()["current_period_end"] as? String)
            clock.advance(by: 25 * 86_400)
            let reminders = try await SubscriptionRenewals(app: server.app, db: server.app.db).runOnce()
            XCTAssertEqual(reminders.reminded, 1)
            await XCTAssertEqualAsync(try await SubscriptionRenewals(app: server.app, db: server.app.db).runOnce().reminded, 0, "one reminder a period")
            clock.advance(by: 7 * 86_400)
            async let a = SubscriptionRenewals(app: server.app, db: server.app.db).runOnce()
            async let b = SubscriptionRenewals(app: server.app, db: server.app.db).runOnce()
            let (ra, rb) = try await (a, b)
            XCTAssertEqual(ra.renewed + rb.renewed, 1, "\(ra) \(rb)")
            let charged = try await payments(server, buyer)
            XCTAssertEqual(charged.map(\.kind), [.purchase, .renewal])
            XCTAssertEqual(charged.map(\.status), [.succeeded, .succeeded])
            let token = try await signIn(server, "buyer@example.com").token
            let current = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual(current["current_period_start"] as? String, firstEnd, "the new period starts where the last ended")
            XCTAssertEqual(current["status"] as? String, "active")
            await XCTAssertEqualAsync(try await SubscriptionRenewals(app: server.app, db: server.app.db).runOnce().renewed, 0, "nothing due until the next end")
        }
    }

    func testAFailingRenewalGoesPastDueIsRetriedThenFallsBackToFree() async throws {
        let clock = TestClock()
        try await eachDatabase(environment: clock.environment) { server in
            clock.set(Date())
            let buyer = try await account(server, .buyer, "buyer@example.com")
            _ = try await card(server, buyer)
            let bought = try await purchase(server, buyer, plan: try await plan(server, "buyer_professional"))
            XCTAssertEqual(bought.status, 200, bought.text)
            // The card on file now is one that insufficient funds refuse; the subscription's own card is gone.
            let good = try XCTUnwrap(try bought.json()["payment_method_id"] as? String)
            _ = try await card(server, buyer, "4000000000009995", setDefault: true)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/subscriptions/payment-methods/\(good)", bearer: buyer.token).status, 204)
            clock.advance(by: 32 * 86_400)
            let renewals = SubscriptionRenewals(app: server.app, db: server.app.db)
            await XCTAssertEqualAsync(try await renewals.runOnce().failed, 1)
            var token = try await signIn(server, "buyer@example.com").token
            var current = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual(current["status"] as? String, "past_due")
            XCTAssertEqual(current["failed_payment_attempts"] as? Int, 1)
            XCTAssertEqual((current["plan"] as? [String: Any])?["code"] as? String, "buyer_professional", "kept while retried")
            await XCTAssertEqualAsync(try await renewals.runOnce(), .init(), "the retry waits a day")
            clock.advance(by: 86_400 + 60)
            await XCTAssertEqualAsync(try await renewals.runOnce().failed, 1)
            clock.advance(by: 86_400 + 60)
            await XCTAssertEqualAsync(try await renewals.runOnce().ended, 1)
            token = try await signIn(server, "buyer@example.com").token
            current = try await server.request(.GET, "/subscriptions/current", bearer: token).json()
            XCTAssertEqual((current["plan"] as? [String: Any])?["code"] as? String, "free")
            let attempts = try await payments(server, buyer)
            XCTAssertEqual(attempts.map(\.status), [.succeeded, .failed, .failed, .failed])
            XCTAssertEqual(attempts.last?.failureCode, "insufficient_funds")
            let news = try await server.request(.GET, "/notifications?type=subscription&per_page=50", bearer: token).json()["items"] as? [[String: Any]] ?? []
            let titles = news.compactMap { $0["title"] as? String }
            XCTAssertEqual(titles.filter { $0.hasPrefix("Payment failed") }.count, 2, "\(titles)")
            XCTAssertEqual(titles.filter { $0.hasSuffix("has ended") }.count, 1, "\(titles)")
        }
    }

    // MARK: webhooks

    func event(_ id: String, _ type: String, _ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: ["id": id, "type": type, "data": ["object": object]])
    }

    func deliver(_ server: TestServer, _ payload: Data, at time: Date = Date(), secret: String = webhookSecret) async throws -> TestResponse {
        let signature = StripeSignature.header(payload: payload, timestamp: Int(time.timeIntervalSince1970), secret: secret)
        return try await server.request(.POST, "/subscriptions/webhook", headers: ["Stripe-Signature": signature, "Content-Type": "application/json"], bodyData: payload)
    }

    func testWebhooksAreVerifiedHandledOnceAndMoveTheSubscription() async throws {
        try await eachDatabase { server in
            let buyer = try await account(server, .buyer, "buyer@example.com")
            _ = try await card(server, buyer)
            let bought = try await purchase(server, buyer, plan: try await plan(server, "buyer_professional"))
            let subscriptionID = try XCTUnwrap(try bought.json()["id"] as? String)
            let end = try XCTUnwrap(try bought.json()["current_period_end"] as? String)
            let paid = event("evt_1", "invoice.paid", [
                "id": "in_1", "amount_paid": 3_480, "currency": "gbp", "metadata": ["eaglehurst_subscription_id": subscriptionID],
            ])

            let forged = try await deliver(server, paid, secret: "whsec_someone_else")
            XCTAssertEqual(forged.status, 400, forged.text)
            XCTAssertEqual(forged.headers.first(name: .contentType), "application/problem+json")
            let stale = try await deliver(server, paid, at: Date().addingTimeInterval(-301))
            XCTAssertEqual(stale.status, 400, stale.text)
            let unsigned = try await server.request(.POST, "/subscriptions/webhook", headers: ["Content-Type": "application/json"], bodyData: paid)
            XCTAssertEqual(unsigned.status, 400, unsigned.text)
            await XCTAssertEqualAsync(try await payments(server, buyer).count, 1, "nothing happened")

            let accepted = try await deliver(server, paid)
            XCTAssertEqual(accepted.status, 200, accepted.text)
            XCTAssertEqual(try accepted.json()["duplicate"] as? Bool, false)
            let extended = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()
            XCTAssertEqual(extended["current_period_start"] as? String, end, "the period is extended")
            let replayed = try await deliver(server, paid)
            XCTAssertEqual(replayed.status, 200, replayed.text)
            XCTAssertEqual(try replayed.json()["duplicate"] as? Bool, true)
            let unchanged = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()
            XCTAssertEqual(unchanged["current_period_end"] as? String, extended["current_period_end"] as? String, "a replay is a no-op")
            let afterPaid = try await payments(server, buyer)
            XCTAssertEqual(afterPaid.map(\.status), [.succeeded, .succeeded])
            XCTAssertEqual(afterPaid.last?.amountPence, 3_480)

            let failed = try await deliver(server, event("evt_2", "invoice.payment_failed", [
                "id": "in_2", "amount_due": 3_480, "currency": "gbp", "metadata": ["eaglehurst_subscription_id": subscriptionID],
            ]))
            XCTAssertEqual(failed.status, 200, failed.text)
            await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()["status"] as? String, "past_due")

            let deleted = try await deliver(server, event("evt_3", "customer.subscription.deleted", [
                "id": "sub_1", "metadata": ["eaglehurst_subscription_id": subscriptionID],
            ]))
            XCTAssertEqual(deleted.status, 200, deleted.text)
            let free = try await server.request(.GET, "/subscriptions/current", bearer: buyer.token).json()
            XCTAssertEqual((free["plan"] as? [String: Any])?["code"] as? String, "free")

            let other = try await deliver(server, event("evt_4", "charge.refunded", ["id": "ch_1"]))
            XCTAssertEqual(try other.json()["handled"] as? Bool, false)
            let garbage = Data("not json".utf8)
            await XCTAssertEqualAsync(try await deliver(server, garbage).status, 400)
        }
    }

    // MARK: plain rules

    func testCardRulesVATAndSignatures() throws {
        XCTAssertTrue(CardRules.luhnValid("4242424242424242"))
        XCTAssertFalse(CardRules.luhnValid("4242424242424241"))
        XCTAssertEqual(CardRules.brand(of: "5555555555554444"), "mastercard")
        XCTAssertEqual(CardRules.brand(of: "378282246310005"), "amex")
        let may2030 = ISO8601DateFormatter().date(from: "2030-05-15T12:00:00Z")!
        XCTAssertFalse(CardRules.isExpired(month: 5, year: 2030, now: may2030), "valid through the last day of its month")
        XCTAssertTrue(CardRules.isExpired(month: 4, year: 2030, now: may2030))
        XCTAssertEqual(TestCardOutcome(number: "4000000000009995"), .insufficientFunds)
        XCTAssertEqual(TestCardOutcome(number: "5555555555554444"), .succeeds)
        XCTAssertEqual(ChargeAmounts(net: 2_900).vat, 580)
        XCTAssertEqual(ChargeAmounts(net: 2_900).total, 3_480)
        XCTAssertEqual(ChargeAmounts(net: 3).vat, 1, "0.6p rounds up")
        XCTAssertEqual(ChargeAmounts(net: 2).vat, 0, "0.4p rounds down")

        let body = Data(#"{"id":"evt"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let header = StripeSignature.header(payload: body, timestamp: 1_800_000_000, secret: "whsec_x")
        XCTAssertNoThrow(try StripeSignature.verify(header: header, payload: body, secret: "whsec_x", now: now))
        XCTAssertThrowsError(try StripeSignature.verify(header: header, payload: Data(#"{"id":"evu"}"#.utf8), secret: "whsec_x", now: now))
        XCTAssertThrowsError(try StripeSignature.verify(header: header, payload: body, secret: "whsec_x", now: now.addingTimeInterval(301)))
        XCTAssertNoThrow(try StripeSignature.verify(header: header, payload: body, secret: "whsec_x", now: now.addingTimeInterval(299)))
        XCTAssertThrowsError(try StripeSignature.verify(header: "v1=abc", payload: body, secret: "whsec_x", now: now))
        XCTAssertNoThrow(try StripeSignature.verify(header: "t=1800000000,v1=00ff,\(header.split(separator: ",")[1])", payload: body, secret: "whsec_x", now: now), "any v1 may match")
    }
}
