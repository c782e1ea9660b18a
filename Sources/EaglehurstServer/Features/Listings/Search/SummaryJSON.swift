import EaglehurstAPI
import Foundation
import OpenAPIRuntime

/// A listing's summary as the bytes `GET /listings` sends, made once when the listing enters the
/// index, so a page is written by joining bytes instead of building and encoding each summary.
///
/// The bytes are exactly what the generated handler's encoder writes for a
/// `Components.Schemas.ListingSummary` (keys sorted, compact, slashes unescaped, dates as
/// `ISO8601DateFormatter` writes them, UUIDs upper case, absent optionals left out), so an answer
/// is the same whichever way it was made; `SummaryJSONTests` compares them field by field and byte
/// by byte. `is_saved` is the one per-viewer field: `savedAt` is where it goes (between `id` and
/// `location`, in key order) when a buyer's flags are added.
struct EncodedSummary: Sendable {
    /// The whole object, `{…}`, without `is_saved`; empty for an entry no page shows.
    let bytes: [UInt8]
    /// Where `,"is_saved":…` is inserted.
    let savedAt: Int32
    /// The part of the answer's fingerprint (see `ListingAnswer.tag`) this entry always gives:
    /// `ID:updated_at seconds:`.
    let tagPrefix: [UInt8]

    static let hidden = EncodedSummary(bytes: [], savedAt: 0, tagPrefix: [])

    init(bytes: [UInt8], savedAt: Int32, tagPrefix: [UInt8]) {
        self.bytes = bytes
        self.savedAt = savedAt
        self.tagPrefix = tagPrefix
    }

    init(_ s: Components.Schemas.ListingSummary) {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        var w = SummaryJSON.ObjectWriter()
        if let v = s.annualRevenue { w.key("annual_revenue", &out); SummaryJSON.integer(v, &out) }
        w.key("asking_price", &out); SummaryJSON.integer(s.askingPrice, &out)
        w.key("business_type", &out); SummaryJSON.string(s.businessType.rawValue, &out)
        w.key("created_at", &out); SummaryJSON.date(s.createdAt, &out)
        w.key("id", &out); SummaryJSON.uuid(s.id, &out)
        let savedAt = Int32(out.count)
        w.key("location", &out); SummaryJSON.string(s.location, &out)
        if let v = s.netProfit { w.key("net_profit", &out); SummaryJSON.integer(v, &out) }
        if let v = s.publishedAt { w.key("published_at", &out); SummaryJSON.date(v, &out) }
        w.key("region", &out); SummaryJSON.string(s.region, &out)
        w.key("seller_id", &out); SummaryJSON.uuid(s.sellerId, &out)
        if let v = s.staffCount { w.key("staff_count", &out); SummaryJSON.integer(Int64(v), &out) }
        w.key("status", &out); SummaryJSON.string(s.status.rawValue, &out)
        if let v = s.summary { w.key("summary", &out); SummaryJSON.string(v, &out) }
        if let v = s.tenure { w.key("tenure", &out); SummaryJSON.string(v.rawValue, &out) }
        w.key("title", &out); SummaryJSON.string(s.title, &out)
        w.key("updated_at", &out); SummaryJSON.date(s.updatedAt, &out)
        out.append(UInt8(ascii: "}"))
        // A copy of exactly its length: 100,000 of them would otherwise each keep the 640 reserved.
        self.bytes = [UInt8](unsafeUninitializedCapacity: out.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: out)
        }
        self.savedAt = savedAt
        self.tagPrefix = Array("\(s.id.uuidString):\(s.updatedAt.timeIntervalSince1970):".utf8)
        // Fields this writer does not know would be lost: a summary in the index never has them.
        assert(s.thumbnailUrl == nil && s.rejectionReason == nil && s.hasPendingEdits == nil && s.viewCount == nil
            && s.isSaved == nil && s.available == nil)
    }

    /// The object with `is_saved` (nil: left out), appended to `out`.
    @inline(__always)
    func write(isSaved: Bool?, to out: inout [UInt8]) {
        guard let isSaved else { out.append(contentsOf: bytes); return }
        let split = Int(savedAt)
        out.append(contentsOf: bytes[..<split])
        out.append(contentsOf: isSaved ? SummaryJSON.savedTrue : SummaryJSON.savedFalse)
        out.append(contentsOf: bytes[split...])
    }
}

/// JSON written by hand as Foundation's `JSONEncoder` writes it with `.sortedKeys` and
/// `.withoutEscapingSlashes` (see `EncodedSummary`).
enum SummaryJSON {
    static let savedTrue = Array(#","is_saved":true"#.utf8)
    static let savedFalse = Array(#","is_saved":false"#.utf8)

    struct ObjectWriter {
        private var first = true

        @inline(__always)
        mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
    }

    /// What the generated handlers use (`Configuration.dateTranscoder`'s default).
    private static let transcoder = ISO8601DateTranscoder()

    private static let hex = Array("0123456789abcdef".utf8)

    /// A string with JSONEncoder's escapes: quote, backslash, \b \t \n \f \r, other controls as \u00xx.
    static func string(_ value: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    static func integer(_ value: Int64, _ out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var end = buffer.count
            while magnitude > 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            out.append(contentsOf: buffer[end...])
            return buffer.count - end
        }
        _ = count
    }

    static func uuid(_ value: UUID, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let upper = Array("0123456789ABCDEF".utf8)
        withUnsafeBytes(of: value.uuid) { bytes in
            for (i, byte) in bytes.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                out.append(upper[Int(byte >> 4)])
                out.append(upper[Int(byte & 0xF)])
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC as `ISO8601DateFormatter` writes it: from 1970 to 9999 the time
    /// rounded to the millisecond, then the seconds cut (so 0.9996 s past a second is the next
    /// second); other dates, which no listing has, are left to the formatter itself.
    static func date(_ value: Date, _ out: inout [UInt8]) {
        guard value.timeIntervalSince1970 >= 0, value.timeIntervalSince1970 < 253_402_300_799 else {
            string((try? transcoder.encode(value)) ?? ISO8601DateFormatter().string(from: value), &out)
            return
        }
        let milliseconds = (value.timeIntervalSince1970 * 1000).rounded()
        let seconds = Int64((milliseconds / 1000).rounded(.down))
        var days = seconds / 86_400
        var rest = seconds - days * 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (year, month, day) = CivilDate.fromDays(days)
        out.append(UInt8(ascii: "\""))
        func two(_ v: Int64) { out.append(UInt8(ascii: "0") + UInt8(v / 10)); out.append(UInt8(ascii: "0") + UInt8(v % 10)) }
        two(year / 100); two(year % 100)
        out.append(UInt8(ascii: "-")); two(month)
        out.append(UInt8(ascii: "-")); two(day)
        out.append(UInt8(ascii: "T")); two(rest / 3600)
        out.append(UInt8(ascii: ":")); two(rest / 60 % 60)
        out.append(UInt8(ascii: ":")); two(rest % 60)
        out.append(UInt8(ascii: "Z"))
        out.append(UInt8(ascii: "\""))
    }
}
