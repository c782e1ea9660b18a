import EaglehurstAPI
import Foundation

/// The listing rules that need no database: field validation and the status workflow.
enum ListingRules {
    /// The editable fields as one value, so create and update share validation and diffing.
    struct Fields: Equatable {
        var title: String
        var description: String
        var businessType: String
        var location: String
        var region: String
        var askingPrice: Int64
        var annualRevenue: Int64?
        var netProfit: Int64?
        var staffCount: Int?
        var tenure: String?
        var yearEstablished: Int?
        var reasonForSale: String?
        var exactAddress: String?
        var postcode: String?
        var tradingName: String?

        /// Field name on the wire → its value as text, for `listing_edits`.
        var asText: [String: String?] {
            [
                "title": title, "description": description, "business_type": businessType,
                "location": location, "region": region, "asking_price": String(askingPrice),
                "annual_revenue": annualRevenue.map(String.init), "net_profit": netProfit.map(String.init),
                "staff_count": staffCount.map(String.init), "tenure": tenure,
                "year_established": yearEstablished.map(String.init), "reason_for_sale": reasonForSale,
                "exact_address": exactAddress, "postcode": postcode, "trading_name": tradingName,
            ]
        }

        /// Sets one field from its text form (the inverse of `asText`), for approving an edit.
        mutating func set(_ field: String, to text: String?) {
            switch field {
            case "title": title = text ?? title
            case "description": description = text ?? description
            case "business_type": businessType = text ?? businessType
            case "location": location = text ?? location
            case "region": region = text ?? region
            case "asking_price": askingPrice = text.flatMap { Int64($0) } ?? askingPrice
            case "annual_revenue": annualRevenue = text.flatMap { Int64($0) }
            case "net_profit": netProfit = text.flatMap { Int64($0) }
            case "staff_count": staffCount = text.flatMap { Int($0) }
            case "tenure": tenure = text
            case "year_established": yearEstablished = text.flatMap { Int($0) }
            case "reason_for_sale": reasonForSale = text
            case "exact_address": exactAddress = text
            case "postcode": postcode = text
            case "trading_name": tradingName = text
            default: break
            }
        }
    }

    static let maxPrice: Int64 = 100_000_000_000

    static func validate(_ f: Fields, currentYear: Int) -> [String: [String]] {
        func length(_ value: String?, _ range: ClosedRange<Int>, required: Bool) -> [String] {
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if trimmed.isEmpty { return required ? ["is required"] : [] }
            if trimmed.count < range.lowerBound { return ["must be at least \(range.lowerBound) characters"] }
            if trimmed.unicodeScalars.count > range.upperBound { return ["must be at most \(range.upperBound) characters"] }
            return []
        }
        var checks: [(field: String, problems: [String])] = [
            ("title", length(f.title, 5...120, required: true)),
            ("description", length(f.description, 20...5000, required: true)),
            ("location", length(f.location, 2...100, required: true)),
            ("region", length(f.region, 2...100, required: true)),
            ("reason_for_sale", length(f.reasonForSale, 1...1000, required: false)),
            ("exact_address", length(f.exactAddress, 1...200, required: false)),
            ("postcode", length(f.postcode, 2...10, required: false)),
            ("trading_name", length(f.tradingName, 1...120, required: false)),
        ]
        if !(1...maxPrice).contains(f.askingPrice) {
            checks.append(("asking_price", ["must be a whole number of pounds from 1 to \(maxPrice)"]))
        }
        if let revenue = f.annualRevenue, !(0...maxPrice).contains(revenue) {
            checks.append(("annual_revenue", ["must be a whole number of pounds from 0 to \(maxPrice)"]))
        }
        if let profit = f.netProfit, !(-maxPrice...maxPrice).contains(profit) {
            checks.append(("net_profit", ["must be a whole number of pounds between -\(maxPrice) and \(maxPrice)"]))
        }
        if let staff = f.staffCount, !(0...100_000).contains(staff) {
            checks.append(("staff_count", ["must be from 0 to 100000"]))
        }
        if let year = f.yearEstablished, !(1800...currentYear).contains(year) {
            checks.append(("year_established", ["must be a year from 1800 to \(currentYear)"]))
        }
        return Validation.collect(checks)
    }

    /// Who may move a listing from one status to another.
    enum Actor { case owner, admin }

    static func allowedTransitions(from status: Listing.Status, by actor: Actor) -> [Listing.Status] {
        switch (actor, status) {
        case (.owner, .draft): [.pendingApproval, .archived]
        case (.owner, .pendingApproval): [.draft]
        case (.owner, .rejected): [.pendingApproval, .draft, .archived]
        case (.owner, .published): [.sold, .archived]
        case (.owner, .archived): [.draft]
        case (.owner, .sold): []
        case (.admin, .pendingApproval): [.published, .rejected]
        case (.admin, _): []
        }
    }

    static func transitionProblem(from: Listing.Status, to: Listing.Status, by actor: Actor) -> Problem? {
        guard from != to else { return nil }
        let allowed = allowedTransitions(from: from, by: actor)
        guard !allowed.contains(to) else { return nil }
        let options = allowed.isEmpty ? "none" : allowed.map(\.rawValue).joined(separator: ", ")
        return Problem(
            .conflict, slug: "invalid-status-change", title: "This status change is not allowed",
            detail: "A \(from.rawValue) listing cannot become \(to.rawValue); from \(from.rawValue) it can become: \(options).",
            errors: ["status": ["cannot change from \(from.rawValue) to \(to.rawValue)"]])
    }

    /// Turns free text into an FTS5 query: every word must match, the last one as a prefix
    /// (so live search finds "pharm" → "pharmacy"). Quotes and operators in the input are inert.
    /// Searches no longer run it (`ListingIndex` matches the same words in memory); it asks FTS5 the
    /// same question in `ListingIndexTests`, which compare the two.
    static func ftsQuery(_ text: String) -> String? {
        let words = searchWords(text)
        guard !words.isEmpty else { return nil }
        return words.enumerated().map { index, word in
            index == words.count - 1 ? "\"\(word)\"*" : "\"\(word)\""
        }.joined(separator: " ")
    }

    static func searchWords(_ text: String) -> [String] {
        text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
            .prefix(12)
            .map { $0 }
    }
}
