import Foundation
import XCTest

/// The dashboards in a real terminal on the embedded demo server, whose seed records four weeks of
/// activity: the demo seller's listings with their view trends, then the admin's marketplace with its
/// queues, charts and the health panel, and a queue opened from it.
final class DashboardFlowTests: EndToEndTestCase {
    /// A sign-out lands on the form, which keeps the last address and starts on the password: back to
    /// the address first, cleared.
    func signIn(_ tmux: TmuxSession, _ email: String, _ password: String, afterAnother: Bool = false) throws {
        if !afterAnother { try command(tmux, "signin") }
        try tmux.waitFor(timeout: 10, "the sign-in form") { $0.contains("Sign in to") }
        if afterAnother { try tmux.keys("BTab", "C-u") }
        try type(tmux, email)
        try tmux.keys("Tab", "C-u")
        try type(tmux, password)
        try tmux.keys("Enter")
        try tmux.waitFor(timeout: 30, "signed in as \(email)") { $0.contains("Signed in as") && $0.contains(email) }
    }

    func testTheSellersAndTheAdminsDashboardsOnDemoData() throws {
        let tmux = try startDemo()

        try signIn(tmux, "seller@demo.eaglehurst.test", "DemoSeller1")
        try type(tmux, "gd")
        let seller = try tmux.waitFor(timeout: 30, "the seller's dashboard") {
            $0.contains("Your listings · the last 30 days") && $0.contains("Views of your listings by day") && $0.contains("Trend")
        }
        XCTAssertTrue(seller.contains("┤"), "a line chart with its axis:\n\(seller)")
        XCTAssertTrue(seller.contains { ("\u{2801}"..."\u{28FF}").contains($0) }, "drawn in braille cells:\n\(seller)")
        XCTAssertTrue(seller.contains { "▂▃▄▅▆▇█".contains($0) }, "the listings' trends as sparklines:\n\(seller)")
        try tmux.keys("p")
        try tmux.waitFor(timeout: 30, "the 90-day period") { $0.contains("the last 90 days") }
        try tmux.keys("Left")
        try tmux.waitFor(timeout: 10, "the cursor a day back") { $0.range(of: #"\d+ [A-Z][a-z]{2}: \d"#, options: .regularExpression) != nil }

        try command(tmux, "signout")
        try tmux.waitFor(timeout: 20, "signed out") { $0.contains("Signed out") }
        try signIn(tmux, "admin@demo.eaglehurst.test", "DemoAdmin1", afterAnother: true)
        try type(tmux, "gd")
        let admin = try tmux.waitFor(timeout: 30, "the admin's dashboard") {
            $0.contains("The marketplace · the last 30 days") && $0.contains("Queues (Enter opens)") && $0.contains("● ok")
        }
        XCTAssertTrue(admin.contains("New users by day"), admin)
        XCTAssertTrue(admin.contains("Funnel of the period's users") && admin.contains("registered"), admin)
        XCTAssertTrue(admin.contains("Revenue by plan"), "the demo's paid plans:\n\(admin)")
        XCTAssertTrue(admin.contains("jobs "), "the job backlog in the health panel:\n\(admin)")

        // The third queue, open service requests, leads to the service desk.
        try tmux.keys("j", "j", "Enter")
        try tmux.waitFor(timeout: 20, "the service desk") { $0.contains("Service desk · open") }

        try tmux.keys("q")
        try tmux.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
    }
}
