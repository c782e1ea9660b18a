import EaglehurstTestSupport
import Foundation
import XCTest

/// `eaglehurst --demo` keeps to `demo/` in the data directory: its accounts and saved sign-in never
/// reach plain `eaglehurst`, the status screen says where the demo lives, and `--demo --reset`
/// starts it afresh.
final class DemoFlowTests: EndToEndTestCase {
    var data: URL { sandbox.appendingPathComponent("data") }
    var demo: URL { data.appendingPathComponent("demo") }
    var sessionFile: URL { sandbox.appendingPathComponent("state/eaglehurst/session.json") }
    static let buyer = "buyer@demo.eaglehurst.test"

    func testTheDemoKeepsToItsOwnDirectoryAndResetStartsItAfresh() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let refused = try ChildProcess.run([eaglehurst, "--reset"], environment: ["EAGLEHURST_DATA_DIR": data.path, "HOME": sandbox.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("--reset starts the demo afresh and only goes with --demo"), refused.output)

        // The demo says so, and where its data is; the buyer signs in, so there is a saved sign-in.
        let tmux = try startDemo()
        let first = try tmux.screen()
        XCTAssertTrue(first.contains("this is the demo; its data is kept apart from yours"), first)
        XCTAssertTrue(first.contains(demo.path), "the demo directory is on the status screen:\n\(first)")
        try signInAsTheDemoBuyer(tmux)
        try quit(tmux)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path), ["demo"], "the demo writes nothing but demo/")
        XCTAssertGreaterThan(try demoAccounts(in: demo), 0)
        XCTAssertEqual(try savedSignIns(), ["embedded:\(demo.path)": Self.buyer])

        // Plain eaglehurst on the same data directory: no saved sign-in, no demo accounts.
        try tmux.run("clear; \(eaglehurst); echo \"exit=$?\"")
        try tmux.waitFor(timeout: 60, "the listings, signed out") { $0.contains("Browsing without an account") && $0.contains("connected") }
        try quit(tmux)
        XCTAssertEqual(try demoAccounts(in: data), 0)
        XCTAssertEqual(try savedSignIns(), ["embedded:\(demo.path)": Self.buyer])

        // The demo's data changes, then --demo --reset: the change and the saved sign-in are gone.
        try sqlite(demo, "UPDATE users SET first_name = 'Changed' WHERE email = '\(Self.buyer)'")
        try Data("x".utf8).write(to: demo.appendingPathComponent("left-over"))
        try tmux.run("clear; \(eaglehurst) --demo --reset; echo \"exit=$?\"")
        let fresh = try tmux.waitFor(timeout: 90, "the demo, afresh") { $0.contains("Demo data is loaded") && $0.contains("connected") }
        XCTAssertTrue(fresh.contains("to sign in."), "nobody is signed in after a reset:\n\(fresh)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.appendingPathComponent("left-over").path))
        XCTAssertEqual(try sqlite(demo, "SELECT first_name FROM users WHERE email = '\(Self.buyer)'"), "Beatrice")
        try quit(tmux)
        XCTAssertEqual(try savedSignIns(), [:])
        XCTAssertEqual(try demoAccounts(in: data), 0, "the reset touched only the demo")
    }

    func signInAsTheDemoBuyer(_ tmux: TmuxSession) throws {
        try tmux.keys("s")
        try tmux.waitFor(timeout: 10, "the sign-in form") { $0.contains("Sign in to") }
        try type(tmux, Self.buyer)
        try tmux.keys("Tab")
        try type(tmux, "DemoBuyer1")
        try tmux.keys("Enter")
        try tmux.waitFor(timeout: 30, "the buyer signed in") { $0.contains("Signed in as") && $0.contains(Self.buyer) }
    }

    func quit(_ tmux: TmuxSession) throws {
        try tmux.keys("q")
        try tmux.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
    }

    /// How many demo accounts the SQLite database in `directory` holds.
    func demoAccounts(in directory: URL) throws -> Int {
        try XCTUnwrap(Int(sqlite(directory, "SELECT count(*) FROM users WHERE email LIKE '%@demo.eaglehurst.test'")))
    }

    @discardableResult
    func sqlite(_ directory: URL, _ statement: String) throws -> String {
        let file = directory.appendingPathComponent("eaglehurst.sqlite").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: file), "\(file) exists")
        let (status, output) = try ChildProcess.run(["sqlite3", file, statement])
        XCTAssertEqual(status, 0, output)
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// session.json's sessions: key → email.
    func savedSignIns() throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: sessionFile)) as? [String: Any]
        let sessions = try XCTUnwrap(object?["sessions"] as? [String: [String: String]])
        return sessions.compactMapValues { $0["email"] }
    }
}
