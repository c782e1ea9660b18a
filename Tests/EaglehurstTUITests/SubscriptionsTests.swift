@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import Synchronization
import XCTest

/// Plans, subscriptions, cards and invoices as the server sends them, built from the contract's types
/// so a change of the contract breaks them at compile time.
enum PlanFixture {
    static let now = ListingFixture.now
    static let periodStart = Date(timeIntervalSince1970: 1_761_955_200) // 2025-11-01T00:00:00Z
    static let periodEnd = Date(timeIntervalSince1970: 1_764_547_200) // 2025-12-01T00:00:00Z
    static let userID = UUID(uuidString: Fixture.userID)!

    static func plan(_ n: Int, _ name: String, monthly: Int64, yearly: Int64, limit: Int?, features: [String]) -> SubscriptionPlan {
        SubscriptionPlan(
            id: ListingFixture.uuid(800 + n), code: "buyer_\(name.lowercased())", name: name, userType: .buyer,
            monthlyPricePence: monthly, yearlyPricePence: yearly, currency: "GBP", vatRatePercent: 20, connectionLimit: limit,
            features: features, isFree: monthly == 0, premiumPlacement: false, isActive: true)
    }

    static let free = plan(1, "Free", monthly: 0, yearly: 0, limit: 3, features: ["Browse and save listings", "3 connection requests a month"])
    static let professional = plan(2, "Professional", monthly: 2900, yearly: 29000, limit: 25,
                                   features: ["25 connection requests a month", "Email alerts for new listings"])
    static let enterprise = plan(3, "Enterprise", monthly: 9900, yearly: 99000, limit: nil,
                                 features: ["Unlimited connection requests", "Priority support", "Team seats for up to five people"])
    static let plans = [free, professional, enterprise]

    static func subscription(_ plan: SubscriptionPlan, cycle: BillingCycle? = nil, card: UUID? = nil, cancelled: Bool = false) -> UserSubscription {
        UserSubscription(
            id: ListingFixture.uuid(900), userId: userID, plan: plan, status: .active, startedAt: periodStart,
            currentPeriodStart: periodStart, currentPeriodEnd: periodEnd, expiresAt: cancelled ? periodEnd : nil,
            cancelAtPeriodEnd: cancelled, billingCycle: plan.isFree ? nil : cycle ?? .monthly, paymentMethodId: card,
            renewsAt: plan.isFree || cancelled ? nil : periodEnd)
    }

    static func usage(_ plan: SubscriptionPlan, used: Int) -> PlanUsage {
        PlanUsage(subscriptionId: ListingFixture.uuid(900), planName: plan.name, periodStart: periodStart, periodEnd: periodEnd,
                  connectionsUsed: used, connectionsLimit: plan.connectionLimit, listingsUsed: 0)
    }

    static func card(_ n: Int, brand: String = "visa", last4: String = "4242", isDefault: Bool) -> PaymentCard {
        PaymentCard(id: ListingFixture.uuid(700 + n), brand: brand, last4: last4, expMonth: 12, expYear: 2034, isDefault: isDefault, createdAt: periodStart)
    }

    static func invoice(_ n: Int, _ plan: SubscriptionPlan, status: Components.Schemas.PaymentStatus = .succeeded, reason: String? = nil) -> Invoice {
        let amounts = Subscriptions.amounts(plan, .monthly)
        return Invoice(
            id: ListingFixture.uuid(600 + n), amountPence: amounts.total, netPence: amounts.net, vatPence: amounts.vat, vatRatePercent: 20,
            planName: plan.name, billingCycle: .monthly, failureReason: reason, currency: "GBP", status: status,
            description: "\(plan.name) plan, monthly", planId: plan.id, gatewayPaymentId: "pay_local_\(n)",
            periodStart: periodStart, periodEnd: periodEnd, paidAt: status == .succeeded ? periodStart : nil,
            createdAt: periodStart.addingTimeInterval(Double(n) * 3600))
    }

    static let config = PaymentConfig(gateway: .local, tokensUrl: "/api/v1/payments/local/tokens",
                                      testCards: ["4242 4242 4242 4242", "4000 0000 0000 0002"])

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}

/// The server's side of a buyer's subscription, changed by the requests the screen makes.
struct PlanWorld: Sendable {
    var current = PlanFixture.subscription(PlanFixture.free)
    var usage = PlanFixture.usage(PlanFixture.free, used: 2)
    var cards: [PaymentCard] = []
    var invoices: [Invoice] = []
    /// What the next purchases answer before the payment goes through (a decline, no answer).
    var purchaseRefusals: [StubTransport.Answer] = []

    mutating func answer(_ request: StubTransport.Request) -> StubTransport.Answer {
        func ok<T: Encodable>(_ value: T, status: Int = 200) -> StubTransport.Answer { .json(status: status, body: PlanFixture.json(value)) }
        switch request.operationID {
        case "subscriptionsCurrent": return ok(current)
        case "subscriptionsUsage": return ok(usage)
        case "subscriptionsPlans": return ok(Components.Schemas.PlanPage(items: PlanFixture.plans, page: 1, perPage: 100, total: 3))
        case "subscriptionsListPaymentMethods": return ok(Components.Schemas.PaymentMethodPage(items: cards, page: 1, perPage: 100, total: cards.count))
        case "subscriptionsInvoices": return ok(Components.Schemas.InvoicePage(items: invoices.reversed(), page: 1, perPage: 50, total: invoices.count))
        case "subscriptionsPaymentConfig": return ok(PlanFixture.config)
        case "paymentsLocalCreateToken":
            return ok(Components.Schemas.LocalCardToken(token: "tok_local_\(cards.count + 1)", brand: "visa", last4: "4242", expMonth: 12, expYear: 2034), status: 201)
        case "subscriptionsAddPaymentMethod":
            let card = PlanFixture.card(cards.count + 1, isDefault: cards.isEmpty || request.bodyText.contains(#""set_default":true"#))
            if card.isDefault { for index in cards.indices { cards[index].isDefault = false } }
            cards.append(card)
            return ok(card, status: 201)
        case "subscriptionsDeletePaymentMethod":
            cards.removeAll { request.path.hasSuffix($0.id.uuidString.lowercased()) || request.path.hasSuffix($0.id.uuidString) }
            return .empty(status: 204)
        case "subscriptionsPurchase":
            if !purchaseRefusals.isEmpty { return purchaseRefusals.removeFirst() }
            let plan = PlanFixture.plans.first { $0.id.uuidString.lowercased() == request.field("plan_id")?.lowercased() } ?? PlanFixture.free
            current = PlanFixture.subscription(plan, card: cards.first?.id)
            usage = PlanFixture.usage(plan, used: 2)
            invoices.append(PlanFixture.invoice(invoices.count + 1, plan))
            return ok(current)
        case "subscriptionsCancel":
            current = PlanFixture.subscription(current.plan, card: current.paymentMethodId, cancelled: true)
            return ok(current)
        default:
            return .unreachable
        }
    }
}

/// A stand-in server holding one buyer's `PlanWorld`.
final class PlanServer: Sendable {
    let world: Mutex<PlanWorld>

    init(_ world: PlanWorld) { self.world = Mutex(world) }

    var stub: StubTransport {
        StubTransport { [self] request in world.withLock { $0.answer(request) } }
    }
}

final class SubscriptionsTests: XCTestCase {
    static let size = Size(width: 120, height: 40)

    /// A signed-in buyer who pressed `gs`, with every answer in.
    func open(_ world: PlanServer, size: Size = SubscriptionsTests.size) async throws -> (Harness, EffectRunner, StubTransport) {
        let stub = world.stub
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer", size: size)
        app.press("gs")
        XCTAssertEqual(app.state.screen, .subscriptions)
        await app.run(runner)
        return (app, runner, stub)
    }

    func testTheFreePlanWithItsUsageAndThePlansSideBySide() async throws {
        var (app, _, stub) = try await open(PlanServer(PlanWorld()))
        XCTAssertEqual(stub.requests("subscriptionsPlans").first?.query("user_type"), ["buyer"], "only the buyer's plans")
        XCTAssertEqual(app.line(containing: "Your plan"), " Your plan: Free · active")
        XCTAssertEqual(app.line(containing: "Connection requests"), "   Connection requests  ████████████████████░░░░░░░░░░  2/3 this period · resets 1 Dec 2025")
        XCTAssertNotNil(app.line(containing: "● your plan"), "the current plan is marked")
        XCTAssertEqual(app.state.subscriptions.selectedPlan?.name, "Professional", "the cursor starts on the next plan up")
        XCTAssertNotNil(app.line(containing: "£29.00 a month + VAT"), app.text)
        XCTAssertNotNil(app.line(containing: "£5.80 VAT · £34.80 in all"), app.text)
        try assertGolden(app.lines, "subscriptions-plans-120x40")

        app.press("y")
        XCTAssertNotNil(app.line(containing: "£290.00 a year + VAT"), app.text)
        XCTAssertNotNil(app.line(containing: "£58.00 VAT · £348.00 in all"), app.text)
        XCTAssertNotNil(app.line(containing: "prices: yearly (y: monthly)"))
    }

    func testANarrowTerminalShowsThePlansAsATable() async throws {
        let (app, _, _) = try await open(PlanServer(PlanWorld()), size: Size(width: 80, height: 24))
        XCTAssertNotNil(app.line(containing: "Net   With VAT"), app.text)
        XCTAssertEqual(app.line(containing: "Professional")?.contains("£29.00     £34.80"), true, app.text)
        XCTAssertEqual(app.line(containing: "Free ●")?.isEmpty, false, "the current plan is marked")
    }

    func testUpgradingWithANewCardSendsTheNumberOnlyToTheTokenizerAndChargesOnce() async throws {
        let world = PlanServer(PlanWorld())
        var (app, runner, stub) = try await open(world)
        app.press("<enter>")
        XCTAssertEqual(app.state.context, .cardForm, "with no saved card, a new one is asked for")
        app.press("4242424242424241<tab>")
        XCTAssertNotNil(app.line(containing: "card number does not add up (Luhn): check the digits"), app.text)
        XCTAssertNotNil(app.line(containing: "•••• •••• •••• 4241"), "the number is masked once left")
        app.press("<s-tab><bs>2")
        XCTAssertNotNil(app.line(containing: "4242 4242 4242 4242"), "grouped in fours while typed")
        app.press("<tab>1220<tab>12")
        app.press("<enter>")
        XCTAssertEqual(app.errorLine, " Please fix the marked fields.")
        XCTAssertNotNil(app.line(containing: "expiry has passed: the card has expired"), app.text)
        XCTAssertNotNil(app.line(containing: "cvc must be the 3 digits on the card"), app.text)
        XCTAssertTrue(stub.requests.filter { $0.operationID.hasPrefix("payments") || $0.operationID == "subscriptionsAddPaymentMethod" }.isEmpty,
                      "nothing is sent while the card breaks the rules")
        try assertGolden(app.lines, "subscriptions-card-form-120x40")
        XCTAssertEqual(app.state.subscriptions.cardEntry?.focus, .expiry, "the first bad field has the focus")
        app.press("<c-u>1234<tab>3<enter>")
        XCTAssertEqual(app.state.subscriptions.cardEntry?.cvc, "", "the CVC leaves the state as the details go to the tokenizer")
        await app.run(runner)

        let tokenRequest = try XCTUnwrap(stub.requests("paymentsLocalCreateToken").first)
        XCTAssertEqual(try json(tokenRequest), ["number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"] as NSDictionary)
        let added = try XCTUnwrap(stub.requests("subscriptionsAddPaymentMethod").first)
        XCTAssertEqual(try json(added), ["token": "tok_local_1", "set_default": true] as NSDictionary, "the server gets the token only")
        XCTAssertTrue(stub.requests.filter { $0.operationID != "paymentsLocalCreateToken" }.allSatisfy { !$0.bodyText.contains("4242424242") })

        XCTAssertEqual(app.state.context, .checkoutReview, "the new card goes straight to the confirmation")
        app.state.subscriptions.checkout?.reviewedAt = PlanFixture.now
        app.render()
        XCTAssertNotNil(app.line(containing: "Net        £29.00"), app.text)
        XCTAssertNotNil(app.line(containing: "VAT 20%    £5.80"), app.text)
        XCTAssertNotNil(app.line(containing: "Total      £34.80, charged now"), app.text)
        XCTAssertNotNil(app.line(containing: "Renews     26 Dec 2025, then every month until cancelled"), app.text)
        try assertGolden(app.lines, "subscriptions-confirm-120x40")
        XCTAssertEqual(stub.requests("subscriptionsPurchase").count, 0, "nothing is charged before the confirmation")

        app.press("y")
        await app.run(runner)
        let purchase = try XCTUnwrap(stub.requests("subscriptionsPurchase").first)
        XCTAssertEqual(try json(purchase), ["plan_id": ListingFixture.id(802), "billing_cycle": "monthly", "payment_method_id": ListingFixture.id(701)] as NSDictionary)
        XCTAssertNotNil(UUID(uuidString: purchase.idempotencyKey ?? ""), "the purchase carries an Idempotency-Key")
        XCTAssertEqual(app.errorLine, " You are on Professional now.")
        XCTAssertNotNil(app.line(containing: "Paid £34.80 (net £29.00 + VAT £5.80)."), app.text)
        app.press("<enter>")
        XCTAssertNil(app.state.subscriptions.checkout)
        XCTAssertEqual(app.line(containing: "Connection requests"), "   Connection requests  ███░░░░░░░░░░░░░░░░░░░░░░░░░░░  2/25 this period · resets 1 Dec 2025", "the bar shows the new limit")
        XCTAssertEqual(app.line(containing: "Your plan:"), " Your plan: Professional · monthly · active")
        app.press("<tab><tab>")
        XCTAssertEqual(app.line(containing: "Professional, monthly")?.contains("£34.80 succeeded"), true, app.text)
    }

    func testADeclineSaysWhyChangesNothingAndANewTryGetsANewKey() async throws {
        let declined = StubTransport.problem(402, "The payment was declined",
                                             detail: "Your card was declined. (card_declined). Nothing was charged and your plan is unchanged; use another card or try again later.")
        let world = PlanServer(PlanWorld(cards: [PlanFixture.card(1, isDefault: true), PlanFixture.card(2, brand: "mastercard", last4: "4444", isDefault: false)],
                                    purchaseRefusals: [.json(status: 402, body: declined)]))
        var (app, runner, stub) = try await open(world)
        app.press("j<enter>")
        XCTAssertEqual(app.state.subscriptions.checkout?.plan.name, "Enterprise")
        XCTAssertEqual(app.state.context, .checkout)
        XCTAssertNotNil(app.line(containing: "▸ Visa •••• 4242   expires 12/34   default"), "the default card is chosen first")
        app.press("<enter>")
        let firstKey = try XCTUnwrap(app.state.subscriptions.checkout?.idempotencyKey)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Not paid: The payment was declined.")
        XCTAssertEqual(app.state.subscriptions.checkout?.problem, "The payment was declined. Your card was declined. (card_declined). Nothing was charged and your plan is unchanged; use another card or try again later.")
        XCTAssertNotNil(app.line(containing: "The payment was declined. Your card was declined."), app.text)
        XCTAssertEqual(app.state.subscriptions.current?.plan.name, "Free", "a decline changes nothing")
        XCTAssertEqual(app.state.context, .checkoutReview)
        XCTAssertNotEqual(app.state.subscriptions.checkout?.idempotencyKey, firstKey, "a settled decline makes the next try a new purchase")

        app.press("<esc>j<enter>")
        let secondKey = try XCTUnwrap(app.state.subscriptions.checkout?.idempotencyKey)
        XCTAssertNotEqual(firstKey, secondKey, "another card is another purchase")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(stub.requests("subscriptionsPurchase").map(\.idempotencyKey), [firstKey, secondKey])
        XCTAssertEqual(try json(stub.requests("subscriptionsPurchase")[1])["payment_method_id"] as? String, ListingFixture.id(702))
        XCTAssertEqual(app.state.subscriptions.current?.plan.name, "Enterprise")
        XCTAssertEqual(app.line(containing: "Connection requests")?.hasSuffix("  2 this period, no limit · resets 1 Dec 2025"), true, app.text)
    }

    func testARetryAfterNoAnswerSendsTheSameKey() async throws {
        let world = PlanServer(PlanWorld(cards: [PlanFixture.card(1, isDefault: true)], purchaseRefusals: [.unreachable]))
        var (app, runner, stub) = try await open(world)
        app.press("<enter><enter><enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.subscriptions.checkout?.problem,
                       "server unreachable: connection refused. y tries again with the same purchase key, so you are charged at most once.")
        XCTAssertNotNil(app.line(containing: "server unreachable: connection refused. y tries again"), app.text)
        app.press("<enter>")
        await app.run(runner)
        let keys = stub.requests("subscriptionsPurchase").map(\.idempotencyKey)
        XCTAssertEqual(keys.count, 2)
        XCTAssertEqual(keys[0], keys[1], "a retry of the same purchase is charged at most once")
        XCTAssertEqual(app.errorLine, " You are on Professional now.")
    }

    func testCancellingAsksWithTheEndDateAndKeepsThePlanUntilThen() async throws {
        let card = PlanFixture.card(1, isDefault: true)
        let world = PlanServer(PlanWorld(current: PlanFixture.subscription(PlanFixture.professional, card: card.id),
                                         usage: PlanFixture.usage(PlanFixture.professional, used: 4), cards: [card]))
        var (app, runner, stub) = try await open(world)
        XCTAssertEqual(app.line(containing: "Renews"), "   Renews 1 Dec 2025 at £34.80 with Visa •••• 4242. Default card: Visa •••• 4242.")
        app.press("X")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("a confirm dialog opens") }
        XCTAssertEqual(dialog.question, "Really cancel your plan at the end of the paid period? “Professional stays until 1 Dec 2025, then the free plan”")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(try json(XCTUnwrap(stub.requests("subscriptionsCancel").first)), ["at_period_end": true] as NSDictionary)
        XCTAssertEqual(app.errorLine, " Cancelled: Professional stays until 1 Dec 2025, then the free plan.")
        XCTAssertEqual(app.line(containing: "Your plan:"), " Your plan: Professional · monthly · cancelled")
        app.press("X")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " Already cancelled: Professional ends 1 Dec 2025.")
    }

    func testTheFreePlanHasNothingToCancel() async throws {
        var (app, _, _) = try await open(PlanServer(PlanWorld()))
        app.press("X")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " You are on the free plan: there is nothing to cancel.")
    }

    func testCardsAreListedAndRemovedAfterAConfirm() async throws {
        let world = PlanServer(PlanWorld(cards: [PlanFixture.card(1, isDefault: true), PlanFixture.card(2, brand: "mastercard", last4: "4444", isDefault: false)]))
        var (app, runner, stub) = try await open(world)
        app.press("<tab>")
        XCTAssertEqual(app.state.context, .paymentMethods)
        try assertGolden(app.lines, "subscriptions-cards-120x40")
        app.press("jd")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("a confirm dialog opens") }
        XCTAssertEqual(dialog.question, "Really remove the selected card? “Mastercard •••• 4444”")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(stub.requests("subscriptionsDeletePaymentMethod").first?.path.hasSuffix(ListingFixture.id(702)), true)
        XCTAssertEqual(app.errorLine, " Mastercard •••• 4444 is removed.")
        XCTAssertEqual(app.state.subscriptions.cards.map(\.last4), ["4242"])
    }

    func testInvoicesWithNetVATAndTotalBesideThem() async throws {
        let world = PlanServer(PlanWorld(
            current: PlanFixture.subscription(PlanFixture.professional), usage: PlanFixture.usage(PlanFixture.professional, used: 4),
            cards: [PlanFixture.card(1, isDefault: true)],
            invoices: [PlanFixture.invoice(1, PlanFixture.professional),
                       PlanFixture.invoice(2, PlanFixture.enterprise, status: .failed, reason: "Your card was declined.")]))
        var (app, _, _) = try await open(world)
        app.press("<tab><tab>")
        XCTAssertEqual(app.state.context, .invoices)
        XCTAssertNotNil(app.line(containing: "Refused     Your card was declined."), app.text)
        XCTAssertNotNil(app.line(containing: "Total       £118.80 GBP"), app.text)
        try assertGolden(app.lines, "subscriptions-invoices-120x40")
        app.press("j")
        XCTAssertNotNil(app.line(containing: "VAT 20%     £5.80"), app.text)
        XCTAssertNotNil(app.line(containing: "Total       £34.80 GBP"), app.text)
    }

    func testAFailedReloadKeepsWhatWasShownMarkedStale() async throws {
        let world = PlanServer(PlanWorld(cards: [PlanFixture.card(1, isDefault: true)]))
        let stub = StubTransport { request in
            request.operationID == "subscriptionsUsage" && world.world.withLock { $0.cards.isEmpty } ? .unreachable : world.world.withLock { $0.answer(request) }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer", size: Self.size)
        app.press("gs")
        await app.run(runner)
        world.world.withLock { $0.cards = [] }
        app.press("r")
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Could not load your usage: server unreachable: connection refused")
        XCTAssertEqual(app.line(containing: "Connection requests")?.contains("2/3"), true, "the last usage stays on screen")
        XCTAssertEqual(app.line(containing: "Your plan:")?.hasSuffix("stale"), true, app.text)
    }

    func testASellerSeesListingsAgainstThePlan() async throws {
        let seller = PlanFixture.plan(4, "Seller Free", monthly: 0, yearly: 0, limit: nil, features: ["1 active listing"])
        var world = PlanWorld(current: PlanFixture.subscription(seller))
        world.usage = PlanUsage(subscriptionId: ListingFixture.uuid(900), planName: "Free", periodStart: PlanFixture.periodStart,
                                periodEnd: PlanFixture.periodEnd, connectionsUsed: 0, listingsUsed: 1, listingsLimit: 1)
        let stub = PlanServer(world).stub
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("seller", size: Self.size)
        app.press("gs")
        await app.run(runner)
        XCTAssertEqual(stub.requests("subscriptionsPlans").first?.query("user_type"), ["seller"])
        XCTAssertEqual(app.line(containing: "Active listings"), "   Active listings      ██████████████████████████████  1/1 active now")

        var yearly = PlanWorld(current: PlanFixture.subscription(PlanFixture.enterprise, cycle: .yearly))
        yearly.usage = PlanFixture.usage(PlanFixture.enterprise, used: 7)
        let (other, _, _) = try await open(PlanServer(yearly))
        XCTAssertNotNil(other.line(containing: "prices: yearly (y: monthly)"), "prices start in the cycle of the plan you have")
        XCTAssertNotNil(other.line(containing: "7 this period, no limit · resets 1 Dec 2025"), other.text)
    }

    func testGivingUpTheOnlyCardStopsTheUpgrade() async throws {
        var (app, _, stub) = try await open(PlanServer(PlanWorld()))
        app.press("<enter>")
        XCTAssertEqual(app.state.context, .cardForm)
        app.press("<esc>")
        XCTAssertNil(app.state.subscriptions.checkout)
        XCTAssertEqual(app.errorLine, " Nothing was bought.")
        XCTAssertEqual(stub.requests("subscriptionsPurchase").count, 0)
    }

    func testWithStripeTheCardGoesToStripeWithThePublishableKeyAndOnlyItsIdToTheServer() async throws {
        let world = PlanServer(PlanWorld())
        let stub = StubTransport { request in
            switch request.operationID {
            case "subscriptionsPaymentConfig":
                .json(status: 200, body: PlanFixture.json(PaymentConfig(gateway: .stripe, publishableKey: "pk_test_abc", tokensUrl: "https://api.stripe.test/v1/payment_methods")))
            case "stripeCreatePaymentMethod":
                .json(status: 200, body: #"{"id":"pm_1Abc","object":"payment_method"}"#)
            default:
                world.world.withLock { $0.answer(request) }
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer", size: Self.size)
        app.press("gs")
        await app.run(runner)
        app.press("<tab>a4242424242424242<tab>1234<tab>123<enter>")
        await app.run(runner)
        let toStripe = try XCTUnwrap(stub.requests("stripeCreatePaymentMethod").first)
        XCTAssertEqual(toStripe.path, "/v1/payment_methods")
        XCTAssertEqual(toStripe.authorization, "Bearer pk_test_abc", "the publishable key, never this server's session")
        XCTAssertEqual(toStripe.bodyText, "type=card&card%5Bnumber%5D=4242424242424242&card%5Bexp_month%5D=12&card%5Bexp_year%5D=2034&card%5Bcvc%5D=123")
        XCTAssertEqual(try json(XCTUnwrap(stub.requests("subscriptionsAddPaymentMethod").first)), ["token": "pm_1Abc", "set_default": true] as NSDictionary)
        XCTAssertEqual(stub.requests("paymentsLocalCreateToken").count, 0)
        XCTAssertEqual(app.errorLine, " Visa •••• 4242 is saved as your default card.")
    }

    func testAnAdminHasNoPlan() {
        var app = Harness.signedIn("admin")
        app.press("gs")
        XCTAssertNotEqual(app.state.screen, .subscriptions)
        XCTAssertEqual(app.errorLine, " Subscriptions are for buyers and sellers.")
        XCTAssertFalse(app.effects.contains { if case .subscriptions = $0 { true } else { false } }, "nothing is asked for")
    }

    func json(_ request: StubTransport.Request) throws -> NSDictionary {
        try XCTUnwrap(JSONSerialization.jsonObject(with: request.body) as? NSDictionary)
    }
}

/// The card rules, checked before anything is sent.
final class CardEntryTests: XCTestCase {
    func type(_ text: String, into entry: inout CardEntry) {
        for c in text { _ = entry.edit(.character(c)) }
    }

    func testLuhn() {
        XCTAssertTrue(CardEntry.passesLuhn("4242424242424242"))
        XCTAssertTrue(CardEntry.passesLuhn("4000002500003155"))
        XCTAssertTrue(CardEntry.passesLuhn("378282246310005"))
        XCTAssertFalse(CardEntry.passesLuhn("4242424242424241"))
        XCTAssertFalse(CardEntry.passesLuhn(""))
    }

    func testDigitsOnlyGroupedMaskedAndCapped() {
        var entry = CardEntry()
        type("4242-4242 4242a4242 99999", into: &entry)
        XCTAssertEqual(entry.number, "4242424242424242999", "only digits, at most 19")
        XCTAssertEqual(entry.groupedNumber, "4242 4242 4242 4242 999")
        XCTAssertEqual(entry.maskedNumber, "•••• •••• •••• •••2 999")
        XCTAssertEqual(entry.brand, "Visa")
    }

    func testExpiryIsGoodThroughItsLastMonth() {
        let now = Date(timeIntervalSince1970: 1_764_149_400) // 26 Nov 2025
        var entry = CardEntry()
        entry.focus = .expiry
        type("1125", into: &entry)
        XCTAssertEqual(entry.expiryText, "11/25")
        XCTAssertNil(entry.problem(.expiry, now: now))
        _ = entry.edit(.control("u"))
        type("1025", into: &entry)
        XCTAssertEqual(entry.problem(.expiry, now: now), "has passed: the card has expired")
        _ = entry.edit(.control("u"))
        type("1330", into: &entry)
        XCTAssertEqual(entry.problem(.expiry, now: now), "must be MM/YY, e.g. 12/30")
    }

    func testAmexWantsFourDigitsOfCVC() {
        var entry = CardEntry()
        type("378282246310005", into: &entry)
        entry.focus = .expiry
        type("1230", into: &entry)
        entry.focus = .cvc
        type("123", into: &entry)
        XCTAssertEqual(entry.problem(.cvc, now: Date()), "must be the 4 digits on the card")
        type("4", into: &entry)
        XCTAssertNil(entry.problem(.cvc, now: Date()))
        XCTAssertEqual(entry.details?.description.contains("3782"), false, "printing the details shows the last four only")
    }
}
