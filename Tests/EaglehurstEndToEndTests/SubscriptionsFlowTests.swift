import Foundation
import XCTest

/// A buyer upgrades in a real terminal against the embedded demo server: `gs`, the Professional plan,
/// a new card typed as 4242 4242 4242 4242 (tokenized by the local gateway), the confirmation with
/// net, VAT and total, the payment; the usage bar then shows the new limit and the invoice is listed.
final class SubscriptionsFlowTests: EndToEndTestCase {
    func testABuyerUpgradesWithATestCardAndSeesTheNewLimitAndTheInvoice() throws {
        let tmux = try startDemo()
        try tmux.keys("s")
        try tmux.waitFor(timeout: 10, "the sign-in form") { $0.contains("Sign in to") }
        try type(tmux, "buyer@demo.eaglehurst.test")
        try tmux.keys("Tab")
        try type(tmux, "DemoBuyer1")
        try tmux.keys("Enter")
        try tmux.waitFor(timeout: 30, "the buyer signed in") { $0.contains("Signed in as") && $0.contains("buyer@demo.eaglehurst.test") }
        try tmux.waitFor(timeout: 20, "the browser") { $0.contains("All listings") }

        try type(tmux, "gs")
        let before = try tmux.waitFor(timeout: 20, "the free plan with its usage") {
            $0.contains("Your plan: Free · active") && $0.contains("Connection requests") && $0.contains("/3 this period")
        }
        XCTAssertTrue(before.contains("£29.00 a month + VAT"), before)
        XCTAssertTrue(before.contains("● your plan"), before)

        try tmux.keys("Enter")
        try tmux.waitFor(timeout: 10, "the card form") { $0.contains("A card for Professional") && $0.contains("Card number") }
        try type(tmux, "4242424242424242")
        try tmux.waitFor(timeout: 10, "the number grouped as typed") { $0.contains("4242 4242 4242 4242") }
        try tmux.keys("Tab")
        try type(tmux, "1234")
        try tmux.keys("Tab")
        try type(tmux, "123")
        let masked = try tmux.waitFor(timeout: 10, "the number masked once left") { $0.contains("•••• •••• •••• 4242") && $0.contains("12/34") }
        XCTAssertFalse(masked.contains("123 "), "the CVC shows as bullets")
        try tmux.keys("Enter")
        let review = try tmux.waitFor(timeout: 20, "the confirmation") { $0.contains("Confirm: Professional, monthly") && $0.contains("£34.80, charged now") }
        XCTAssertTrue(review.contains("Visa •••• 4242"), review)
        XCTAssertTrue(review.contains("£5.80"), review)

        try tmux.keys("y")
        try tmux.waitFor(timeout: 20, "the receipt") { $0.contains("Paid £34.80 (net £29.00 + VAT £5.80).") }
        try tmux.keys("Enter")
        let after = try tmux.waitFor(timeout: 20, "the new plan and its limit") {
            $0.contains("Your plan: Professional · monthly · active") && $0.contains("/25 this period")
        }
        XCTAssertTrue(after.contains("with Visa •••• 4242"), after)

        try tmux.keys("Tab", "Tab")
        let invoices = try tmux.waitFor(timeout: 20, "the invoice listed") { $0.contains("[Invoices (1)]") && $0.contains("Professional, monthly") }
        XCTAssertTrue(invoices.contains("succeeded"), invoices)
        XCTAssertTrue(invoices.contains("£34.80 GBP"), invoices)

        try tmux.keys("q")
        try tmux.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
    }
}
