import CCurl
import Foundation
import HTTPTypes
import Synchronization

/// Set when the task waiting for a transfer is cancelled; libcurl's progress callback reads it.
final class TransferCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// One HTTP request, prepared for libcurl, and the blocking code that performs it.
struct CurlTransfer: Sendable {
    struct Response: Sendable {
        var status: Int
        var headerFields: HTTPFields
        var body: Data
    }

    let url: String
    let host: String
    let port: Int
    let method: HTTPRequest.Method
    let headerLines: [String]
    let body: Data?
    let configuration: CurlTransport.Configuration

    init(request: HTTPRequest, body: Data?, baseURL: URL, configuration: CurlTransport.Configuration) throws {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: true),
              let target = URLComponents(string: request.path ?? ""),
              let host = components.host
        else {
            throw CurlTransportError.other(
                code: Int(CURLE_URL_MALFORMAT.rawValue),
                message: "Cannot build a URL from \(baseURL.absoluteString) and \(request.path ?? "")"
            )
        }
        var basePath = components.percentEncodedPath
        if basePath.hasSuffix("/") { basePath.removeLast() }
        components.percentEncodedPath = basePath + target.percentEncodedPath
        components.percentEncodedQuery = target.percentEncodedQuery
        guard let url = components.string else {
            throw CurlTransportError.other(code: Int(CURLE_URL_MALFORMAT.rawValue), message: "Cannot build a URL from \(baseURL.absoluteString)")
        }
        self.url = url
        self.host = host
        self.port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        self.method = request.method
        self.body = body
        self.configuration = configuration
        self.headerLines = Self.headerLines(for: request.headerFields)
    }

    /// The request's header lines in libcurl's form, which sends `Name;` for an empty value.
    private static func headerLines(for fields: HTTPFields) -> [String] {
        var lines = fields.map { field in
            field.value.isEmpty ? "\(field.name.rawName);" : "\(field.name.rawName): \(field.value)"
        }
        // A bare "Name:" removes a header libcurl would add on its own: no `Expect: 100-continue`
        // round trip before large bodies, and no form Content-Type on a POST that names none.
        if fields[.expect] == nil { lines.append("Expect:") }
        if fields[.contentType] == nil { lines.append("Content-Type:") }
        return lines
    }

    /// Blocks the calling thread for the whole exchange; never call it on the cooperative pool.
    func perform(pool: EasyHandlePool, cancellation: TransferCancellation) throws -> Response {
        let handle = try pool.checkOut()
        defer { pool.checkIn(handle) }
        let easy = handle.raw

        let state = TransferState(cancellation: cancellation)
        let statePointer = Unmanaged.passUnretained(state).toOpaque()
        var headers: UnsafeMutablePointer<curl_slist>?
        for line in headerLines { headers = curl_slist_append(headers, line) }
        defer { curl_slist_free_all(headers) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        eh_curl_setopt_string(easy, CURLOPT_URL, url)
        eh_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        eh_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        eh_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, configuration.timeout.milliseconds)
        eh_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        eh_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let file = configuration.certificateAuthorityFile { eh_curl_setopt_string(easy, CURLOPT_CAINFO, file) }
        eh_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        eh_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        setMethodAndBody(on: easy)

        eh_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, statePointer)
        eh_curl_setopt_headerfunction(easy) { bytes, size, count, context in
            let length = size * count
            guard let bytes, let context else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
            Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue().receiveHeaderLine(line)
            return length
        }
        eh_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, statePointer)
        eh_curl_setopt_writefunction(easy) { bytes, size, count, context in
            let length = size * count
            guard let bytes, let context else { return length }
            Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue().body
                .append(UnsafeRawBufferPointer(start: bytes, count: length).assumingMemoryBound(to: UInt8.self))
            return length
        }
        eh_curl_setopt_ptr(easy, CURLOPT_XFERINFODATA, statePointer)
        eh_curl_setopt_xferinfofunction(easy) { context, _, _, _, _ in
            guard let context else { return 0 }
            // Non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
            return Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
        }
        eh_curl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)

        let code = withExtendedLifetime(state) { curl_easy_perform(easy) }
        guard code == CURLE_OK else {
            if code == CURLE_ABORTED_BY_CALLBACK && cancellation.isCancelled { throw CancellationError() }
            var systemErrno = 0
            eh_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &systemErrno)
            throw CurlTransportError(
                code: code, message: String(cString: errorBuffer), host: host, port: port, systemErrno: systemErrno
            )
        }
        var status = 0
        eh_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, headerFields: state.headerFields, body: state.body)
    }

    private func setMethodAndBody(on easy: UnsafeMutableRawPointer) {
        switch (method, body) {
        case (.get, nil):
            eh_curl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case (.head, nil):
            eh_curl_setopt_long(easy, CURLOPT_NOBODY, 1)
        case (.post, nil):
            eh_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            eh_curl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
        case (_, nil):
            eh_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue)
        case let (_, body?):
            // COPYPOSTFIELDS copies exactly POSTFIELDSIZE bytes, so binary bodies survive.
            eh_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            _ = body.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress {
                    eh_curl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                } else {
                    eh_curl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
                }
            }
            if method != .post { eh_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue) }
        }
    }
}

/// What libcurl's callbacks collect during one transfer; used only on the transfer's thread.
private final class TransferState {
    let cancellation: TransferCancellation
    var headerFields = HTTPFields()
    var body = Data()

    init(cancellation: TransferCancellation) {
        self.cancellation = cancellation
    }

    /// libcurl calls back once per header line, status line and blank line included.
    func receiveHeaderLine(_ rawLine: String) {
        let line = rawLine.trimmingCharacters(in: .newlines)
        if line.hasPrefix("HTTP/") {
            // A new status line starts a new header block (after `100 Continue` or a proxy's
            // CONNECT answer): only the final response's headers count. Its reason phrase is ignored.
            headerFields = HTTPFields()
        } else if line.first == " " || line.first == "\t" {
            guard !headerFields.isEmpty else { return }
            let last = headerFields.count - 1
            headerFields[last].value += " " + line.trimmingCharacters(in: .whitespaces)
        } else if let colon = line.firstIndex(of: ":"),
                  let name = HTTPField.Name(String(line[..<colon])) {
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headerFields.append(HTTPField(name: name, value: value))
        }
    }
}

extension Duration {
    /// Whole milliseconds, as libcurl's `_MS` options take them.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
