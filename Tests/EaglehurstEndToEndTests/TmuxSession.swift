import EaglehurstTestSupport
import Foundation
import Synchronization
import XCTest

/// A real terminal for end-to-end tests: a tmux server of its own with one 120×40 pane running a
/// plain shell, driven with send-keys and read with capture-pane, as a person at a terminal would.
final class TmuxSession {
    let socket = "eaglehurst-e2e-\(UUID().uuidString.prefix(8))"
    let name = "e2e"
    /// What the shell prompt shows (capture-pane trims the space that follows it in PS1).
    static let prompt = "E2E-READY$"

    init(width: Int = 120, height: Int = 40, environment: [String: String]) throws {
        var env = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "PS1": Self.prompt + " ", "HOME": NSTemporaryDirectory()]
        env.merge(environment) { _, new in new }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        Self.live.withLock { _ = $0.insert(socket) }
        try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                  "env -i PATH=/usr/bin:/bin \(exports) sh"])
        try waitFor(timeout: 10) { $0.contains(Self.prompt) }
    }

    deinit {
        Self.killServer(socket)
    }

    /// The tmux servers started and not yet killed. A session's server goes with the session
    /// object, and every test's are killed in its tear-down (`killAll`) in case the object lives
    /// on: a tmux server left running outlives the test run and keeps what it inherited.
    private static let live = Mutex<Set<String>>([])

    /// Kills the tmux server of every session still running.
    static func killAll() {
        for socket in live.withLock({ $0 }) { killServer(socket) }
    }

    private static func killServer(_ socket: String) {
        guard live.withLock({ $0.remove(socket) }) != nil else { return }
        _ = try? ChildProcess.run(["tmux", "-L", socket, "-f", "/dev/null", "kill-server"], timeout: 10)
    }

    /// Types text followed by Enter.
    func run(_ command: String) throws {
        try tmux(["send-keys", "-t", name, "-l", command])
        try tmux(["send-keys", "-t", name, "Enter"])
    }

    /// Sends tmux key names (`q`, `Escape`, `Enter`, `C-c`).
    func keys(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", name])
    }

    /// Polls the screen until `condition` holds; fails with the last screen when it never does.
    @discardableResult
    func waitFor(timeout: TimeInterval, _ what: String = "condition", _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw E2EError("timed out after \(timeout)s waiting for \(what); the screen was:\n\(last)")
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let (status, text) = try ChildProcess.run(["tmux", "-L", socket, "-f", "/dev/null"] + arguments)
        guard status == 0 else {
            throw E2EError("tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The directory holding the built products, beside the running test bundle.
enum BuiltProducts {
    static var directory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        // The test runner lives inside `<products>/<name>PackageTests.xctest` on Linux.
        while dir.path != "/", !FileManager.default.fileExists(atPath: dir.appendingPathComponent("eaglehurst").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    static func path(_ product: String) throws -> String {
        let path = directory.appendingPathComponent(product).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw E2EError("\(product) is not built next to the tests; run `swift build --build-tests` first (./scripts/test does)")
        }
        return path
    }
}
