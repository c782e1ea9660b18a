import CCurl
import Foundation

/// libcurl's process-wide set-up. A global's initialiser runs exactly once, even when the
/// first mails or S3 requests start on several threads at the same time.
let curlGlobalInitialisation: CURLcode = eh_curl_global_init_all()

/// One mail, prepared for libcurl, and the blocking code that hands it to the server.
struct SMTPTransfer: Sendable {
    let serverURL: String
    let host: String
    let port: Int
    let security: SMTPSender.Security
    let username: String?
    let password: String?
    let connectTimeout: Duration
    let timeout: Duration
    let sender: String
    let recipients: [String]
    let message: Data

    /// Blocks the calling thread for the whole SMTP exchange; never call it on the cooperative pool.
    func perform() throws {
        guard curlGlobalInitialisation == CURLE_OK, let easy = curl_easy_init() else {
            throw SMTPSenderError.other(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a handle")
        }
        defer { curl_easy_cleanup(easy) }

        var recipientList: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { recipientList = curl_slist_append(recipientList, "<\(recipient)>") }
        defer { curl_slist_free_all(recipientList) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        let upload = MessageUpload(message)

        eh_curl_setopt_string(easy, CURLOPT_URL, serverURL)
        eh_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        eh_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connectTimeout))
        eh_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds(timeout))
        eh_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        eh_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if security == .startTLS { eh_curl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let username { eh_curl_setopt_string(easy, CURLOPT_USERNAME, username) }
        if let password { eh_curl_setopt_string(easy, CURLOPT_PASSWORD, password) }
        eh_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        eh_curl_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(sender)>")
        eh_curl_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipientList)
        eh_curl_setopt_long(easy, CURLOPT_UPLOAD, 1)
        eh_curl_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        eh_curl_setopt_ptr(easy, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
        eh_curl_setopt_readfunction(easy) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            return Unmanaged<MessageUpload>.fromOpaque(context).takeUnretainedValue()
                .read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        }

        let code = withExtendedLifetime(upload) { curl_easy_perform(easy) }
        guard code == CURLE_OK else {
            var replyCode = 0
            var systemErrno = 0
            eh_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &replyCode)
            eh_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &systemErrno)
            throw SMTPSenderError(
                code: code, message: String(cString: errorBuffer), replyCode: replyCode,
                host: host, port: port, systemErrno: systemErrno
            )
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

/// The message bytes libcurl's read callback hands out; used only on the transfer's thread.
private final class MessageUpload {
    private let message: Data
    private var offset = 0

    init(_ message: Data) {
        self.message = message
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, message.count - offset)
        guard count > 0 else { return 0 }
        let start = message.startIndex + offset
        message.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start..<(start + count))
        offset += count
        return count
    }
}
