import CCurl
import Foundation

/// Sends mail to an SMTP server through libcurl.
///
/// The server comes from one URL, as in `SMTP_URL`:
/// - `smtp://user:pass@host:port`: plain SMTP (port 25 unless given);
/// - `smtp://user:pass@host:587?starttls=required`: STARTTLS, and refuse to go on without it;
/// - `smtps://user:pass@host:465`: TLS from the first byte (port 465 unless given).
///
/// User name and password are percent-decoded (write `@` as `%40`). A path, if any, is the
/// domain libcurl names in `EHLO`. TLS always verifies the server's certificate and host name.
/// Sending blocks on a thread of its own, never on Swift's cooperative pool. A send that has
/// started runs to its end even if the calling task is cancelled; `timeout` bounds it.
public struct SMTPSender: Sendable {
    public enum Security: String, Sendable {
        /// No TLS.
        case none
        /// Upgrade with STARTTLS; fail if the server does not offer it.
        case startTLS
        /// TLS from the start (`smtps://`).
        case implicitTLS
    }

    public let host: String
    public let port: Int
    public let security: Security
    public let username: String?
    public let connectTimeout: Duration
    public let timeout: Duration
    private let password: String?
    /// What libcurl connects to: the URL without credentials and query.
    private let serverURL: String

    /// - Throws: ``SMTPSenderError/malformedURL(_:)`` saying what is wrong with `url`.
    public init(url: URL, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)) throws {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else {
            throw SMTPSenderError.malformedURL("cannot parse it")
        }
        let scheme = components.scheme?.lowercased() ?? ""
        guard scheme == "smtp" || scheme == "smtps" else {
            throw SMTPSenderError.malformedURL("the scheme must be smtp or smtps, not \(scheme.isEmpty ? "nothing" : scheme)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw SMTPSenderError.malformedURL("it names no host (expected \(scheme)://user:pass@host:port)")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw SMTPSenderError.malformedURL("port \(port) is out of range")
        }
        var security: Security = scheme == "smtps" ? .implicitTLS : .none
        for item in components.queryItems ?? [] {
            switch (item.name.lowercased(), item.value?.lowercased()) {
            case ("starttls", "required"?), ("starttls", "true"?):
                guard scheme == "smtp" else {
                    throw SMTPSenderError.malformedURL("starttls applies to smtp://, while smtps:// is TLS from the start")
                }
                security = .startTLS
            case ("starttls", "false"?), ("starttls", "no"?):
                break
            default:
                throw SMTPSenderError.malformedURL(
                    "unknown option \(item.name)=\(item.value ?? "") (the only option is starttls=required)"
                )
            }
        }
        if components.password != nil && components.user == nil {
            throw SMTPSenderError.malformedURL("it has a password but no user name")
        }

        self.host = host
        self.port = components.port ?? (scheme == "smtps" ? 465 : 25)
        self.security = security
        self.username = components.user
        self.password = components.password
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        components.port = self.port
        guard let serverURL = components.string else {
            throw SMTPSenderError.malformedURL("cannot rebuild it without its credentials")
        }
        self.serverURL = serverURL
    }

    /// Hands one message to the server for the envelope sender and recipients.
    ///
    /// `message` is a complete RFC 5322 message with CRLF line endings (see ``MailMessage``);
    /// libcurl escapes lines that start with a dot.
    /// - Throws: ``SMTPSenderError`` naming the cause; `CancellationError` if the task is cancelled first.
    public func send(from sender: String, to recipients: [String], message: Data) async throws {
        guard !recipients.isEmpty else { throw SMTPSenderError.noRecipients }
        for address in [sender] + recipients where !Self.isUsableEnvelopeAddress(address) {
            throw SMTPSenderError.invalidAddress(address)
        }
        try Task.checkCancellation()
        let transfer = SMTPTransfer(
            serverURL: serverURL, host: host, port: port, security: security,
            username: username, password: password,
            connectTimeout: connectTimeout, timeout: timeout,
            sender: sender, recipients: recipients, message: message
        )
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try transfer.perform() })
            }
            thread.name = "eaglehurst-smtp"
            thread.start()
        }
    }

    /// Sends a ``MailMessage`` to its own recipients.
    public func send(_ message: MailMessage) async throws {
        try await send(from: message.from.address, to: message.to.map(\.address), message: message.rendered())
    }

    private static func isUsableEnvelopeAddress(_ address: String) -> Bool {
        !address.isEmpty && address.contains("@")
            && !address.unicodeScalars.contains { $0.value < 0x21 || $0 == "<" || $0 == ">" || $0.value == 0x7F }
    }
}

extension SMTPSender: CustomStringConvertible {
    /// The server and user, never the password.
    public var description: String {
        let user = username.map { "\($0)@" } ?? ""
        return "SMTPSender(\(security == .implicitTLS ? "smtps" : "smtp")://\(user)\(host):\(port), \(security.rawValue))"
    }
}
