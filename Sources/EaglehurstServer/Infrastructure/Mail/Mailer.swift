import Foundation

/// Sends mail. The embedded default writes to an outbox folder; with `SMTP_URL` set, mail goes
/// over SMTP through libcurl.
public protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws
}

/// Writes each message as an `.eml` file, so the server works offline and a person can read the mail.
public struct OutboxMailer: Mailer {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func send(_ message: MailMessage) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stamp = Self.stamp.string(from: message.date)
        let name = "\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).eml"
        let file = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: file.path, contents: message.rendered(), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }

    /// Sortable by name: the newest mail is the last file.
    private static let stamp: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS"
        return formatter
    }()
}

public struct SMTPMailer: Mailer {
    public let sender: SMTPSender

    public init(sender: SMTPSender) {
        self.sender = sender
    }

    public func send(_ message: MailMessage) async throws {
        try await sender.send(message)
    }
}
