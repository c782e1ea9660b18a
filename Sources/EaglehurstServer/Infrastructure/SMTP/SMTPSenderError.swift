import CCurl
import Foundation

/// Why ``SMTPSender`` could not be set up or could not hand a mail to the server.
/// Each case's `description` is one sentence fit for a log line or a start-up error.
public enum SMTPSenderError: Error, Sendable, Equatable {
    /// The SMTP URL cannot be used; the text says what is wrong (never the password).
    case malformedURL(String)
    /// An envelope address is empty or contains characters that cannot appear in SMTP.
    case invalidAddress(String)
    /// A mail must go to at least one recipient.
    case noRecipients
    /// Nothing accepts connections at the mail server's address.
    case connectionRefused(host: String, port: Int)
    /// Connecting or the whole exchange took longer than the configured timeout.
    case timedOut
    /// The mail server's host name does not resolve.
    case couldNotResolveHost(String)
    /// TLS failed: the handshake, the certificate, or STARTTLS required but not offered.
    case tls(String)
    /// The server refused the user name and password from the URL.
    case authenticationFailed(String)
    /// The server answered the sender, a recipient or the message with an error reply.
    case rejected(replyCode: Int, message: String)
    /// Any other libcurl failure, with its `CURLcode` and libcurl's message.
    case other(code: Int, message: String)
}

extension SMTPSenderError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .malformedURL(reason):
            "Malformed SMTP URL: \(reason)"
        case let .invalidAddress(address):
            "Not a usable mail address: \(address)"
        case .noRecipients:
            "A mail needs at least one recipient"
        case let .connectionRefused(host, port):
            "Cannot connect to the mail server \(host):\(port): connection refused"
        case .timedOut:
            "The mail server did not answer in time"
        case let .couldNotResolveHost(host):
            "Cannot find the mail server \(host): the host name does not resolve"
        case let .tls(message):
            "Secure connection to the mail server failed: \(message)"
        case let .authenticationFailed(message):
            "The mail server refused the user name or password: \(message)"
        case let .rejected(replyCode, message):
            "The mail server refused the mail (reply \(replyCode)): \(message)"
        case let .other(code, message):
            "Sending mail failed: \(message) (curl error \(code))"
        }
    }

    public var errorDescription: String? { description }
}

extension SMTPSenderError {
    /// Maps a failed `curl_easy_perform` of an SMTP transfer to the case that names its cause.
    /// - Parameters:
    ///   - message: libcurl's error buffer for the transfer, or empty.
    ///   - replyCode: the last SMTP reply code (`CURLINFO_RESPONSE_CODE`), 0 if none arrived.
    ///   - systemErrno: `CURLINFO_OS_ERRNO`, which tells a refused connection from other connect failures.
    init(code: CURLcode, message: String, replyCode: Int, host: String, port: Int, systemErrno: Int) {
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        switch eh_curl_failure_cause(code, systemErrno, replyCode) {
        case .connectionRefused:
            self = .connectionRefused(host: host, port: port)
        case .timedOut:
            self = .timedOut
        case .unresolvedHost:
            self = .couldNotResolveHost(host)
        case .loginDenied:
            self = .authenticationFailed(detail)
        case .tls:
            self = .tls(detail)
        case .errorReply:
            self = .rejected(replyCode: replyCode, message: detail)
        case .other:
            self = .other(code: Int(code.rawValue), message: detail)
        }
    }
}
