import Foundation
import Logging

/// A log handler that appends lines to a file, for the embedded server: the terminal client owns
/// the screen, so nothing may be written to stdout or stderr while it runs.
public struct FileLogHandler: LogHandler {
    /// One shared, locked file handle per path.
    final class Sink: @unchecked Sendable {
        // `lock` guards every write to `handle`.
        private let lock = NSLock()
        private let handle: FileHandle

        init(path: String) throws {
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            handle.seekToEndOfFile()
            self.handle = handle
        }

        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            handle.write(Data(line.utf8))
        }
    }

    private let sink: Sink
    private let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    /// Makes a factory for `LoggingSystem.bootstrap` writing to `path` (created 0600 when missing).
    public static func factory(path: String, level: Logger.Level) throws -> @Sendable (String) -> any LogHandler {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let sink = try Sink(path: path)
        return { label in FileLogHandler(sink: sink, label: label, logLevel: level) }
    }

    init(sink: Sink, label: String, logLevel: Logger.Level) {
        self.sink = sink
        self.label = label
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601)
        sink.write("\(time) \(event.level) \(label):\(fields) \(event.message)\n")
    }
}
