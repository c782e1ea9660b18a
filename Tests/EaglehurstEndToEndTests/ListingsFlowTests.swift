import Foundation
import XCTest

/// The marketplace in a real terminal, against one embedded demo server: the demo seller creates a
/// listing (its description written in `$EDITOR`) and submits it, the demo admin approves it beside
/// what approving does, and the demo buyer finds it by search and saves it with a note.
final class ListingsFlowTests: EndToEndTestCase {
    /// An editor that writes the description and exits, as a person would after typing it.
    func makeEditor(writing text: String) throws -> String {
        let path = sandbox.appendingPathComponent("editor.sh")
        try "#!/bin/sh\nprintf '%s' '\(text)' > \"$1\"\n".write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path.path)
        return path.path
    }

    func testSellerSubmitsAdminApprovesBuyerFindsAndSaves() throws {
        let description = "Written in the editor: a two-surgery dental studio by the harbour with a loyal private list."
        let tmux = try startDemo(environment: ["EDITOR": try makeEditor(writing: description)])

        // The seller creates a listing and submits it.
        try tmux.keys("s")
        try tmux.waitFor(timeout: 10, "the sign-in form") { $0.contains("Sign in to") }
        try signIn(tmux, "seller@demo.eaglehurst.test", "DemoSeller1", fresh: true)
        // The demo seller has a request waiting, so lands on the threads; the listings are a command away.
        try tmux.waitFor(timeout: 20, "the seller on the threads") { $0.contains("Eaglehurst  ·  Messages") }
        try command(tmux, "my-listings")
        try tmux.waitFor(timeout: 20, "the seller's listings") { $0.contains("My listings") && $0.contains("[published]") }
        try tmux.keys("n")
        try tmux.waitFor(timeout: 10, "the listing form") { $0.contains("New listing") }
        try type(tmux, "Zephyrine Dental Studio in Whitby")
        try tmux.keys("Tab", "F4")
        try tmux.waitFor(timeout: 20, "the description back from the editor") { $0.contains("Written in the editor: a two-surgery") }
        try tmux.keys("Tab", "Right")
        try tmux.keys("Tab")
        try type(tmux, "Whitby")
        try tmux.keys("Tab")
        try type(tmux, "North East")
        try tmux.keys("Tab")
        try type(tmux, "575000")
        try tmux.keys("Tab")
        try type(tmux, "820000")
        try tmux.keys("Enter")
        // The list is read again after the answer: the new listing waits at the top with its badge.
        try tmux.waitFor(timeout: 20, "the listing submitted and listed as pending") {
            $0.contains("“Zephyrine Dental Studio in Whitby” is submitted") && $0.contains("[pending]    Zephyrine Dental Studio in Whitby")
        }
        try command(tmux, "signout")
        try tmux.waitFor(timeout: 20, "signed out") { $0.contains("Signed out.") }

        // The admin approves it from the queue, beside what approving does.
        try signIn(tmux, "admin@demo.eaglehurst.test", "DemoAdmin1", fresh: false)
        try tmux.waitFor(timeout: 20, "the moderation queue") { $0.contains("Waiting for approval: new listings") && $0.contains("Zephyrine") }
        try tmux.keys("G", "Enter")
        let beside = try tmux.waitFor(timeout: 20, "the listing beside what approving does") { $0.contains("What approving does") && $0.contains("A new listing") }
        XCTAssertTrue(beside.contains("Zephyrine Dental Studio in Whitby"), beside)
        XCTAssertTrue(beside.contains("£575,000"), beside)
        try tmux.keys("a")
        try tmux.waitFor(timeout: 20, "approval") { $0.contains("Approved “Zephyrine Dental Studio in Whitby”.") }
        try command(tmux, "signout")
        try tmux.waitFor(timeout: 20, "signed out") { $0.contains("Signed out.") }

        // The buyer finds it by search and saves it with a note.
        try signIn(tmux, "buyer@demo.eaglehurst.test", "DemoBuyer1", fresh: false)
        try tmux.waitFor(timeout: 20, "the browser") { $0.contains("All listings") && $0.contains("of 37") }
        try tmux.keys("/")
        try type(tmux, "zephyrine")
        let found = try tmux.waitFor(timeout: 20, "the search result") { $0.contains("1–1 of 1") && $0.contains("Zephyrine Dental Studio") }
        XCTAssertTrue(found.contains("£575,000"), found)
        try tmux.keys("Enter", "s")
        try tmux.waitFor(timeout: 10, "the note prompt") { $0.contains("Save “Zephyrine Dental Studio in Whitby”") }
        try type(tmux, "Ask about the lease")
        try tmux.keys("Enter")
        let saved = try tmux.waitFor(timeout: 20, "saved") { $0.contains("Saved. Your saved listings are at :saved.") }
        XCTAssertTrue(saved.contains("★ Zephyrine"), saved)
        try command(tmux, "saved")
        let list = try tmux.waitFor(timeout: 20, "the saved list") { $0.contains("Saved listings") && $0.contains("Ask about the lease") }
        XCTAssertTrue(list.contains("Zephyrine Dental Studio"), list)

        try tmux.keys("q")
        try tmux.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
    }

    /// Signs in from the sign-in form; `fresh` when the email field is empty, else it holds the last user's.
    func signIn(_ tmux: TmuxSession, _ email: String, _ password: String, fresh: Bool) throws {
        if !fresh { try tmux.keys("BTab", "C-u") }
        try type(tmux, email)
        try tmux.keys("Tab")
        try type(tmux, password)
        try tmux.keys("Enter")
        try tmux.waitFor(timeout: 30, "signed in as \(email)") { $0.contains("Signed in as") && $0.contains(email) }
    }
}
