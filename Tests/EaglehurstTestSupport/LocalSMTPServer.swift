import Foundation

/// One message as the test SMTP server received and parsed it.
public struct ReceivedMail: Decodable, Sendable {
    public var mailFrom: String
    public var recipients: [String]
    public var login: String?
    public var from: String
    public var to: String
    public var subject: String
    public var date: String?
    public var messageID: String
    public var contentType: String
    public var body: String
    public var defects: [String]
    public var raw: String
}

/// aiosmtpd (run by `TestPython`) on a free loopback port. It accepts any sender, refuses recipients at
/// `refuse.test` with 550, accepts the login `mailer` / `s3crét@x` without TLS, and writes
/// each accepted message to `<directory>/<n>.json`.
// Every stored property is a `let` set before the server is shared.
public final class LocalSMTPServer: @unchecked Sendable {
    let process: ChildProcess
    public let port: Int
    /// Where accepted messages land, inside the server's own temporary directory.
    public let directory: URL
    public var url: URL { URL(string: "smtp://127.0.0.1:\(port)")! }

    private static let script = #"""
    import email, email.policy, json, os, signal, socket, sys, threading

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

    public static func start() throws -> LocalSMTPServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sender-\(UUID())")
        let inbox = directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let scriptURL = directory.appendingPathComponent("smtp_server.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)

        let errors = directory.appendingPathComponent("stderr.txt").path
        let python = try TestPython.path()
        let process = try ChildProcess([python, scriptURL.path, inbox.path], stdin: .pipe, stdout: .pipe, stderr: .file(errors))
        var firstLine = process.firstLine()
        if Int(firstLine) == nil, let said = try? String(contentsOfFile: errors, encoding: .utf8), !said.isEmpty {
            firstLine += " " + said.suffix(500)
        }
        let server = LocalSMTPServer(process: process, port: Int(firstLine) ?? 0, directory: inbox)
        guard server.port > 0 else {
            server.stop()
            if firstLine.hasPrefix("aiosmtpd is missing") {
                throw TestPython.missing("aiosmtpd", python: python)
            }
            throw TestSupportError("the test SMTP server did not start (it printed \"\(firstLine)\")")
        }
        return server
    }

    private init(process: ChildProcess, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    public func receivedMail() throws -> [ReceivedMail] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
            .map { try JSONDecoder().decode(ReceivedMail.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    public func onlyReceivedMail() throws -> ReceivedMail {
        let mail = try receivedMail()
        guard mail.count == 1 else { throw TestSupportError("expected one received mail, found \(mail.count)") }
        return mail[0]
    }

    /// Closing its stdin makes the server exit; then its temporary directory goes.
    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}

