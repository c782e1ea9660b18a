import CCurl
import Crypto
import Foundation
import Synchronization

/// One S3 request, signed by libcurl (`CURLOPT_AWS_SIGV4`), and the blocking code that sends it.
///
/// libcurl 7.88 signs the hash of the body it was given as `POSTFIELDS` (a read callback's body
/// would be signed as empty), so every body goes that way, with its SHA-256 also sent in
/// `x-amz-content-sha256` as S3 requires.
struct S3Transfer: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    let method: String
    let url: String
    let body: Data?
    let contentType: String?
    let signing: String
    let credentials: String
    let connectTimeout: Duration
    let timeout: Duration

    /// Blocks the calling thread for the whole exchange; never call it on the cooperative pool.
    func perform(pool: S3HandlePool) throws(S3Error) -> Response {
        let handle = try pool.checkOut()
        defer { pool.checkIn(handle) }
        let easy = handle.raw
        let state = ResponseState()
        let payload = body ?? Data()
        var headers: UnsafeMutablePointer<curl_slist>?
        let lines = [
            "x-amz-content-sha256: \(SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined())",
            // Always a value: libcurl 7.88 signs a bare "Name:" (which only removes a header it
            // would add) as if it were sent, and S3 then finds the signature wrong.
            "Content-Type: \(contentType ?? "application/octet-stream")",
        ]
        for line in lines { headers = curl_slist_append(headers, line) }
        defer { curl_slist_free_all(headers) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        eh_curl_setopt_string(easy, CURLOPT_URL, url)
        eh_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        eh_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.curlMilliseconds)
        eh_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds)
        eh_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        eh_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        eh_curl_setopt_string(easy, CURLOPT_AWS_SIGV4, signing)
        eh_curl_setopt_string(easy, CURLOPT_USERPWD, credentials)
        eh_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        eh_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        let statePointer = Unmanaged.passUnretained(state).toOpaque()
        eh_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, statePointer)
        eh_curl_setopt_headerfunction(easy) { bytes, size, count, context in
            let length = size * count
            guard let bytes, let context else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
            Unmanaged<ResponseState>.fromOpaque(context).takeUnretainedValue().receiveHeaderLine(line)
            return length
        }
        eh_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, statePointer)
        eh_curl_setopt_writefunction(easy) { bytes, size, count, context in
            let length = size * count
            guard let bytes, let context else { return length }
            Unmanaged<ResponseState>.fromOpaque(context).takeUnretainedValue().body
                .append(UnsafeRawBufferPointer(start: bytes, count: length).assumingMemoryBound(to: UInt8.self))
            return length
        }

        let code: CURLcode = payload.withUnsafeBytes { bytes in
            switch method {
            case "GET":
                eh_curl_setopt_long(easy, CURLOPT_HTTPGET, 1)
            case "HEAD":
                eh_curl_setopt_long(easy, CURLOPT_NOBODY, 1)
            default:
                // POSTFIELDS points at the body without copying it; it stays valid until perform returns.
                eh_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                eh_curl_setopt_ptr(easy, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(errorBuffer)))
                if method != "POST" { eh_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method) }
            }
            return withExtendedLifetime(state) { curl_easy_perform(easy) }
        }
        guard code == CURLE_OK else {
            var systemErrno = 0
            eh_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &systemErrno)
            let message = String(cString: errorBuffer)
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
            let cause: String = switch eh_curl_failure_cause(code, systemErrno, 0) {
            case .connectionRefused: "connection refused"
            case .timedOut: "timed out"
            case .unresolvedHost: "the host name does not resolve"
            case .tls: "TLS failed"
            default: "curl error \(code.rawValue)"
            }
            throw .unreachable(url: Self.withoutQuery(url), detail: "\(cause): \(detail)")
        }
        var status = 0
        eh_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, headers: state.headers, body: state.body)
    }

    static func withoutQuery(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}

/// Idle easy handles kept between requests, each with its open keep-alive connection.
///
/// A handle belongs to one transfer between `checkOut()` and `checkIn(_:)` and to nobody while
/// idle, which is the use libcurl allows across threads.
final class S3HandlePool: Sendable {
    final class Handle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer

        init?() {
            guard curlGlobalInitialisation == CURLE_OK, let raw = curl_easy_init() else { return nil }
            self.raw = raw
        }

        deinit { curl_easy_cleanup(raw) }
    }

    private let idle = Mutex<[Handle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func checkOut() throws(S3Error) -> Handle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let handle = Handle() else { throw .unreachable(url: "", detail: "libcurl could not create a handle") }
        return handle
    }

    func checkIn(_ handle: Handle) {
        curl_easy_reset(handle.raw)
        idle.withLock { handles in
            if handles.count < capacity { handles.append(handle) }
        }
    }
}

/// What the header and write callbacks collect; used only on the transfer's thread.
private final class ResponseState {
    var headers: [String: String] = [:]
    var body = Data()

    func receiveHeaderLine(_ raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
}

extension Duration {
    /// Whole milliseconds, as libcurl's `_MS` options take them (and as logs show durations).
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
