import Foundation

/// Why the S3 store could not do what it was asked. Each description is one sentence for a log
/// line or the start-up error, naming the endpoint, bucket or key and what to check.
public enum S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer: connection refused, timeout, unknown host, TLS.
    case unreachable(url: String, detail: String)
    /// S3 answered with an error (`code` and `message` from its XML body; for a HEAD, which has
    /// no body, the code is named after the status).
    case refused(operation: String, status: Int, code: String, message: String)
    /// The bucket does not exist (checked at start-up).
    case bucketMissing(bucket: String, endpoint: String)
    /// An answer that is not what S3 sends (e.g. no UploadId after CreateMultipartUpload).
    case malformedResponse(operation: String, detail: String)

    public var description: String {
        switch self {
        case let .unreachable(url, detail):
            "Cannot reach the S3 endpoint at \(url): \(detail). Check S3_ENDPOINT."
        case let .refused(operation, status, code, message):
            "S3 refused \(operation): \(status) \(code)\(message.isEmpty ? "" : ": \(message)")"
                + (Self.credentialCodes.contains(code) ? " Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and S3_REGION)." : "")
        case let .bucketMissing(bucket, endpoint):
            "The S3 bucket '\(bucket)' does not exist at \(endpoint). Create it, or set S3_CREATE_BUCKET=true to have the server create it."
        case let .malformedResponse(operation, detail):
            "S3 answered \(operation) with something unexpected: \(detail)"
        }
    }

    /// The error codes that mean the key pair (or the region it signs for) is wrong.
    static let credentialCodes: Set<String> = [
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "AuthorizationHeaderMalformed", "InvalidToken",
    ]

    /// The error in an S3 answer: its XML `<Error>` body, or a code named after the status.
    static func from(_ response: S3Transfer.Response, operation: String) -> S3Error {
        let code = S3XML.first("Code", in: response.body) ?? Self.codeName(status: response.status)
        let message = S3XML.first("Message", in: response.body) ?? ""
        return .refused(operation: operation, status: response.status, code: code, message: message)
    }

    private static func codeName(status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 403: "Forbidden (wrong credentials or no permission)"
        case 404: "NotFound"
        case 500...599: "ServerError"
        default: "HTTP \(status)"
        }
    }
}

/// The few values the store reads from S3's XML answers. The elements it reads hold plain text,
/// so a search for `<Name>…</Name>` with the five XML entities undone is all the parsing needed.
enum S3XML {
    static func first(_ element: String, in body: Data) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(element)>"),
              let close = text.range(of: "</\(element)>", range: open.upperBound..<text.endIndex) else { return nil }
        return unescape(String(text[open.upperBound..<close.lowerBound]))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
