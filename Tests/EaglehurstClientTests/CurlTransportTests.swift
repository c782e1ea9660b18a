import EaglehurstClient
import Foundation
import HTTPTypes
import OpenAPIRuntime
import XCTest
#if canImport(Glibc)
import Glibc
#endif
#if canImport(EaglehurstTestSupport)
import EaglehurstTestSupport
#endif

/// `CurlTransport` against real servers over loopback: a small Python HTTP(S) server started
/// per test, raw sockets for the failure cases, and the Eaglehurst server itself.
final class CurlTransportTests: XCTestCase {
    private var server: PythonHTTPServer!

    override func setUp() async throws {
        server = try PythonHTTPServer.start()
    }

    override func tearDown() async throws {
        server?.stop()
    }

    // MARK: - Responses

    func testJSONBodyRoundTripsThroughPOST() async throws {
        let payload = #"{"business_name":"Zoë's Pharmacy","asking_price":"125000.00"}"#
        let (response, body) = try await CurlTransport().send(
            HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/echo?page=2",
                        headerFields: [.contentType: "application/json"]),
            body: HTTPBody(payload),
            baseURL: server.baseURL,
            operationID: "echo"
        )

        XCTAssertEqual(response.status, .ok)
        let echo = try await Echo.decode(body)
        XCTAssertEqual(echo.method, "POST")
        XCTAssertEqual(echo.path, "/api/v1/echo?page=2")
        XCTAssertEqual(echo.body, payload)
        XCTAssertEqual(echo.headers["content-type"], ["application/json"])
    }

    func testEveryMethodSendsItsBody() async throws {
        let transport = CurlTransport()
        for method in [HTTPRequest.Method.put, .patch, .delete, .post] {
            let (_, body) = try await transport.send(
                HTTPRequest(method: method, scheme: nil, authority: nil, path: "/echo",
                            headerFields: [.contentType: "text/plain"]),
                body: HTTPBody("body of \(method.rawValue)"),
                baseURL: server.baseURL,
                operationID: "echo"
            )
            let echo = try await Echo.decode(body)
            XCTAssertEqual(echo.method, method.rawValue)
            XCTAssertEqual(echo.body, "body of \(method.rawValue)")
        }
    }

    func testMethodsWithoutBodySendNone() async throws {
        let transport = CurlTransport()
        for method in [HTTPRequest.Method.get, .delete, .post] {
            let (_, body) = try await transport.send(
                HTTPRequest(method: method, scheme: nil, authority: nil, path: "/echo"),
                body: nil, baseURL: server.baseURL, operationID: "echo"
            )
            let echo = try await Echo.decode(body)
            XCTAssertEqual(echo.method, method.rawValue)
            XCTAssertEqual(echo.body, "")
            XCTAssertNil(echo.headers["content-type"], "\(method) without a body must not claim a content type")
        }
        let (head, headBody) = try await transport.send(
            HTTPRequest(method: .head, scheme: nil, authority: nil, path: "/echo"),
            body: nil, baseURL: server.baseURL, operationID: "echo"
        )
        XCTAssertEqual(head.status, .ok)
        XCTAssertNil(headBody)
    }

    func testHeadersTravelBothWaysWithRepeatedValues() async throws {
        var fields: HTTPFields = [.authorization: "Bearer token-123"]
        fields.append(HTTPField(name: HTTPField.Name("X-Tag")!, value: "one"))
        fields.append(HTTPField(name: HTTPField.Name("X-Tag")!, value: "two"))

        let (response, body) = try await CurlTransport().send(
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/echo", headerFields: fields),
            body: nil, baseURL: server.baseURL, operationID: "echo"
        )

        let echo = try await Echo.decode(body)
        XCTAssertEqual(echo.headers["authorization"], ["Bearer token-123"])
        XCTAssertEqual(echo.headers["x-tag"], ["one", "two"])
        XCTAssertNil(echo.headers["expect"])
        XCTAssertEqual(response.status.code, 200)
        XCTAssertNotEqual(response.status.reasonPhrase, "Totally Fine", "the server's reason phrase is ignored")
        XCTAssertEqual(response.headerFields[values: HTTPField.Name("X-Multi")!], ["first", "second"])
        XCTAssertEqual(response.headerFields[.contentType], "application/json")
    }

    func testErrorStatusesAreResponsesNotErrors() async throws {
        let transport = CurlTransport()
        for code in [404, 500] {
            let (response, body) = try await transport.send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/status/\(code)"),
                body: nil, baseURL: server.baseURL, operationID: "status"
            )
            XCTAssertEqual(response.status.code, code)
            let text = try await String(collecting: try XCTUnwrap(body), upTo: 1 << 16)
            XCTAssertEqual(text, #"{"status": \#(code)}"#)
        }
    }

    // MARK: - Connections and threads

    func testSequentialRequestsReuseOneConnection() async throws {
        let transport = CurlTransport()
        for _ in 0..<3 {
            let (response, _) = try await transport.send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/echo"),
                body: nil, baseURL: server.baseURL, operationID: "echo"
            )
            XCTAssertEqual(response.status, .ok)
        }
        let (_, body) = try await transport.send(
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/connections"),
            body: nil, baseURL: server.baseURL, operationID: "connections"
        )
        let text = try await String(collecting: try XCTUnwrap(body), upTo: 1 << 16)
        XCTAssertEqual(text, #"{"connections": 1}"#, "four requests should share one TCP connection")

        // Without idle handles to keep connections in, each request opens its own.
        let forgetful = CurlTransport(configuration: .init(maxIdleHandles: 0))
        for path in ["/echo", "/echo", "/connections"] {
            let (_, body) = try await forgetful.send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: path),
                body: nil, baseURL: server.baseURL, operationID: "connections"
            )
            if path == "/connections" {
                let text = try await String(collecting: try XCTUnwrap(body), upTo: 1 << 16)
                XCTAssertEqual(text, #"{"connections": 4}"#)
            }
        }
    }

    func testConcurrentRequestsDoNotBlockTheCooperativePool() async throws {
        // Sixteen requests that each wait 0.5 s on the server: 4 s at least, were
        // `curl_easy_perform` run on the cooperative pool (as wide as this 2-core machine).
        let transport = CurlTransport()
        let baseURL = server.baseURL
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let (response, _) = try await transport.send(
                        HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/slow"),
                        body: nil, baseURL: baseURL, operationID: "slow"
                    )
                    return response.status.code
                }
            }
            for try await code in group { XCTAssertEqual(code, 200) }
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
    }

    func testCancellingTheTaskAbortsTheTransfer() async throws {
        let listener = try SilentListener()
        let transport = CurlTransport(configuration: .init(timeout: .seconds(30)))
        let start = ContinuousClock.now
        let request = Task {
            try await transport.send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"),
                body: nil, baseURL: listener.url, operationID: "silent"
            )
        }
        try await Task.sleep(for: .milliseconds(300))
        request.cancel()
        do {
            _ = try await request.value
            XCTFail("a cancelled request must not succeed")
        } catch {
            XCTAssertTrue(error is CancellationError, "got \(error)")
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    }

    // MARK: - Failures

    func testNothingListeningIsConnectionRefused() async throws {
        let port = try unusedLoopbackPort()
        let error = await sendExpectingError(to: URL(string: "http://127.0.0.1:\(port)/api/v1")!)
        XCTAssertEqual(error, .connectionRefused(host: "127.0.0.1", port: port))
        XCTAssertEqual(error?.description, "Cannot connect to 127.0.0.1:\(port): connection refused")
        XCTAssertEqual(error?.localizedDescription, error?.description)
    }

    func testServerThatNeverAnswersTimesOut() async throws {
        let listener = try SilentListener()
        let start = ContinuousClock.now
        let error = await sendExpectingError(
            to: listener.url,
            configuration: .init(connectTimeout: .seconds(2), timeout: .milliseconds(700))
        )
        XCTAssertEqual(error, .timedOut)
        XCTAssertEqual(error?.description, "The server did not answer in time")
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    }

    func testUnresolvableHostNamesTheHost() async throws {
        let error = await sendExpectingError(to: URL(string: "http://nonexistent.invalid/")!)
        XCTAssertEqual(error, .couldNotResolveHost("nonexistent.invalid"))
        XCTAssertEqual(error?.description, "Cannot find the server nonexistent.invalid: the host name does not resolve")
    }

    func testSelfSignedCertificateIsRefused() async throws {
        let tlsServer = try PythonHTTPServer.start(tls: true)
        defer { tlsServer.stop() }

        let error = await sendExpectingError(to: tlsServer.baseURL)
        guard case let .tls(message) = error else {
            return XCTFail("expected a TLS error, got \(String(describing: error))")
        }
        XCTAssertTrue(error!.description.hasPrefix("Secure connection failed: "), error!.description)
        XCTAssertFalse(message.isEmpty)
    }

    func testCertificateSignedByTheConfiguredAuthorityIsAccepted() async throws {
        // The same server succeeds once its certificate is trusted: TLS works, verification
        // is what refuses it above.
        let tlsServer = try PythonHTTPServer.start(tls: true)
        defer { tlsServer.stop() }

        let transport = CurlTransport(configuration: .init(certificateAuthorityFile: tlsServer.certificatePath))
        let (response, body) = try await transport.send(
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/echo"),
            body: nil, baseURL: tlsServer.baseURL, operationID: "echo"
        )
        XCTAssertEqual(response.status, .ok)
        let echo = try await Echo.decode(body)
        XCTAssertEqual(echo.method, "GET")
    }

    // MARK: - The Eaglehurst server

    #if canImport(EaglehurstTestSupport)
    func testHealthOfTheRealServer() async throws {
        let eaglehurst = try await TestServer.start()
        do {
            let client = Client(serverURL: eaglehurst.baseURL, transport: CurlTransport())
            let response = try await client.healthGet()
            guard case .ok = response else { return XCTFail("expected 200, got \(response)") }
        } catch {
            try await eaglehurst.stop()
            throw error
        }
        try await eaglehurst.stop()
    }
    #endif

    // MARK: - Helpers

    private func sendExpectingError(
        to baseURL: URL,
        configuration: CurlTransport.Configuration = .init(connectTimeout: .seconds(5), timeout: .seconds(10))
    ) async -> CurlTransportError? {
        do {
            let (response, _) = try await CurlTransport(configuration: configuration).send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/echo"),
                body: nil, baseURL: baseURL, operationID: "echo"
            )
            XCTFail("expected an error, got \(response.status)")
            return nil
        } catch let error as CurlTransportError {
            return error
        } catch {
            XCTFail("expected a CurlTransportError, got \(error)")
            return nil
        }
    }
}

/// What the test server's `/echo` saw.
private struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [String: [String]]
    var body: String

    static func decode(_ body: HTTPBody?) async throws -> Echo {
        let data = try await Data(collecting: try XCTUnwrap(body), upTo: 1 << 20)
        return try JSONDecoder().decode(Echo.self, from: data)
    }
}

/// A Python `http.server` (HTTP/1.1, keep-alive, threaded) on a free loopback port, optionally
/// behind TLS. `/echo` answers what it received, `/status/N` answers status N, `/slow` waits
/// half a second, `/connections` counts the TCP connections accepted so far.
private final class PythonHTTPServer {
    let process: ChildProcess
    let port: Int
    var baseURL: URL { URL(string: "\(scheme)://127.0.0.1:\(port)/api/v1")! }
    private let scheme: String

    private static let script = #"""
    import http.server, json, os, signal, ssl, sys, threading, time

    # Exit when the test process closes our stdin (or dies).
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()

    connections = 0
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            global connections
            with lock:
                connections += 1
            super().setup()

        def log_message(self, *args):
            pass

        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            received = self.rfile.read(length) if length else b""
            path = self.path.removeprefix("/api/v1")
            status, reason = 200, "Totally Fine"
            if path == "/connections":
                payload = {"connections": connections}
            elif path.startswith("/status/"):
                status, reason = int(path.split("/")[2]), None
                payload = {"status": status}
            else:
                if path == "/slow":
                    time.sleep(0.5)
                names = {name.lower() for name in self.headers.keys()}
                payload = {
                    "method": self.command,
                    "path": self.path,
                    "headers": {name: self.headers.get_all(name) for name in names},
                    "body": received.decode("utf-8"),
                }
            data = json.dumps(payload).encode()
            self.send_response(status, reason)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Multi", "first")
            self.send_header("X-Multi", "second")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = answer

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 3:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    /// - Parameter tls: serve HTTPS with a self-signed certificate for 127.0.0.1, made with `openssl`.
    static func start(tls: Bool = false) throws -> PythonHTTPServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-transport-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptURL = directory.appendingPathComponent("server.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let certificatePath = directory.appendingPathComponent("cert.pem").path
        var arguments = ["python3", scriptURL.path]
        if tls {
            let keyPath = directory.appendingPathComponent("key.pem").path
            try runToCompletion([
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", keyPath, "-out", certificatePath,
            ])
            arguments += [certificatePath, keyPath]
        }
        let (process, firstLine) = try launch(arguments)
        let server = PythonHTTPServer(
            process: process, port: Int(firstLine) ?? 0, scheme: tls ? "https" : "http",
            directory: directory, certificatePath: certificatePath
        )
        guard server.port > 0 else {
            server.stop()
            throw TestProcessError("the test HTTP server did not print its port: \(firstLine)")
        }
        return server
    }

    /// The server's certificate (PEM) when it serves HTTPS.
    let certificatePath: String
    private let directory: URL

    private init(process: ChildProcess, port: Int, scheme: String, directory: URL, certificatePath: String) {
        self.process = process
        self.port = port
        self.scheme = scheme
        self.directory = directory
        self.certificatePath = certificatePath
    }

    /// Closing its stdin makes the server exit; then its temporary directory goes.
    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A loopback socket that listens but never accepts: the kernel completes the TCP handshake,
/// and no byte ever comes back.
private final class SilentListener {
    private let descriptor: Int32
    let url: URL

    init() throws {
        (descriptor, _) = try boundLoopbackSocket()
        guard listen(descriptor, 16) == 0 else { throw TestProcessError("listen failed: errno \(errno)") }
        url = URL(string: "http://127.0.0.1:\(try localPort(of: descriptor))/api/v1")!
    }

    deinit { close(descriptor) }
}

/// A loopback port that nothing listens on: bound once to get a free number, then released.
private func unusedLoopbackPort() throws -> Int {
    let (descriptor, port) = try boundLoopbackSocket()
    close(descriptor)
    return port
}

private func boundLoopbackSocket() throws -> (Int32, Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestProcessError("socket failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else {
        close(descriptor)
        throw TestProcessError("bind failed: errno \(errno)")
    }
    return (descriptor, try localPort(of: descriptor))
}

private func localPort(of descriptor: Int32) throws -> Int {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard result == 0 else { throw TestProcessError("getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Starts a program (`python3` found on PATH) with a pipe as its stdin, and waits for the first line it prints.
private func launch(_ arguments: [String]) throws -> (ChildProcess, String) {
    let child = try ChildProcess(arguments, stdin: .pipe, stdout: .pipe, stderr: .null)
    return (child, child.firstLine())
}

private func runToCompletion(_ arguments: [String]) throws {
    let (status, output) = try ChildProcess.run(arguments)
    guard status == 0 else {
        throw TestProcessError("\(arguments.joined(separator: " ")) exited with \(status): \(output)")
    }
}

private struct TestProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
