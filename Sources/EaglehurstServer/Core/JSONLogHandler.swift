import Foundation
import Logging
import NIOConcurrencyHelpers

/// `LOG_FORMAT=json`: one JSON object per line — `time`, `level`, `label`, `message` and the
/// metadata as string fields (the request log line carries `request_id`, `method`, `route`,
/// `path`, `status` and `duration_ms`). Vapor's `request-id` is written as `request_id`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, sink: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(level: event.level, message: event.message, metadata: event.metadata)
    }

    private func write(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?) {
        var fields: [String: Any] = [:]
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let explicit { all.merge(explicit) { $1 } }
        for (key, value) in all {
            let text = "\(value)"
            fields[key == "request-id" ? "request_id" : key] = Self.numericKeys.contains(key) ? (Double(text).map { $0 as Any } ?? text) : text
        }
        fields["time"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["message"] = message.description
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        sink(String(decoding: data, as: UTF8.self))
    }

    /// Written as JSON numbers, so that a log query can compare them.
    static let numericKeys: Set<String> = ["status", "duration_ms"]

    private static let lock = NIOLock()

    /// Whole lines to standard error, one writer at a time so that lines never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
