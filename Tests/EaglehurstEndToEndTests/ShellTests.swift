import EaglehurstTestSupport
import Foundation
import XCTest

/// `eaglehurst` in a real terminal: first screen, help, quit, and a sane shell afterwards.
final class ShellTests: EndToEndTestCase {
    func makeSession() throws -> TmuxSession {
        try TmuxSession(environment: [
            "EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state").path,
        ])
    }

    func testFirstScreenHelpAndQuitLeaveASaneTerminal() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let tmux = try makeSession()
        try tmux.run("stty -a > \(sandbox.path)/stty-before; \(eaglehurst) --demo; echo \"exit=$?\"")

        let first = try tmux.waitFor(timeout: 60, "the status screen with a healthy embedded server") {
            $0.contains("Server status") && $0.contains("● ok") && $0.contains("connected")
        }
        XCTAssertTrue(first.contains("(embedded in this app)"), first)
        XCTAssertTrue(first.contains("buyer@demo.eaglehurst.test"), "the demo accounts are on the first screen:\n\(first)")
        XCTAssertTrue(first.contains("? help"), "key hints in the footer:\n\(first)")

        try tmux.keys("?")
        let help = try tmux.waitFor(timeout: 10, "the help overlay") { $0.contains("─ Keys ─") }
        XCTAssertTrue(help.contains("check the server again"), help)
        XCTAssertTrue(help.contains("quit"), help)

        try tmux.keys("Escape")
        try tmux.waitFor(timeout: 10, "help to close") { !$0.contains("─ Keys ─") && $0.contains("Server status") }

        try tmux.keys("q")
        let after = try tmux.waitFor(timeout: 20, "the shell prompt after quitting") {
            $0.contains("exit=0") && $0.components(separatedBy: TmuxSession.prompt).count >= 3
        }
        XCTAssertFalse(after.contains("Server status"), "the TUI's screen is gone:\n\(after)")

        try tmux.run("stty -a > \(sandbox.path)/stty-after; echo checked")
        // The command line itself shows "checked": wait for the line the echo prints.
        try tmux.waitFor(timeout: 30, "stty to run") { $0.contains("\nchecked") }
        let before = try String(contentsOf: sandbox.appendingPathComponent("stty-before"), encoding: .utf8)
        let afterModes = try String(contentsOf: sandbox.appendingPathComponent("stty-after"), encoding: .utf8)
        XCTAssertEqual(afterModes, before, "terminal modes are restored exactly")
        XCTAssertTrue(afterModes.contains(" icanon") && afterModes.contains(" echo "), afterModes)

        // The shell still echoes what is typed: the terminal is usable.
        try tmux.run("echo typed-after-quit")
        try tmux.waitFor(timeout: 30, "typed text to echo") { $0.contains("echo typed-after-quit") && $0.contains("\ntyped-after-quit") }
    }

    func testNotATerminalIsAClearErrorNotACrash() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let (status, text) = try ChildProcess.run(
            [eaglehurst], environment: ["EAGLEHURST_DATA_DIR": sandbox.path, "LANG": "C.UTF-8", "HOME": sandbox.path])
        XCTAssertEqual(status, 1)
        XCTAssertEqual(text, "eaglehurst: eaglehurst needs a terminal; run it in one (for scripts, use the HTTP API or eaglehurst-server)\n")
    }

    func testBrokenConfigFileNamesFileAndLine() throws {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let configDir = sandbox.appendingPathComponent("config/eaglehurst")
        try FileManager.default.createDirectory(at: configDir, withIntermediateDirectories: true)
        try "theme = \"dark\"\nserver = 42\n".write(to: configDir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let (status, text) = try ChildProcess.run(
            [eaglehurst], environment: ["XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path, "HOME": sandbox.path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(text.contains("config/eaglehurst/config.toml:2: 'server' must be a quoted string"), text)
    }
}
