import Crypto
import EaglehurstAPI
import Foundation

/// Writes a `ListingPage` answer from the index's encoded summaries: the bytes and the `ETag` that
/// `ListingsBrowse` makes for the same page through the generated types (`SummaryJSONTests`
/// compares the two).
enum ListingPageWriter {
    static func write(
        _ entries: [Int32], of index: ListingIndex, saved: Set<UUID>?, page: PageRequest, total: Int, capped: Bool
    ) -> (body: [UInt8], tag: String) {
        var body: [UInt8] = []
        var fingerprint: [UInt8] = []
        var size = 64
        for entry in entries { size += index.encoded[Int(entry)].bytes.count + 20 }
        body.reserveCapacity(size)
        fingerprint.reserveCapacity(64 + entries.count * 80)
        fingerprint.append(contentsOf: "\(page.page)\u{1F}\(page.perPage)\u{1F}\(total)\u{1F}\(capped)".utf8)
        body.append(contentsOf: #"{"items":["#.utf8)
        for (i, entry) in entries.enumerated() {
            let summary = index.encoded[Int(entry)]
            let isSaved = saved.map { $0.contains(index.ids[Int(entry)]) }
            if i > 0 { body.append(UInt8(ascii: ",")) }
            summary.write(isSaved: isSaved, to: &body)
            fingerprint.append(0x1F)
            fingerprint.append(contentsOf: summary.tagPrefix)
            switch isSaved {
            case .some(true): fingerprint.append(contentsOf: "true:-1:published".utf8)
            case .some(false): fingerprint.append(contentsOf: "false:-1:published".utf8)
            case nil: fingerprint.append(contentsOf: "-:-1:published".utf8)
            }
        }
        body.append(contentsOf: #"],"page":"#.utf8)
        SummaryJSON.integer(Int64(page.page), &body)
        body.append(contentsOf: #","per_page":"#.utf8)
        SummaryJSON.integer(Int64(page.perPage), &body)
        body.append(contentsOf: #","total":"#.utf8)
        SummaryJSON.integer(Int64(total), &body)
        if capped { body.append(contentsOf: #","total_capped":true"#.utf8) }
        body.append(UInt8(ascii: "}"))
        return (body, ETag.fingerprint(bytes: fingerprint))
    }
}

/// The query of `GET /listings` read without the generated handler, for the common case only: every
/// parameter known, well formed and given once (`business_type` may repeat), no `+`. Anything else
/// (nil) goes to the generated handler, which parses it, or answers the problem, as the contract says.
struct PlainListingsQuery: Equatable {
    var filters = ListingSearch.Filters()
    var page: Int?
    var perPage: Int?

    init?(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        guard !query.utf8.contains(UInt8(ascii: "+")) else { return nil }
        var seen = Set<Substring>()
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let name = pair[..<equals]
            guard let value = Self.percentDecoded(pair[pair.index(after: equals)...]), !value.isEmpty else { return nil }
            if name != "business_type" {
                guard seen.insert(name).inserted else { return nil }
            }
            switch name {
            case "q": filters.text = value.trimmingCharacters(in: .whitespaces).isEmpty ? nil : value
            case "business_type":
                guard Components.Schemas.BusinessType(rawValue: value) != nil else { return nil }
                filters.businessTypes.append(value)
            case "region": filters.region = value.trimmingCharacters(in: .whitespaces).isEmpty ? nil : value
            case "min_price": guard let v = Self.integer(value) else { return nil }; filters.minPrice = v
            case "max_price": guard let v = Self.integer(value) else { return nil }; filters.maxPrice = v
            case "min_revenue": guard let v = Self.integer(value) else { return nil }; filters.minRevenue = v
            case "max_revenue": guard let v = Self.integer(value) else { return nil }; filters.maxRevenue = v
            case "sort": guard let v = Components.Schemas.ListingSort(rawValue: value) else { return nil }; filters.sort = v
            case "page": guard let v = Self.integer(value) else { return nil }; page = Int(v)
            case "per_page": guard let v = Self.integer(value) else { return nil }; perPage = Int(v)
            default: return nil
            }
        }
    }

    /// `text` with its `%XX` escapes decoded, as `removingPercentEncoding` does (nil for a broken
    /// escape or bytes that are not UTF-8), without Foundation's string machinery per value.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexDigitValue), let low = iterator.next().flatMap(hexDigitValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Plain decimal digits, optionally after a minus sign (anything else: the generated handler decides).
    private static func integer(_ text: String) -> Int64? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text)
    }
}
