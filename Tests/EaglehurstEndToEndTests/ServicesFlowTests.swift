import Foundation
import XCTest

/// Two real terminals on one server: the demo buyer asks for a valuation of a listing they are in
/// touch about, the demo admin takes it at the service desk, assigns a provider and answers with a
/// report on the provider's behalf, and the buyer sees the answer arrive and saves the report.
final class ServicesFlowTests: EndToEndTestCase {
    func testBuyerAsksForAValuationTheDeskAnswersWithAReportTheBuyerSavesIt() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let server = try BuiltProducts.path("eaglehurst-server")
        let port = try freePort()
        let serverTerminal = try TmuxSession(environment: ["EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("data").path])
        try serverTerminal.run("\(server) seed-demo && \(server) serve --port \(port)")
        try serverTerminal.waitFor(timeout: 90, "the server to start") { $0.contains("Server started on http://127.0.0.1:") }

        // The provider's report: a real PDF, checked by its content on upload.
        let report = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
        let reportPath = sandbox.appendingPathComponent("valuation-report.pdf")
        try report.write(to: reportPath)
        let downloads = sandbox.appendingPathComponent("downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)

        let buyer = try client("buyer")
        let admin = try client("admin")
        for (terminal, email, password) in [(buyer, "buyer@demo.eaglehurst.test", "DemoBuyer1"), (admin, "admin@demo.eaglehurst.test", "DemoAdmin1")] {
            // The clients run in the downloads folder, where a saved document goes by default.
            try startAndSignIn(terminal, eaglehurst: eaglehurst, server: "http://127.0.0.1:\(port)", email: email, password: password, in: downloads)
        }

        // The buyer opens the newest listing, which the demo buyer has asked about, and presses v.
        try buyer.waitFor(timeout: 20, "the listings") { $0.contains("All listings") && $0.contains("1–") }
        try buyer.keys("Enter")
        let detail = try buyer.waitFor(timeout: 20, "the listing") { $0.contains("Asking price") && $0.contains("v valuation/legal") }
        let title = try XCTUnwrap(detail.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).first.map { $0.trimmingCharacters(in: .whitespaces) })
        try buyer.keys("v")
        try buyer.waitFor(timeout: 20, "the kinds of request") { $0.contains("What do you need?") && $0.contains("Business valuation (valuation)") }
        // Templates come by name: Accounts review, Acquisition finance, Business valuation…
        try buyer.keys("j", "j", "Enter")
        try buyer.waitFor(timeout: 20, "the form from the template") { $0.contains("New request: Business valuation") && $0.contains("valuation: \(title.prefix(15))") }
        try buyer.keys("Enter")
        try buyer.waitFor(timeout: 20, "the request sent and opened") { $0.contains("Sent: the service desk reviews") && $0.contains("● submitted") }

        // The admin goes from the moderation queue to the service desk, where the request waits.
        try admin.waitFor(timeout: 20, "the admin's queue") { $0.contains("Waiting for approval") }
        try admin.keys("d")
        try admin.waitFor(timeout: 20, "the desk with the request") { $0.contains("Service desk · open") && $0.contains("Beatrice Buyer") && $0.contains("[submitted]") }
        // Most urgent first: the demo's own high-urgency request in review, then the buyer's new one.
        try admin.keys("j", "Enter")
        try admin.waitFor(timeout: 20, "the request opened") { $0.contains("● submitted") && $0.contains("Business valuation: ") && $0.contains("m next step") }
        try admin.keys("m")
        try admin.waitFor(timeout: 20, "the request in review") { $0.contains("● in review") }
        try admin.keys("m")
        try admin.waitFor(timeout: 20, "the providers of valuations") { $0.contains("Assign a provider (valuation)") }
        try admin.keys("Enter")
        let assigned = try admin.waitFor(timeout: 20, "the provider assigned") { $0.contains("● assigned") && $0.contains("provider ") }
        XCTAssertTrue(assigned.contains("is assigned now"), assigned)
        try admin.keys("w")
        try admin.keys("i")
        try admin.waitFor(timeout: 10, "the compose box") { $0.contains("message (Enter sends)") && $0.contains("you write as the provider") }
        try type(admin, "Our valuation report is attached: 1.2m for goodwill and fixtures.")
        try admin.keys("Enter")
        try admin.waitFor(timeout: 20, "the message sent") { $0.contains("(written by the desk)") && $0.contains("Our valuation report is attached") }
        try admin.keys("Escape")
        try admin.keys("a")
        try admin.waitFor(timeout: 10, "the upload form") { $0.contains("Attach a document") && $0.contains("valuation_report") }
        try type(admin, reportPath.path)
        try admin.keys("Enter")
        try admin.waitFor(timeout: 20, "the report attached") { $0.contains("valuation-report.pdf is attached.") }

        // The buyer, still on the request, sees the answer and the report arrive without a key.
        let answered = try buyer.waitFor(timeout: 40, "the provider's answer and report arriving") {
            $0.contains("Our valuation report is attached") && $0.contains("valuation-report.pdf") && $0.contains("● assigned")
        }
        XCTAssertFalse(answered.contains("written by the desk"), "the buyer sees the provider's message as the provider's")
        try buyer.keys("Tab")
        try buyer.keys("d")
        try buyer.waitFor(timeout: 10, "where to save it") { $0.contains("Save valuation-report.pdf as") && $0.contains("./valuation-report.pdf") }
        try buyer.keys("Enter")
        try buyer.waitFor(timeout: 20, "the report saved") { $0.contains("Saved to ./valuation-report.pdf.") }
        XCTAssertEqual(try Data(contentsOf: downloads.appendingPathComponent("valuation-report.pdf")), report, "the bytes the provider sent")

        for terminal in [buyer, admin] {
            try terminal.keys("Escape")
            try terminal.keys("q")
            try terminal.waitFor(timeout: 20, "the client to quit") { $0.replacingOccurrences(of: "\n", with: "").contains("exit=0") }
        }
        try serverTerminal.keys("C-c")
    }
}
