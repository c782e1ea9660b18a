import EaglehurstServer
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `SMTPSender` and `MailMessage` against a real SMTP server: aiosmtpd (PyPI) started per
/// test on a free loopback port, writing each message it accepts to a directory as JSON,
/// parsed by Python's `email` package so the checks below do not trust our own encoder.
final class SMTPSenderTests: XCTestCase {
    private var server: LocalSMTPServer!

    override func setUp() async throws {
        server = try LocalSMTPServer.start()
    }

    override func tearDown() async throws {
        server?.stop()
    }

    func testNonASCIIMailArrivesIntact() async throws {
        let body = """
        Bonjour Zoë,

        Votre code de vérification est 482913. Il expire dans 10 minutes — ne le partagez pas, s'il vous plaît.
        .
        .a line that starts with a dot
        tab\tand trailing space\u{20}
        a=b, 100% “quoted”, emoji 🩺
        """
        let message = MailMessage(
            from: MailAddress("no-reply@eaglehurst.test", name: "Équipe Eaglehurst"),
            to: [MailAddress("zoe@example.test", name: "Zoë Brontë"), MailAddress("audit@example.test")],
            subject: "Vérifiez votre adresse — code 482913 pour la pharmacie de Saint-Étienne 🩺",
            body: body
        )

        try await SMTPSender(url: server.url).send(message)

        let mail = try server.onlyReceivedMail()
        XCTAssertEqual(mail.mailFrom, "no-reply@eaglehurst.test")
        XCTAssertEqual(mail.recipients, ["zoe@example.test", "audit@example.test"])
        XCTAssertEqual(mail.subject, message.subject)
        XCTAssertEqual(mail.from, "Équipe Eaglehurst <no-reply@eaglehurst.test>")
        XCTAssertEqual(mail.to, "Zoë Brontë <zoe@example.test>, audit@example.test")
        XCTAssertEqual(mail.body, body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        XCTAssertEqual(mail.contentType, "text/plain; charset=utf-8")
        XCTAssertEqual(mail.messageID, "<\(message.messageID)>")
        XCTAssertNotNil(mail.date, "Python could not parse the Date header")
        XCTAssertEqual(mail.defects, [])
        XCTAssertNil(mail.login)

        let lines = mail.raw.components(separatedBy: "\r\n")
        XCTAssertFalse(lines.contains { $0.contains("\n") || $0.contains("\r") }, "every line ends with CRLF")
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 78)
    }

    func testEnvelopeCanDifferFromHeaders() async throws {
        let rendered = MailMessage(
            from: MailAddress("no-reply@eaglehurst.test"),
            to: [MailAddress("listed@example.test")],
            subject: "Plain ASCII subject",
            body: "Hello"
        ).rendered()

        try await SMTPSender(url: server.url)
            .send(from: "bounces@eaglehurst.test", to: ["hidden@example.test"], message: rendered)

        let mail = try server.onlyReceivedMail()
        XCTAssertEqual(mail.mailFrom, "bounces@eaglehurst.test")
        XCTAssertEqual(mail.recipients, ["hidden@example.test"])
        XCTAssertEqual(mail.to, "listed@example.test")
        XCTAssertEqual(mail.subject, "Plain ASCII subject")
        XCTAssertTrue(mail.raw.contains("\r\nSubject: Plain ASCII subject\r\n"), "an ASCII subject is not encoded")
    }

    func testCredentialsFromTheURLAreUsed() async throws {
        let url = URL(string: "smtp://mailer:s3cr%C3%A9t%40x@127.0.0.1:\(server.port)")!
        try await SMTPSender(url: url).send(from: "a@eaglehurst.test", to: ["b@example.test"], message: Data("Subject: hi\r\n\r\nhi\r\n".utf8))
        XCTAssertEqual(try server.onlyReceivedMail().login, "mailer")
    }

    func testWrongPasswordIsAuthenticationFailed() async throws {
        let url = URL(string: "smtp://mailer:wrong@127.0.0.1:\(server.port)")!
        let error = await sendExpectingError(try SMTPSender(url: url))
        guard case .authenticationFailed = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(error!.description.hasPrefix("The mail server refused the user name or password"), error!.description)
        XCTAssertFalse(error!.description.contains("wrong"), "the password never appears in messages")
    }

    func testRefusedRecipientIsRejectedWithTheReplyCode() async throws {
        let error = await sendExpectingError(try SMTPSender(url: server.url), to: ["nobody@refuse.test"])
        guard case .rejected(550, _) = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(try server.receivedMail().count, 0)
    }

    func testRequiredSTARTTLSThatTheServerDoesNotOfferFails() async throws {
        let url = URL(string: "smtp://127.0.0.1:\(server.port)?starttls=required")!
        let error = await sendExpectingError(try SMTPSender(url: url))
        guard case .tls = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(try server.receivedMail().count, 0, "nothing is sent in the clear")
    }

    func testNothingListeningIsConnectionRefused() async throws {
        let port = try unusedLoopbackPort()
        let error = await sendExpectingError(try SMTPSender(url: URL(string: "smtp://127.0.0.1:\(port)")!))
        XCTAssertEqual(error, .connectionRefused(host: "127.0.0.1", port: port))
        XCTAssertEqual(error?.description, "Cannot connect to the mail server 127.0.0.1:\(port): connection refused")
    }

    func testMalformedURLsSayWhatIsWrong() {
        let cases = [
            "http://mail.example.test": "Malformed SMTP URL: the scheme must be smtp or smtps, not http",
            "smtp:///no-host": "Malformed SMTP URL: it names no host (expected smtp://user:pass@host:port)",
            "smtp://mail.example.test?starttls=maybe": "Malformed SMTP URL: unknown option starttls=maybe (the only option is starttls=required)",
            "smtps://mail.example.test?starttls=required": "Malformed SMTP URL: starttls applies to smtp://, while smtps:// is TLS from the start",
        ]
        for (string, expected) in cases {
            XCTAssertThrowsError(try SMTPSender(url: URL(string: string)!), string) { error in
                XCTAssertEqual((error as? SMTPSenderError)?.description, expected)
            }
        }
    }

    func testURLSettingsAndDescriptionWithoutPassword() throws {
        let plain = try SMTPSender(url: URL(string: "smtp://127.0.0.1")!)
        XCTAssertEqual([plain.port, plain.security == .none ? 1 : 0], [25, 1])
        let implicit = try SMTPSender(url: URL(string: "smtps://user:pa55@mail.example.test")!)
        XCTAssertEqual(implicit.port, 465)
        XCTAssertEqual(implicit.security, .implicitTLS)
        XCTAssertEqual(implicit.username, "user")
        XCTAssertEqual(implicit.description, "SMTPSender(smtps://user@mail.example.test:465, implicitTLS)")
        let startTLS = try SMTPSender(url: URL(string: "smtp://mail.example.test:587?starttls=required")!)
        XCTAssertEqual(startTLS.security, .startTLS)
        XCTAssertEqual(startTLS.port, 587)
    }

    func testUnusableAddressesAreRefusedBeforeConnecting() async throws {
        let sender = try SMTPSender(url: URL(string: "smtp://127.0.0.1:1")!)
        let noRecipients = await sendExpectingError(sender, to: [])
        XCTAssertEqual(noRecipients, .noRecipients)
        let injected = await sendExpectingError(sender, to: ["a@example.test>\r\nRCPT TO:<b@example.test"])
        XCTAssertEqual(injected, .invalidAddress("a@example.test>\r\nRCPT TO:<b@example.test"))
    }

    func testRenderedMessageFoldsAndEncodesHeaders() throws {
        let message = MailMessage(
            from: MailAddress("no-reply@eaglehurst.test", name: "Support, \"Eaglehurst\""),
            to: [MailAddress("a@example.test")],
            subject: "Line one\r\nBcc: injected@example.test",
            body: String(repeating: "é", count: 60) + "\n=",
            date: Date(timeIntervalSince1970: 0),
            messageID: "fixed@eaglehurst.test"
        )
        let text = String(decoding: message.rendered(), as: UTF8.self)
        let (head, body) = try XCTUnwrap(text.range(of: "\r\n\r\n").map { (text[..<$0.lowerBound], text[$0.upperBound...]) })

        XCTAssertEqual(head.components(separatedBy: "\r\n"), [
            "Date: Thu, 01 Jan 1970 00:00:00 +0000",
            "From: \"Support, \\\"Eaglehurst\\\"\" <no-reply@eaglehurst.test>",
            "To: <a@example.test>",
            "Subject: Line one Bcc: injected@example.test",
            "Message-ID: <fixed@eaglehurst.test>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ])
        let bodyLines = body.components(separatedBy: "\r\n")
        XCTAssertEqual(Array(bodyLines.suffix(2)), ["=3D", ""], "the body ends with CRLF")
        XCTAssertTrue(bodyLines.allSatisfy { $0.count <= 76 })
        XCTAssertEqual(bodyLines.first?.hasSuffix("="), true, "a long line continues with a soft break")
    }

    // MARK: - Helpers

    private func sendExpectingError(_ sender: SMTPSender, to recipients: [String] = ["b@example.test"]) async -> SMTPSenderError? {
        do {
            try await sender.send(from: "a@eaglehurst.test", to: recipients, message: Data("Subject: hi\r\n\r\nhi\r\n".utf8))
            XCTFail("expected an error")
            return nil
        } catch let error as SMTPSenderError {
            return error
        } catch {
            XCTFail("expected an SMTPSenderError, got \(error)")
            return nil
        }
    }
}

/// One message as the test SMTP server received and parsed it.
private struct ReceivedMail: Decodable {
    var mailFrom: String
    var recipients: [String]
    var login: String?
    var from: String
    var to: String
    var subject: String
    var date: String?
    var messageID: String
    var contentType: String
    var body: String
    var defects: [String]
    var raw: String
}

/// aiosmtpd on a free loopback port. It accepts any sender, refuses recipients at
/// `refuse.test` with 550, accepts the login `mailer` / `s3crét@x` without TLS, and writes
/// each accepted message to `<directory>/<n>.json`.
private final class LocalSMTPServer {
    let process: Process
    let port: Int
    /// Where accepted messages land, inside the server's own temporary directory.
    let directory: URL
    private let input: Pipe
    var url: URL { URL(string: "smtp://127.0.0.1:\(port)")! }

    private static let script = #"""
    import email, email.policy, json, os, signal, socket, sys, threading

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
    except ImportError:
        print("aiosmtpd is missing", flush=True)
        sys.exit(3)

    directory = sys.argv[1]

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.endswith("@refuse.test"):
                return "550 5.1.1 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            record = {
                "mailFrom": envelope.mail_from,
                "recipients": envelope.rcpt_tos,
                "login": session.auth_data.login.decode() if session.authenticated else None,
                "from": str(message["From"]),
                "to": str(message["To"]),
                "subject": str(message["Subject"]),
                "date": str(message["Date"].datetime) if message["Date"] and message["Date"].datetime else None,
                "messageID": str(message["Message-ID"]),
                "contentType": f"{message.get_content_type()}; charset={message.get_content_charset()}",
                "body": message.get_content(),
                "defects": [repr(d) for d in message.defects],
                "raw": envelope.original_content.decode("utf-8"),
            }
            name = os.path.join(directory, f"{len(os.listdir(directory))}.json")
            with open(name + ".tmp", "w") as f:
                json.dump(record, f)
            os.rename(name + ".tmp", name)
            return "250 Message accepted"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer" and auth_data.password == "s3crét@x".encode()
        # handled=False makes aiosmtpd answer 535 itself on failure instead of staying silent.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port,
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    print(port, flush=True)
    threading.Event().wait()
    """#

    static func start() throws -> LocalSMTPServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sender-\(UUID())")
        let inbox = directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let scriptURL = directory.appendingPathComponent("smtp_server.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, inbox.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let firstLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = LocalSMTPServer(process: process, input: input, port: Int(firstLine) ?? 0, directory: inbox)
        guard server.port > 0 else {
            server.stop()
            if firstLine == "aiosmtpd is missing" {
                throw SMTPTestError("aiosmtpd is not installed for python3: run `pip install aiosmtpd`")
            }
            throw SMTPTestError("the test SMTP server did not start (it printed \"\(firstLine)\")")
        }
        return server
    }

    private init(process: Process, input: Pipe, port: Int, directory: URL) {
        self.process = process
        self.input = input
        self.port = port
        self.directory = directory
    }

    func receivedMail() throws -> [ReceivedMail] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
            .map { try JSONDecoder().decode(ReceivedMail.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    func onlyReceivedMail() throws -> ReceivedMail {
        let mail = try receivedMail()
        guard mail.count == 1 else { throw SMTPTestError("expected one received mail, found \(mail.count)") }
        return mail[0]
    }

    /// Closing its stdin makes the server exit; then its temporary directory goes.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}

/// A loopback port that nothing listens on: bound once to get a free number, then released.
private func unusedLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw SMTPTestError("socket failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 ? getsockname(descriptor, $0, &length) : -1
        }
    }
    guard result == 0 else { throw SMTPTestError("bind failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

private struct SMTPTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
