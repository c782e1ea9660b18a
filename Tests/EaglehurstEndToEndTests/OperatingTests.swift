import EaglehurstTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// What an operator meets running the built `eaglehurst-server` (and `eaglehurst --version`): the
/// version, `serve --help`, `create-admin` without the password in argv, and the drain on SIGTERM.
final class OperatingTests: EndToEndTestCase {
    static let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: - --version

    func testBothProgramsPrintTheContractsVersionWithoutATerminal() throws {
        let yaml = try String(contentsOf: Self.root.appendingPathComponent("Sources/EaglehurstAPI/openapi.yaml"), encoding: .utf8)
        let version = try XCTUnwrap(
            yaml.range(of: #"(?m)^info:\n(?:[ ].*\n)*?[ ]+version:\s*(\S+)"#, options: .regularExpression)
                .map { String(yaml[$0]).components(separatedBy: "version:").last!.trimmingCharacters(in: .whitespacesAndNewlines) })
        for program in ["eaglehurst-server", "eaglehurst"] {
            // stdin is a file and stdout a file: no terminal anywhere.
            let (status, output) = try ChildProcess.run([try BuiltProducts.path(program), "--version"], environment: baseEnvironment())
            XCTAssertEqual(status, 0, "\(program): \(output)")
            XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "\(version) (API contract \(version), base path /api/v1)", program)
        }
    }

    // MARK: - serve --help

    /// Every variable `Settings.swift` reads is in `serve --help`, and the help names none it does not read.
    func testServeHelpListsEverySettingTheServerReads() throws {
        let source = try String(contentsOf: Self.root.appendingPathComponent("Sources/EaglehurstServer/Settings.swift"), encoding: .utf8)
        let read = Self.matches(#"\benv\s*\[\s*"([A-Z][A-Z0-9_]*)"\s*\]"#, source)
            .union(Self.matches(#"\w+\(\s*env\s*,\s*"([A-Z][A-Z0-9_]*)""#, source))
        XCTAssertTrue(read.isSuperset(of: ["HOST", "PORT", "LOG_LEVEL", "SHUTDOWN_GRACE_SECONDS", "DATABASE_URL"]), "the read patterns found only \(read.sorted())")

        let (status, help) = try ChildProcess.run([try BuiltProducts.path("eaglehurst-server"), "serve", "--help"], environment: baseEnvironment())
        XCTAssertEqual(status, 0, help)
        for name in read.sorted() where help.range(of: "(?<![A-Z0-9_])\(name)(?![A-Z0-9_])", options: .regularExpression) == nil {
            XCTFail("Settings.swift reads \(name), but `serve --help` does not list it (SettingsReference.entries):\n\(help)")
        }
        let listed = Self.matches(#"(?m)^\s+([A-Z][A-Z0-9_]+) \(default: "#, help)
        XCTAssertEqual(listed, read, "each setting has one entry with its default in `serve --help`")
        XCTAssertTrue(help.contains("HOST (default: 127.0.0.1)"), help)
        XCTAssertTrue(help.contains("SHUTDOWN_GRACE_SECONDS (default: 25)"), help)
    }

    // MARK: - create-admin

    func testCreateAdminTakesThePasswordFromStdinOrAFileAndNeverFromArgv() async throws {
        try await forEachDatabase { environment in
            let server = try BuiltProducts.path("eaglehurst-server")
            let fromStdin = try ChildProcess.run(
                [server, "create-admin", "--email", "Ops@Example.com", "--password-stdin"], environment: environment, stdin: "Stdin-Passw0rd\nignored\n")
            XCTAssertEqual(fromStdin.status, 0, fromStdin.output)
            XCTAssertTrue(fromStdin.output.contains("Admin ops@example.com created."), fromStdin.output)

            let file = sandbox.appendingPathComponent("password-\(UUID().uuidString)")
            try Data("File-Passw0rd\n".utf8).write(to: file)
            let fromFile = try ChildProcess.run(
                [server, "create-admin", "--email", "second@example.com", "--password-file", file.path], environment: environment)
            XCTAssertEqual(fromFile.status, 0, fromFile.output)

            let inArgv = try ChildProcess.run([server, "create-admin", "--email", "argv@example.com", "--password", "Argv-Passw0rd"], environment: environment)
            XCTAssertNotEqual(inArgv.status, 0)
            XCTAssertTrue(inArgv.output.contains(
                "eaglehurst-server: --password is gone: a password on the command line is visible in ps and shell history; use --password-stdin, --password-file or the prompt"),
                inArgv.output)

            let noTerminal = try ChildProcess.run([server, "create-admin", "--email", "prompt@example.com"], environment: environment)
            XCTAssertNotEqual(noTerminal.status, 0)
            XCTAssertTrue(noTerminal.output.contains("stdin is not a terminal"), noTerminal.output)

            // PORT=abc is not read: --port wins over its variable.
            let serving = try ServedProcess(environment: environment.merging(["PORT": "abc"]) { $1 }, arguments: ["--port", "0"], log: sandbox)
            defer { serving.process.kill() }
            let api = Api(base: serving.baseURL)
            _ = try await api.signIn("ops@example.com", "Stdin-Passw0rd")
            _ = try await api.signIn("second@example.com", "File-Passw0rd")
            let (refused, _) = try await api.call("POST", "/auth/login", body: ["email": "argv@example.com", "password": "Argv-Passw0rd"])
            XCTAssertEqual(refused, 401, "no account was made from the refused --password")
        }
    }

    /// At a terminal the password is asked twice and never shown; two that differ create nothing.
    func testCreateAdminAsksTwiceAtTheTerminalWithoutEcho() async throws {
        var environment = baseEnvironment()
        environment["EAGLEHURST_DATA_DIR"] = sandbox.appendingPathComponent("data").path
        environment["BCRYPT_COST"] = "4"
        let server = try BuiltProducts.path("eaglehurst-server")
        let terminal = try TmuxSession(environment: environment)
        let differ = try createAdminAtPrompt(terminal, server, "typo@example.com", "Typed-Passw0rd", then: "Typo-Passw0rd")
        XCTAssertTrue(differ.contains("the two passwords differ; nothing was created") && differ.contains("exit=64"), differ)

        let done = try createAdminAtPrompt(terminal, server, "tty@example.com", "Typed-Passw0rd", then: "Typed-Passw0rd")
        XCTAssertTrue(done.contains("Admin tty@example.com created.") && done.contains("exit=0"), done)
        XCTAssertFalse(done.contains("Typed-Passw0rd"), "the password was shown:\n\(done)")

        let serving = try ServedProcess(environment: environment, arguments: ["--port", "0"], log: sandbox)
        defer { serving.process.kill() }
        _ = try await Api(base: serving.baseURL).signIn("tty@example.com", "Typed-Passw0rd")
        let (refused, _) = try await Api(base: serving.baseURL).call("POST", "/auth/login", body: ["email": "typo@example.com", "password": "Typed-Passw0rd"])
        XCTAssertEqual(refused, 401)
    }

    // MARK: - drain on SIGTERM

    /// SIGTERM while an upload is half sent: new connections are refused, the upload is answered 201
    /// once its last bytes arrive, and the process exits 0 right after (not at the end of the grace).
    func testSIGTERMFinishesAnUploadInFlightThenExitsZero() async throws {
        try await forEachDatabase { environment in
            let server = try BuiltProducts.path("eaglehurst-server")
            let made = try ChildProcess.run(
                [server, "create-admin", "--email", "drain@example.com", "--password-stdin"], environment: environment, stdin: "Drain-Passw0rd\n")
            XCTAssertEqual(made.status, 0, made.output)
            // HOST and PORT stand in for the flags.
            let port = try freePort()
            let serving = try ServedProcess(environment: environment.merging(["HOST": "127.0.0.1", "PORT": "\(port)"]) { $1 }, arguments: [], log: sandbox)
            defer { serving.process.kill() }
            XCTAssertEqual(serving.baseURL.port, port)
            let api = Api(base: serving.baseURL)
            let token = try await api.signIn("drain@example.com", "Drain-Passw0rd")
            try await waitUntilReady(api)

            let boundary = "drain-\(UUID().uuidString)"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\npassport\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"passport.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".utf8) + Data(repeating: UInt8(ascii: "x"), count: 200_000) + Data("\n%%EOF\n".utf8)
            body += Data("\r\n--\(boundary)--\r\n".utf8)
            let head = """
                POST /api/v1/users/kyc-upload HTTP/1.1\r
                Host: 127.0.0.1:\(port)\r
                Authorization: Bearer \(token)\r
                Content-Type: multipart/form-data; boundary=\(boundary)\r
                Content-Length: \(body.count)\r
                \r

                """
            let upload = try RawConnection(port: port)
            try upload.send(Data(head.utf8) + body.prefix(body.count / 2))
            try await Task.sleep(for: .milliseconds(500))

            XCTAssertEqual(kill(serving.process.pid, SIGTERM), 0)
            let heard = Date().addingTimeInterval(10)
            while !serving.logText().contains("draining"), Date() < heard { try await Task.sleep(for: .milliseconds(10)) }
            let refusedBy = Date().addingTimeInterval(10)
            var refused = false
            while !refused, Date() < refusedBy {
                if let probe = try? RawConnection(port: port) {
                    // Accepted before the listener closed: it must not be served as ready.
                    try? probe.send(Data("GET /api/v1/health/ready HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                    let answer = String(decoding: probe.readToEnd(timeout: 5), as: UTF8.self)
                    XCTAssertFalse(answer.hasPrefix("HTTP/1.1 200"), "a draining server answered ready:\n\(answer)")
                    try await Task.sleep(for: .milliseconds(50))
                } else {
                    refused = true
                }
            }
            XCTAssertTrue(refused, "new connections are refused once draining")
            XCTAssertNil(serving.process.wait(timeout: 0), "the server waits for the upload it holds")

            try upload.send(body.suffix(from: body.count / 2))
            let answer = String(decoding: upload.readToEnd(timeout: 30), as: UTF8.self)
            upload.close()
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 201"), answer)
            XCTAssertTrue(answer.lowercased().contains("connection: close"), answer)
            XCTAssertTrue(answer.contains("\"document_type\":\"passport\""), answer)

            let status = serving.process.wait(timeout: 15)
            XCTAssertEqual(status, 0, "exits 0 once what it held is done, well before SHUTDOWN_GRACE_SECONDS:\n\(serving.logText())")
        }
    }

    /// A request that does not finish within SHUTDOWN_GRACE_SECONDS is cut, and the server still
    /// exits 0 then, not at Vapor's own 10 s.
    func testSIGTERMCutsWhatOutlastsTheGrace() async throws {
        var environment = baseEnvironment()
        environment["EAGLEHURST_DATA_DIR"] = sandbox.appendingPathComponent("data").path
        environment["SHUTDOWN_GRACE_SECONDS"] = "1"
        let serving = try ServedProcess(environment: environment, arguments: ["--port", "0"], log: sandbox)
        defer { serving.process.kill() }
        let port = try XCTUnwrap(serving.baseURL.port)
        let stalled = try RawConnection(port: port)
        try stalled.send(Data("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{".utf8))
        try await Task.sleep(for: .milliseconds(300))

        let signalled = Date()
        XCTAssertEqual(kill(serving.process.pid, SIGTERM), 0)
        let status = serving.process.wait(timeout: 30)
        let took = Date().timeIntervalSince(signalled)
        XCTAssertEqual(status, 0, serving.logText())
        XCTAssertGreaterThanOrEqual(took, 0.9, "it waited for the request it held")
        XCTAssertLessThan(took, 6, "SHUTDOWN_GRACE_SECONDS=1 bounds the wait:\n\(serving.logText())")
        XCTAssertFalse(String(decoding: stalled.readToEnd(timeout: 2), as: UTF8.self).hasPrefix("HTTP/1.1 2"))
    }

    // MARK: - Helpers

    func baseEnvironment() -> [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": sandbox.path,
            "LANG": "C.UTF-8",
        ]
    }

    /// The environment of a server on a fresh SQLite data directory, then (when the run has one) on a
    /// fresh PostgreSQL database.
    func forEachDatabase(_ body: ([String: String]) async throws -> Void) async throws {
        var environment = baseEnvironment()
        environment["EAGLEHURST_DATA_DIR"] = sandbox.appendingPathComponent("data-sqlite").path
        environment["BCRYPT_COST"] = "4"
        try await body(environment)

        guard let base = ProcessInfo.processInfo.environment["EAGLEHURST_TEST_POSTGRES_URL"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("EAGLEHURST_TEST_POSTGRES_URL is not set") }
            return
        }
        let name = "operating_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = String(base.split(separator: "?").first ?? Substring(base))
        let (status, text) = try ChildProcess.run(["psql", "-X", "-q", admin, "-c", "CREATE DATABASE \(name)"])
        XCTAssertEqual(status, 0, text)
        defer { _ = try? ChildProcess.run(["psql", "-X", "-q", admin, "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
        environment["EAGLEHURST_DATA_DIR"] = sandbox.appendingPathComponent("data-postgres").path
        environment["DATABASE_URL"] = base.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        try await body(environment)
    }

    /// Runs `create-admin` at the tmux terminal (on a cleared screen), types `first` at the first
    /// prompt and `second` at the second; answers the screen once the command has exited.
    func createAdminAtPrompt(_ terminal: TmuxSession, _ server: String, _ email: String, _ first: String, then second: String) throws -> String {
        try terminal.run("clear; \(server) create-admin --email \(email); echo \"exit=$?\"")
        try terminal.waitFor(timeout: 60, "the first prompt") { $0.contains("Password for the new admin:") }
        try type(terminal, first)
        try terminal.keys("Enter")
        try terminal.waitFor(timeout: 10, "the second prompt") { $0.contains("The same password again:") }
        try type(terminal, second)
        try terminal.keys("Enter")
        return try terminal.waitFor(timeout: 60, "create-admin to exit") { $0.range(of: "exit=[0-9]", options: .regularExpression) != nil }
    }

    func waitUntilReady(_ api: Api) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let (status, _) = try? await api.call("GET", "/health/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EError("the server was not ready within 60 s")
    }

    static func matches(_ pattern: String, _ text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: pattern)
        return Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        })
    }
}

/// `eaglehurst-server serve` as a child process, its log in a file, once it says where it serves.
final class ServedProcess {
    let process: ChildProcess
    let logPath: String
    let baseURL: URL

    init(environment: [String: String], arguments: [String], log directory: URL) throws {
        logPath = directory.appendingPathComponent("serve-\(UUID().uuidString).log").path
        process = try ChildProcess([try BuiltProducts.path("eaglehurst-server"), "serve"] + arguments, environment: environment, stdout: .file(logPath))
        let deadline = Date().addingTimeInterval(90)
        while true {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"serving http://[0-9.]+:[0-9]+/api/v1"#, options: .regularExpression) {
                baseURL = URL(string: String(text[range].dropFirst("serving ".count)))!
                return
            }
            if let status = process.wait(timeout: 0) { throw E2EError("serve exited with \(status):\n\(text)") }
            guard Date() < deadline else {
                process.kill()
                throw E2EError("serve did not say where it serves within 90 s:\n\(text)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func logText() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// A plain TCP connection to the loopback server, so a test controls when each byte is sent.
final class RawConnection {
    private var fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw E2EError("connect: \(reason)")
        }
    }

    deinit { close() }

    func send(_ data: Data) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(fd, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw E2EError("send: \(String(cString: strerror(errno)))") }
                sent += count
            }
        }
    }

    /// What the server sends until it closes the connection (or `timeout` passes).
    func readToEnd(timeout: TimeInterval) -> Data {
        let deadline = Date().addingTimeInterval(timeout)
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[..<count])
        }
        return received
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
