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
        fingerprint(bytes: Array(parts.joined(separator: "\u{1F}").utf8))
    }

    /// The same validator from the parts already joined.
    static func fingerprint(bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let hex = Array("0123456789abcdef".utf8)
        var tag = Array("W/\"".utf8)
        for byte in digest.prefix(12) { tag.append(hex[Int(byte >> 4)]); tag.append(hex[Int(byte & 0xF)]) }
        tag.append(UInt8(ascii: "\""))
        return String(decoding: tag, as: UTF8.self)
    }

    /// The header value the generated handlers send for `tag`: the runtime writes a header as a
    /// URI component, so `W/"…"` goes out as `W%2F%22…%22` (and comes back the same way).
    static func headerValue(_ tag: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(tag.utf8.count + 16)
        for byte in tag.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether an `If-None-Match` header names this tag (or `*`).
    static func matches(_ ifNoneMatch: String?, _ tag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        let strip = { (t: Substring) in t.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") }
        return ifNoneMatch.split(separator: ",").contains { strip($0) == "*" || strip($0) == strip(Substring(tag)) }
    }
}
