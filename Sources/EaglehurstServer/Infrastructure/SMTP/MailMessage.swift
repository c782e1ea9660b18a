import Foundation

/// A mailbox: an address and, optionally, the name shown with it.
public struct MailAddress: Sendable, Hashable {
    public var address: String
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

/// A plain-text mail, rendered as an RFC 5322 message that any SMTP server and mail
/// reader accepts: CRLF line endings, lines under 78 characters, UTF-8 text in
/// quoted-printable, and non-ASCII header text as RFC 2047 encoded words.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    public var body: String
    public var date: Date
    /// The Message-ID without angle brackets.
    public var messageID: String

    /// - Parameter messageID: unique per message; by default a random one in the sender's domain.
    public init(from: MailAddress, to: [MailAddress], subject: String, body: String, date: Date = Date(), messageID: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "eaglehurst.invalid"
        self.messageID = messageID ?? "\(UUID().uuidString.lowercased())@\(domain)"
    }

    /// The message as SMTP carries it. Dot-stuffing is left to the SMTP client (libcurl).
    public func rendered() -> Data {
        let headers = [
            MailHeader.field("Date", Self.rfc5322Date(date)),
            MailHeader.addressField("From", [from]),
            MailHeader.addressField("To", to),
            MailHeader.textField("Subject", subject),
            MailHeader.field("Message-ID", "<\(MailHeader.singleLine(messageID))>"),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return Data((headers.joined(separator: "\r\n") + "\r\n\r\n" + QuotedPrintable.encode(body) + "\r\n").utf8)
    }

    /// `Tue, 25 Nov 2025 14:03:09 +0000`: English names whatever the machine's locale.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

/// Header field rendering: folding, encoded words, and no way to smuggle in a line break.
enum MailHeader {
    static let lineLimit = 78

    static func field(_ name: String, _ value: String) -> String {
        fold(name: name, words: singleLine(value).split(separator: " ", omittingEmptySubsequences: false).map(String.init))
    }

    /// Free text: kept as it is when it is printable ASCII, else RFC 2047 encoded words.
    static func textField(_ name: String, _ text: String) -> String {
        let text = singleLine(text)
        return needsEncoding(text) ? fold(name: name, words: encodedWords(text)) : field(name, text)
    }

    static func addressField(_ name: String, _ mailboxes: [MailAddress]) -> String {
        let rendered = mailboxes.map(mailbox)
        let words = rendered.enumerated().flatMap { index, mailbox in
            var words = mailbox.split(separator: " ").map(String.init)
            if index < rendered.count - 1 { words[words.count - 1] += "," }
            return words
        }
        return fold(name: name, words: words)
    }

    static func mailbox(_ mailbox: MailAddress) -> String {
        let address = "<\(singleLine(mailbox.address).replacingOccurrences(of: " ", with: ""))>"
        guard let name = mailbox.name.map(singleLine), !name.isEmpty else { return address }
        if needsEncoding(name) { return (encodedWords(name) + [address]).joined(separator: " ") }
        let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: " !#$%&'*+-/=?^_`{|}~"))
        if name.unicodeScalars.allSatisfy(atext.contains) { return "\(name) \(address)" }
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(quoted)\" \(address)"
    }

    /// Line breaks in a header value would start a new header: they become spaces.
    static func singleLine(_ value: String) -> String {
        String(value.map { $0.isNewline ? " " : $0 })
    }

    static func needsEncoding(_ text: String) -> Bool {
        text.contains("=?") || text.unicodeScalars.contains { !(0x20...0x7E).contains($0.value) }
    }

    /// `=?utf-8?B?…?=` words, never splitting a character between two words.
    static func encodedWords(_ text: String) -> [String] {
        // Base64 of 39 bytes is 52 characters; with `=?utf-8?B?` and `?=` a word is at most 64,
        // so even `Subject: ` and a word stay within RFC 2047's 76-character lines.
        let maxBytes = 39
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > maxBytes {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words
    }

    /// `Name: word word …`, continued on lines that start with a space when it grows too long.
    static func fold(name: String, words: [String]) -> String {
        var lines = ["\(name):"]
        for word in words {
            if lines[lines.count - 1].count + 1 + word.count > lineLimit && lines[lines.count - 1].count > name.count + 1 {
                lines.append(" \(word)")
            } else {
                lines[lines.count - 1] += " \(word)"
            }
        }
        return lines.joined(separator: "\r\n")
    }
}

/// RFC 2045 quoted-printable over UTF-8, with CRLF hard line breaks and encoded lines of at
/// most 76 characters. Soft breaks fall between characters, never inside one's UTF-8 bytes.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalised.split(separator: "\n", omittingEmptySubsequences: false)
            .map { encodeLine(Array($0.unicodeScalars)) }
            .joined(separator: "\r\n")
    }

    private static func encodeLine(_ scalars: [Unicode.Scalar]) -> String {
        var output = ""
        var lineLength = 0
        for (index, scalar) in scalars.enumerated() {
            let isLast = index == scalars.count - 1
            let literal = (0x21...0x7E).contains(scalar.value) && scalar != "="
                || (scalar == " " || scalar == "\t") && !isLast
            let token = literal ? String(scalar) : String(scalar).utf8.map { "=" + hex($0) }.joined()
            // A soft break ("=" at the end of a line) keeps every encoded line within 76 characters.
            let room = isLast ? 76 : 75
            if lineLength + token.count > room {
                output += "=\r\n"
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
