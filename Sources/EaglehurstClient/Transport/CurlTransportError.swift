import CCurl
import Foundation

/// Why a request through ``CurlTransport`` failed before any HTTP response arrived.
///
/// HTTP error statuses (404, 500, …) are not errors here: they come back as responses.
/// Each case's `description` is a sentence a person can read as-is.
public enum CurlTransportError: Error, Sendable, Equatable {
    /// Nothing accepts connections at this address (no server running, or a firewall rejects it).
    case connectionRefused(host: String, port: Int)
    /// The connection or the whole exchange took longer than the configured timeout.
    case timedOut
    /// The host name does not resolve to an address.
    case couldNotResolveHost(String)
    /// The TLS handshake or the server's certificate failed; the message is libcurl's detail.
    case tls(String)
    /// Any other libcurl failure, with its `CURLcode` and libcurl's message.
    case other(code: Int, message: String)
}

extension CurlTransportError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .connectionRefused(host, port):
            "Cannot connect to \(host):\(port): connection refused"
        case .timedOut:
            "The server did not answer in time"
        case let .couldNotResolveHost(host):
            "Cannot find the server \(host): the host name does not resolve"
        case let .tls(message):
            "Secure connection failed: \(message)"
        case let .other(code, message):
            "The request failed: \(message) (curl error \(code))"
        }
    }

    public var errorDescription: String? { description }
}

extension CurlTransportError {
    /// Maps a failed `curl_easy_perform` to the case that names its cause.
    /// - Parameters:
    ///   - message: libcurl's error buffer for this transfer, or empty.
    ///   - systemErrno: `CURLINFO_OS_ERRNO`, which tells a refused connection from other connect failures.
    init(code: CURLcode, message: String, host: String, port: Int, systemErrno: Int) {
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        switch eh_curl_failure_cause(code, systemErrno, 0) {
        case .connectionRefused:
            self = .connectionRefused(host: host, port: port)
        case .timedOut:
            self = .timedOut
        case .unresolvedHost:
            self = .couldNotResolveHost(host)
        case .tls:
            self = .tls(detail)
        case .other, .loginDenied, .errorReply:
            self = .other(code: Int(code.rawValue), message: detail)
        }
    }
}
