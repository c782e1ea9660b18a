import EaglehurstTestSupport
import Foundation
import XCTest

/// Every way out gives the terminal back before the process ends: `q`, `<c-c>` and SIGTERM from
/// outside, with the embedded server and with a remote one, fifty times in a row, each followed by the
/// shell's own `stty` and a look at the screen.
final class QuitTests: EndToEndTestCase {
    enum Way: CaseIterable {
        case q, controlC, sigterm

        /// The exit status the shell sees: a signal's is 128 + its number.
        var exitStatus: Int { self == .sigterm ? 128 + Int(SIGTERM) : 0 }
    }

    func testFiftyQuitsInARowEachLeaveTheShellSane() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let server = try BuiltProducts.path("eaglehurst-server")
        let port = try freePort()
        let serverTerminal = try TmuxSession(environment: ["EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("remote").path])
        try serverTerminal.run("\(server) serve --port \(port)")
        try serverTerminal.waitFor(timeout: 90, "the server to start") { $0.contains("Server started on http://127.0.0.1:") }

        let tmux = try TmuxSession(environment: [
            "EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("embedded").path,
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state").path,
        ])
        let pidFile = sandbox.appendingPathComponent("pid").path
        try tmux.run("stty -g > \(sandbox.path)/stty-before")
        let before = try waitForFile(sandbox.appendingPathComponent("stty-before"))

        for round in 1...50 {
            let way = Way.allCases[round % Way.allCases.count]
            let embedded = round % 2 == 0
            let target = embedded ? "" : " --server http://127.0.0.1:\(port)"
            let statusFile = sandbox.appendingPathComponent("status-\(round)")
            let sttyFile = sandbox.appendingPathComponent("stty-\(round)")
            try tmux.run("clear; sh -c 'echo $$ > \(pidFile); exec \(eaglehurst)\(target)'; echo $? > \(statusFile.path); stty -g > \(sttyFile.path)")
            try tmux.waitFor(timeout: 60, "round \(round): the first screen, connected") { $0.contains("● connected") }

            switch way {
            case .q: try tmux.keys("q")
            case .controlC: try tmux.keys("C-c")
            case .sigterm:
                let pid = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                let (status, text) = try ChildProcess.run(["kill", "-TERM", pid])
                XCTAssertEqual(status, 0, "kill \(pid): \(text)")
            }

            let what = "round \(round) (\(way), \(embedded ? "embedded server" : "remote server"))"
            let modes = try waitForFile(sttyFile)
            XCTAssertEqual(modes, before, "\(what): the terminal modes are the shell's again")
            XCTAssertEqual(try waitForFile(statusFile), "\(way.exitStatus)\n", "\(what): exit status")
            let screen = try tmux.screen()
            XCTAssertFalse(screen.contains("● connected"), "\(what): no frame of the client is left:\n\(screen)")
        }
    }

    /// A storm of terminal resizes, down to a few cells and up again, while keys are pressed: the client
    /// keeps drawing at the new size, and quitting afterwards still gives the shell back intact.
    func testAResizeStormLeavesTheClientDrawingAndTheShellSane() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let tmux = try TmuxSession(environment: [
            "EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("embedded").path,
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state").path,
        ])
        try tmux.run("stty -g > \(sandbox.path)/stty-before")
        let before = try waitForFile(sandbox.appendingPathComponent("stty-before"))
        let statusFile = sandbox.appendingPathComponent("status")
        let sttyFile = sandbox.appendingPathComponent("stty-after")
        try tmux.run("\(eaglehurst); echo $? > \(statusFile.path); stty -g > \(sttyFile.path)")
        try tmux.waitFor(timeout: 60, "the first screen, connected") { $0.contains("● connected") }

        var random = SystemRandomNumberGenerator()
        for round in 0..<100 {
            let width = round % 10 == 0 ? Int.random(in: 1...8, using: &random) : Int.random(in: 20...200, using: &random)
            let height = round % 10 == 0 ? Int.random(in: 1...4, using: &random) : Int.random(in: 6...60, using: &random)
            try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "\(width)", "-y", "\(height)"])
            if round % 3 == 0 { try tmux.keys(["j", "k", "?", "Escape", "Tab"][round % 5]) }
        }
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "120", "-y", "40"])
        // The pane keeps the last small frame, reflowed, until the client draws again: wait for the
        // header on the first row and the status bar on one line.
        let settled = try tmux.waitFor(timeout: 20, "the client drawn again at 120×40") { screen in
            let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return rows.count >= 39 && rows[0].contains("Eaglehurst  ·") && rows.contains { $0.contains("● connected") && $0.count >= 100 }
        }
        XCTAssertTrue(settled.contains("Eaglehurst"), "the header is drawn:\n\(settled)")

        try tmux.keys("q")
        XCTAssertEqual(try waitForFile(sttyFile), before, "the terminal modes are the shell's again after the storm")
        XCTAssertEqual(try waitForFile(statusFile), "0\n", "a clean exit")
    }

    /// Waits for a file the shell writes and answers its text.
    func waitForFile(_ url: URL, timeout: TimeInterval = 30) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: url, encoding: .utf8), text.hasSuffix("\n") { return text }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw E2EError("\(url.lastPathComponent) was never written")
    }
}
