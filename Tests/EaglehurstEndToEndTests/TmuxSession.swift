import Foundation
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
        try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                  "env -i PATH=/usr/bin:/bin \(exports) sh"])
        try waitFor(timeout: 10) { $0.contains(Self.prompt) }
    }

    deinit {
        _ = try? tmux(["kill-server"])
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
        let (status, text) = try Subprocess.run(["tmux", "-L", socket, "-f", "/dev/null"] + arguments)
        guard status == 0 else {
            throw E2EError("tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }
}

/// Runs a command to completion with posix_spawn and waitpid.
///
/// Foundation's `Process.waitUntilExit` was seen to wait forever on an exited `tmux` client (the
/// tmux server it forks keeps running), so the tests reap their children directly.
enum Subprocess {
    static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil) throws -> (Int32, String) {
        let dir = FileManager.default.temporaryDirectory
        let outputPath = dir.appendingPathComponent("eh-e2e-\(UUID().uuidString).out").path
        let inputPath = dir.appendingPathComponent("eh-e2e-\(UUID().uuidString).in").path
        defer {
            unlink(outputPath)
            unlink(inputPath)
        }
        FileManager.default.createFile(atPath: inputPath, contents: Data((stdin ?? "").utf8))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, env)
        guard spawned == 0 else { throw E2EError("could not start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, output)
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
