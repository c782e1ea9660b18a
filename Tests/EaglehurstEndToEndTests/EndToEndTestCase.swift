import Foundation
import XCTest

/// What every end-to-end test shares: a sandbox directory of its own (data, config, state), removed
/// afterwards, and typing into a terminal as a person would.
class EndToEndTestCase: XCTestCase {
    var sandbox: URL!

    override func setUpWithError() throws {
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        TmuxSession.killAll()
        try? FileManager.default.removeItem(at: sandbox)
    }

    /// `eaglehurst --demo` in a new tmux session, with its data, configuration and state in the
    /// sandbox (and `environment` besides), once the status screen shows the demo accounts.
    func startDemo(environment: [String: String] = [:]) throws -> TmuxSession {
        let eaglehurst = try BuiltProducts.path("eaglehurst")
        let tmux = try TmuxSession(environment: [
            "EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state").path,
        ].merging(environment) { $1 })
        try tmux.run("\(eaglehurst) --demo; echo \"exit=$?\"")
        try tmux.waitFor(timeout: 90, "the status screen with the demo accounts") { $0.contains("Demo data is loaded") && $0.contains("connected") }
        return tmux
    }

    func type(_ tmux: TmuxSession, _ text: String) throws {
        try tmux.tmux(["send-keys", "-t", tmux.name, "-l", text])
    }

    /// A terminal for one person, with a config and state directory of its own in the sandbox.
    func client(_ name: String) throws -> TmuxSession {
        try TmuxSession(environment: [
            "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config-\(name)").path,
            "XDG_STATE_HOME": sandbox.appendingPathComponent("state-\(name)").path,
        ])
    }

    /// Starts `eaglehurst` against `server` in `terminal` (from `directory` when given) and signs in as a
    /// person would on a first start: the listings, Esc to the server status, `s`, the form.
    func startAndSignIn(_ terminal: TmuxSession, eaglehurst: String, server: String, email: String, password: String, in directory: URL? = nil) throws {
        let start = "\(eaglehurst) --server \(server); echo \"exit=$?\""
        try terminal.run(directory.map { "cd \($0.path) && \(start)" } ?? start)
        try terminal.waitFor(timeout: 30, "the listings, signed out") { $0.contains("All listings") && $0.contains("Browsing without an account") && $0.contains("connected") }
        try terminal.keys("Escape")
        try terminal.waitFor(timeout: 10, "the status screen") { $0.contains("Server status") && $0.contains("connected") }
        try terminal.keys("s")
        try terminal.waitFor(timeout: 10, "the sign-in form") { $0.contains("Sign in to") }
        try type(terminal, email)
        try terminal.keys("Tab")
        try type(terminal, password)
        try terminal.keys("Enter")
        try terminal.waitFor(timeout: 30, "signed in as \(email)") { $0.contains("Signed in as") && $0.contains(email) }
    }

    func command(_ tmux: TmuxSession, _ name: String) throws {
        try tmux.keys(":")
        try type(tmux, name)
        try tmux.keys("Enter")
    }

    /// A TCP port nothing listens on now.
    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw E2EError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
