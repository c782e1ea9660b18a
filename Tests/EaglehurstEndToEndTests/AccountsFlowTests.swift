import Foundation
import XCTest

/// `eaglehurst` against its embedded server in a real terminal: register, verify with the code from
/// the outbox, sign out, sign in again, quit; the session file stays private.
final class AccountsFlowTests: EndToEndTestCase {
    var dataDirectory: URL { sandbox.appendingPathComponent("data") }
    var sessionFile: URL { sandbox.appendingPathComponent("state/eaglehurst/session.json") }

    func makeSession() throws -> TmuxSession {
        try TmuxSession(environment: [
            "EAGLEHURST_DATA_DIR": dataDirectory.path,
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state").path,
        ])
    }

    func testRegisterVerifySignOutAndSignInAgain() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let tmux = try makeSession()
        let email = "erin-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let password = "Secret-pass1"
        try tmux.run("\(eaglehurst); echo \"exit=$?\"")
        // A first start with no account opens on the listings; Esc shows the server status.
        try tmux.waitFor(timeout: 60, "the listings, signed out") { $0.contains("All listings") && $0.contains("Browsing without an account") && $0.contains("connected") }
        try tmux.keys("Escape")
        try tmux.waitFor(timeout: 10, "the status screen") { $0.contains("Server status") && $0.contains("connected") }

        // Register a buyer.
        try tmux.keys("s")
        try tmux.waitFor(timeout: 10, "the sign-in form") { $0.contains("Sign in to") && $0.contains("creates one") }
        try tmux.keys("F2")
        try tmux.waitFor(timeout: 10, "the registration form") { $0.contains("Create an account on") }
        try type(tmux, "x@")
        try tmux.keys("Tab")
        let invalid = try tmux.waitFor(timeout: 10, "inline validation") { $0.contains("email must be an email address") }
        XCTAssertTrue(invalid.contains("Create an account on"), invalid)
        try tmux.keys("BTab", "C-u")
        try type(tmux, email)
        try tmux.keys("Tab")
        try type(tmux, password)
        try tmux.keys("Tab")
        try type(tmux, "Erin")
        try tmux.keys("Tab")
        try type(tmux, "Example")
        let form = try tmux.screen()
        XCTAssertFalse(form.contains(password), "the password is masked:\n\(form)")
        XCTAssertTrue(form.contains("(•) buyer"), form)
        try tmux.keys("Enter")

        // Registering signs in; an unverified account is asked for its code.
        let verify = try tmux.waitFor(timeout: 30, "the verification screen") { $0.contains("Verify your email address") && $0.contains("Enter the 6-digit code we mailed to") }
        XCTAssertTrue(verify.contains(email), verify)
        let code = try newestCode()
        try type(tmux, code)
        try tmux.keys("Enter")
        let verified = try tmux.waitFor(timeout: 20, "the profile after verification") { $0.contains(" Profile ") && $0.contains("✓ verified") }
        XCTAssertTrue(verified.contains("\(email) (buyer)"), "the status bar says who is signed in:\n\(verified)")
        try assertPrivateSessionFile(containing: email)

        // Sign out: the session is revoked and leaves the file.
        try tmux.keys("o")
        let signedOut = try tmux.waitFor(timeout: 20, "sign-out") { $0.contains("Signed out.") && $0.contains("Sign in to") }
        XCTAssertFalse(signedOut.contains("(buyer)"), signedOut)
        let afterSignOut = try String(contentsOf: sessionFile, encoding: .utf8)
        XCTAssertFalse(afterSignOut.contains(email), "signing out removes the session:\n\(afterSignOut)")

        // Sign in again: the email is filled in, the password is typed.
        try type(tmux, password)
        try tmux.keys("Enter")
        let again = try tmux.waitFor(timeout: 30, "signing in again, on the listings where a buyer's work is") {
            $0.contains("Signed in as Erin Example.") && $0.contains("Eaglehurst  ·  Listings")
        }
        XCTAssertTrue(again.contains("\(email) (buyer)"), again)
        let tokens = try assertPrivateSessionFile(containing: email)

        try tmux.keys("q")
        try tmux.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
        try assertPrivateSessionFile(containing: email)
        try assertNotLogged(tokens)
    }

    /// Types text literally, without Enter.
    /// The 6-digit code of the newest mail in the outbox (file names sort by time).
    func newestCode() throws -> String {
        let outbox = dataDirectory.appendingPathComponent("outbox")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let mails = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path))?.filter { $0.hasSuffix(".eml") }.sorted() ?? []
            if let newest = mails.last {
                let text = try String(contentsOf: outbox.appendingPathComponent(newest), encoding: .utf8)
                let pattern = try NSRegularExpression(pattern: #"(?m)^\s+(\d{6})\s*$"#)
                if let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                   let range = Range(match.range(at: 1), in: text) {
                    return String(text[range])
                }
                throw E2EError("no 6-digit code in \(newest):\n\(text)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw E2EError("no mail in \(outbox.path)")
    }

    /// The session file is 0600 in a 0700 directory and holds a session for `email`; answers its tokens.
    @discardableResult
    func assertPrivateSessionFile(containing email: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let attributes = try FileManager.default.attributesOfItem(atPath: sessionFile.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "session.json is 0600", file: file, line: line)
        let directory = try FileManager.default.attributesOfItem(atPath: sessionFile.deletingLastPathComponent().path)
        XCTAssertEqual((directory[.posixPermissions] as? NSNumber)?.intValue, 0o700, "its directory is 0700", file: file, line: line)
        let data = try Data(contentsOf: sessionFile)
        let sessions = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["sessions"] as? [String: [String: String]], file: file, line: line)
        let mine = try XCTUnwrap(sessions.values.first { $0["email"] == email }, "a session for \(email)", file: file, line: line)
        return [mine["access_token"], mine["refresh_token"]].compactMap { $0 }
    }

    func assertNotLogged(_ tokens: [String]) throws {
        let logs = dataDirectory.appendingPathComponent("logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        for name in names {
            let text = (try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? ""
            for token in tokens where !token.isEmpty {
                XCTAssertFalse(text.contains(token), "a token appears in \(name)")
            }
        }
    }
}
