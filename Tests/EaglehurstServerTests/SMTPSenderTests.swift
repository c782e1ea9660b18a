import EaglehurstServer
import Foundation
import EaglehurstTestSupport
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
