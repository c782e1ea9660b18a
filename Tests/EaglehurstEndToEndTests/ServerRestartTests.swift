import EaglehurstTestSupport
import Foundation
import XCTest

/// The server is killed (`kill -9`) under a running client and started again: the client keeps what it
/// showed, marked stale, says the server is unreachable, reconnects by itself, and its session still
/// works afterwards.
final class ServerRestartTests: EndToEndTestCase {
    func testTheClientRidesOutAServerKilledAndRestarted() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let server = try BuiltProducts.path("eaglehurst-server")
        let port = try freePort()
        let data = sandbox.appendingPathComponent("data").path
        let pidFile = sandbox.appendingPathComponent("server.pid").path
        let serverTerminal = try TmuxSession(environment: ["EAGLEHURST_DATA_DIR": data])
        let serve = "sh -c 'echo $$ > \(pidFile); exec \(server) serve --port \(port)'"
        try serverTerminal.run("\(server) seed-demo && \(serve)")
        try serverTerminal.waitFor(timeout: 90, "the server to start") { $0.contains("Server started on http://127.0.0.1:") }

        let client = try TmuxSession(environment: [
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state").path,
        ])
        try startAndSignIn(client, eaglehurst: eaglehurst, server: "http://127.0.0.1:\(port)", email: "buyer@demo.eaglehurst.test", password: "DemoBuyer1")
        let listings = try client.waitFor(timeout: 30, "the buyer's listings") { $0.contains("All listings") && $0.contains("1–") }
        let firstRow = try XCTUnwrap(listings.split(separator: "\n").first { $0.contains("Community pharmacy") }.map(String.init), listings)

        // The server dies without a word.
        let pid = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try ChildProcess.run(["kill", "-9", pid]).0, 0)
        let deadline = Date().addingTimeInterval(10)
        while try ChildProcess.run(["kill", "-0", pid]).0 == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertNotEqual(try ChildProcess.run(["kill", "-0", pid]).0, 0, "the server is gone")

        // Reloading reaches nobody: the rows stay, marked stale, and the status bar says why.
        try client.keys("r")
        let stale = try client.waitFor(timeout: 30, "the rows kept, stale, the server unreachable") {
            $0.contains("✕ unreachable") && $0.contains("stale")
        }
        XCTAssertTrue(stale.contains(firstRow.trimmingCharacters(in: .whitespaces).prefix(40)), "the rows are still on screen:\n\(stale)")

        // The server comes back on the same port and database; the client finds it without a key.
        try serverTerminal.run(serve)
        try serverTerminal.waitFor(timeout: 90, "the server to start again") { $0.components(separatedBy: "Server started on http://127.0.0.1:").count >= 3 }
        try client.waitFor(timeout: 60, "the client connected again by itself") { $0.contains("● connected") && !$0.contains("unreachable") }

        // The session survived: a signed-in screen answers as before.
        try command(client, "saved")
        let saved = try client.waitFor(timeout: 30, "the buyer's saved listings") { $0.contains("Saved listings") && ($0.contains("1–") || $0.contains("Nothing saved yet")) }
        XCTAssertTrue(saved.contains("buyer@demo.eaglehurst.test (buyer)"), "still signed in:\n\(saved)")
        XCTAssertFalse(saved.contains("expired"), saved)

        try client.keys("q")
        try client.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
    }
}
