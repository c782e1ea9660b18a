import Foundation
import XCTest

/// Two people in two real terminals on one server: the demo buyer asks about a listing, the demo
/// seller sees the notification, opens it and accepts, and each sees the other's message arrive
/// without pressing a key.
final class ConversationFlowTests: EndToEndTestCase {
    func testBuyerAsksSellerAcceptsAndBothSeeMessagesArrive() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let server = try BuiltProducts.path("eaglehurst-server")
        let port = try freePort()
        let serverTerminal = try TmuxSession(environment: ["EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("data").path])
        try serverTerminal.run("\(server) seed-demo && \(server) serve --port \(port)")
        try serverTerminal.waitFor(timeout: 90, "the server to start") { $0.contains("Server started on http://127.0.0.1:") }

        let buyer = try client("buyer")
        let seller = try client("seller")
        for (terminal, email, password) in [(buyer, "buyer@demo.eaglehurst.test", "DemoBuyer1"), (seller, "seller@demo.eaglehurst.test", "DemoSeller1")] {
            try startAndSignIn(terminal, eaglehurst: eaglehurst, server: "http://127.0.0.1:\(port)", email: email, password: password)
        }
        // The demo seller already has a request waiting, so lands on the threads; an unread message too:
        // the count is on every screen.
        try seller.waitFor(timeout: 20, "the seller on the threads") { $0.contains("Eaglehurst  ·  Messages") }
        try seller.waitFor(timeout: 20, "the unread count in the status bar") { $0.contains(" 2 unread ") }

        // The buyer opens the third newest listing (the demo buyer asked about the two newest) and asks.
        try command(buyer, "listings")
        try buyer.waitFor(timeout: 20, "the listings") { $0.contains("All listings") && $0.contains("1–") }
        try buyer.keys("j", "j", "Enter")
        let detail = try buyer.waitFor(timeout: 20, "the listing") { $0.contains("Asking price") && $0.contains("c connect") }
        let title = try XCTUnwrap(detail.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).first.map { $0.trimmingCharacters(in: .whitespaces) })
        try buyer.keys("c")
        try buyer.waitFor(timeout: 20, "the plan's requests left") { $0.contains("1 of 3 requests left this month") }
        try type(buyer, "Is the partnership lease secure for ten years?")
        try buyer.keys("Enter")
        try buyer.waitFor(timeout: 20, "the request sent") { $0.contains("Request sent to Samuel Seller") }
        try buyer.keys("g", "t")
        try buyer.waitFor(timeout: 20, "the waiting request in the buyer's threads") {
            $0.contains("Samuel Seller [waiting]") && $0.contains("request waiting for the seller's answer") && $0.contains("Is the partnership lease secure")
        }

        // The seller is told without pressing a key, opens the notification and accepts.
        try seller.waitFor(timeout: 30, "the new request counted") { $0.contains(" 3 unread ") }
        try seller.keys("g", "n")
        try seller.waitFor(timeout: 20, "the notification") { $0.contains("● New request about \(title.prefix(12))") }
        try seller.keys("Enter")
        try seller.waitFor(timeout: 20, "the request's thread") {
            $0.contains("asks to connect: a accepts") && $0.contains("Is the partnership lease secure") && $0.contains(title)
        }
        try seller.keys("a")
        try seller.waitFor(timeout: 10, "the answer prompt") { $0.contains("Accept Beatrice Buyer's request") }
        try type(seller, "Welcome, happy to talk.")
        try seller.keys("Enter")
        try seller.waitFor(timeout: 20, "the acceptance") { $0.contains("Accepted Beatrice Buyer's request") && $0.contains("· connected") }

        // The buyer's open thread shows the answer on its own, and the buyer replies.
        try buyer.waitFor(timeout: 30, "the seller's answer arriving") { $0.contains("Welcome, happy to talk.") && $0.contains("· connected") }
        try buyer.keys("Enter")
        try buyer.waitFor(timeout: 10, "the compose box") { $0.contains("message (Enter sends)") }
        try type(buyer, "Thank you! When could I visit?")
        try buyer.keys("Enter")
        try buyer.waitFor(timeout: 20, "the reply sent") { $0.contains("You · ") && $0.contains("Thank you! When could I visit?") }

        // The seller, still on the thread, sees it arrive without pressing a key.
        let arrived = try seller.waitFor(timeout: 30, "the buyer's reply arriving") { $0.contains("Thank you! When could I visit?") }
        XCTAssertTrue(arrived.contains("Beatrice Buyer · "), arrived)

        for terminal in [buyer, seller] {
            try terminal.keys("Escape")
            try terminal.keys("q")
            try terminal.waitFor(timeout: 20, "the client to quit") { $0.replacingOccurrences(of: "\n", with: "").contains("exit=0") }
        }
        try serverTerminal.keys("C-c")
    }
}
