@testable import EaglehurstServer
import EaglehurstAPI
import Foundation
import OpenAPIRuntime
import XCTest

/// `EncodedSummary` and `ListingPageWriter` write what the generated handler's encoder writes:
/// random summaries (awkward text, absent fields, dates with fractions of a second) compared byte
/// for byte with `JSONEncoder` set up as swift-openapi-runtime sets it up in `routes.swift`.
final class SummaryJSONTests: XCTestCase {
    /// The generated handler's encoder: keys sorted, slashes unescaped, dates through the runtime's
    /// default ISO 8601 transcoder.
    static func runtimeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let transcoder = ISO8601DateTranscoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try transcoder.encode(date))
        }
        return encoder
    }

    static let awkward = [
        "Pharmacy in Leeds", "Café & crème brûlée", "quote \" and \\ backslash", "slash / and </script>",
        "tab\there\nnew line\r\u{08}\u{0C}", "controls \u{01}\u{1F}\u{7F}", "emoji 😀 and 中文", "\u{2028}\u{2029}", "",
        "Ωμέγα — “curly”", "a\u{0}b",
    ]

    func randomSummary(_ random: inout ListingIndexTests.Random) -> Components.Schemas.ListingSummary {
        func text() -> String { (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.awkward.randomElement(using: &random)! }.joined(separator: " ") }
        func date() -> Date {
            // Whole seconds, milliseconds and microseconds, either side of 1970, up to year 2400.
            let seconds = Double(Int64.random(in: -2_000_000_000...13_500_000_000, using: &random))
            let fraction = [0, 0.5, 0.999, 0.9995, 0.9999, 0.123456, Double.random(in: 0..<1, using: &random)].randomElement(using: &random)!
            return Date(timeIntervalSince1970: seconds + fraction)
        }
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &random) ? value() : nil }
        return .init(
            id: UUID(), sellerId: UUID(), title: text(), summary: maybe(text()),
            businessType: Components.Schemas.BusinessType.allCases.randomElement(using: &random)!,
            location: text(), region: text(), askingPrice: Int64.random(in: 0...Int64.max, using: &random),
            annualRevenue: maybe(Int64.random(in: Int64.min...Int64.max, using: &random)),
            netProfit: maybe(Int64.random(in: -10_000_000_000...10_000_000_000, using: &random)),
            staffCount: maybe(Int.random(in: 0...100_000, using: &random)),
            tenure: maybe(Components.Schemas.Tenure.allCases.randomElement(using: &random)!), status: .published,
            publishedAt: maybe(date()), createdAt: date(), updatedAt: date())
    }

    func testSummariesAreTheBytesTheGeneratedEncoderWrites() throws {
        var random = ListingIndexTests.Random(state: 7)
        let encoder = Self.runtimeEncoder()
        for n in 0..<2_000 {
            var summary = randomSummary(&random)
            let encoded = EncodedSummary(summary)
            XCTAssertEqual(String(decoding: encoded.bytes, as: UTF8.self), String(decoding: try encoder.encode(summary), as: UTF8.self), "summary \(n)")
            for saved in [true, false] {
                var bytes: [UInt8] = []
                encoded.write(isSaved: saved, to: &bytes)
                summary.isSaved = saved
                XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(decoding: try encoder.encode(summary), as: UTF8.self), "summary \(n) saved \(saved)")
                summary.isSaved = nil
            }
            XCTAssertEqual(
                String(decoding: encoded.tagPrefix, as: UTF8.self), "\(summary.id):\(summary.updatedAt.timeIntervalSince1970):")
        }
    }

    func testDatesAreWrittenAsTheRuntimesTranscoderWritesThem() throws {
        let transcoder = ISO8601DateTranscoder()
        var random = ListingIndexTests.Random(state: 99)
        var dates = [0, -0.5, -0.0004, 0.0005, 951_782_399.9996, 951_782_400.7, 1_700_000_000.9999, 253_402_300_799.9]
        for _ in 0..<20_000 { dates.append(Double(Int64.random(in: -11_000_000_000...253_402_300_000, using: &random)) + Double.random(in: 0..<1, using: &random)) }
        for seconds in dates {
            let date = Date(timeIntervalSince1970: seconds)
            var bytes: [UInt8] = []
            SummaryJSON.date(date, &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "\"\(try transcoder.encode(date))\"", "\(seconds)")
        }
    }

    func testPlainQueriesAreReadAsTheContractSaysAndAnythingElseIsLeftToTheHandler() {
        let plain = PlainListingsQuery("q=care%20home&business_type=pharmacy&business_type=optician&region=South%20East&min_price=0&max_price=900000&min_revenue=-5&max_revenue=7&sort=price_asc&page=3&per_page=50")
        XCTAssertEqual(plain?.filters.text, "care home")
        XCTAssertEqual(plain?.filters.businessTypes, ["pharmacy", "optician"])
        XCTAssertEqual(plain?.filters.region, "South East")
        XCTAssertEqual(plain?.filters.minPrice, 0)
        XCTAssertEqual(plain?.filters.maxPrice, 900_000)
        XCTAssertEqual(plain?.filters.minRevenue, -5)
        XCTAssertEqual(plain?.filters.maxRevenue, 7)
        XCTAssertEqual(plain?.filters.sort, .priceAsc)
        XCTAssertEqual(plain?.page, 3)
        XCTAssertEqual(plain?.perPage, 50)
        XCTAssertEqual(PlainListingsQuery(nil), PlainListingsQuery(""))
        XCTAssertNotNil(PlainListingsQuery("page=0&per_page=1000"), "in range or not is for PageRequest to say, as in the handler")
        XCTAssertNotNil(PlainListingsQuery("q=%20"))
        XCTAssertNil(PlainListingsQuery("q=%20")?.filters.text, "blank text is no text, as in the handler")
        for unusual in [
            "q=care+home", "page=1&page=2", "per_page=abc", "page=%2B3", "page=1.0", "sort=cheapest", "business_type=bakery",
            "q=", "unknown=1", "q", "min_price=99999999999999999999", "q=%FF", "page=",
        ] {
            XCTAssertNil(PlainListingsQuery(unusual), unusual)
        }
    }
}
