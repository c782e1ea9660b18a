import Crypto
import Foundation

/// Weak validators for conditional GETs: the hash of the answer as it would be sent.
enum ETag {
    static func of<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let digest = SHA256.hash(data: try encoder.encode(value))
        return "W/\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// A validator from parts that change whenever the answer does, for answers too large to encode
    /// twice (once to hash, once to send) on a hot path.
    static func fingerprint(_ parts: [String]) -> String {
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return "W/\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// Whether an `If-None-Match` header names this tag (or `*`).
    static func matches(_ ifNoneMatch: String?, _ tag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        let strip = { (t: Substring) in t.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") }
        return ifNoneMatch.split(separator: ",").contains { strip($0) == "*" || strip($0) == strip(Substring(tag)) }
    }
}
