import EaglehurstAPI
import Foundation

/// Checks and normalises the free-text fields of seller and buyer profiles. Plain Swift, so tests
/// call it directly; each check returns the cleaned value or the problems found.
enum ProfileRules {
    enum Outcome<Value: Equatable>: Equatable {
        case valid(Value)
        case invalid([String])
    }

    /// Text of at most `max` characters, trimmed; an empty string clears the field. Lengths are counted
    /// in Unicode code points, as the contract's `maxLength` counts them (a flag or a skin-tone emoji
    /// is one `Character` but several code points).
    static func optionalText(_ value: String, max: Int) -> Outcome<String?> {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.unicodeScalars.count > max { return .invalid(["must be at most \(max) characters"]) }
        return .valid(trimmed.isEmpty ? nil : trimmed)
    }

    static func businessName(_ value: String) -> Outcome<String> {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .invalid(["must not be empty"]) }
        if trimmed.unicodeScalars.count > 200 { return .invalid(["must be at most 200 characters"]) }
        return .valid(trimmed)
    }

    /// A Companies House number: 8 characters, digits with an optional two-letter prefix
    /// (`SC123456`, `OC301234`). Shorter all-digit numbers get their leading zeros back.
    static func companyNumber(_ value: String) -> Outcome<String?> {
        let compact = value.uppercased().filter { !$0.isWhitespace }
        if compact.isEmpty { return .valid(nil) }
        let message = "must be a Companies House number: 8 digits, or 2 letters and 6 digits (e.g. 01234567, SC123456)"
        guard compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else { return .invalid([message]) }
        if compact.allSatisfy(\.isNumber), compact.count <= 8 {
            return .valid(String(repeating: "0", count: 8 - compact.count) + compact)
        }
        let prefix = compact.prefix(2), rest = compact.dropFirst(2)
        guard compact.count == 8, prefix.allSatisfy(\.isLetter), rest.allSatisfy(\.isNumber) else {
            return .invalid([message])
        }
        return .valid(compact)
    }

    /// A VAT registration number: letters and digits, at most 20 once spaces are removed.
    static func vatNumber(_ value: String) -> Outcome<String?> {
        let compact = value.uppercased().filter { !$0.isWhitespace }
        if compact.isEmpty { return .valid(nil) }
        guard compact.count <= 20, compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }),
              compact.contains(where: \.isNumber) else {
            return .invalid(["must be letters and digits only, at most 20 (e.g. GB123456789)"])
        }
        return .valid(compact)
    }

    /// An http(s) address with a dotted host. A bare host such as `example.co.uk` gets `https://`.
    static func website(_ value: String) -> Outcome<String?> {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .valid(nil) }
        let message = "must be a web address such as https://example.co.uk"
        if trimmed.unicodeScalars.count > 300 { return .invalid(["must be at most 300 characters"]) }
        let withScheme = trimmed.contains("://") ? trimmed : "https://\(trimmed)"
        guard !withScheme.contains(where: { $0.isWhitespace }),
              let components = URLComponents(string: withScheme),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, components.user == nil, components.password == nil else {
            return .invalid([message])
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }),
              labels.last!.allSatisfy(\.isLetter) else {
            return .invalid([message])
        }
        return .valid(withScheme)
    }

    static func yearsInBusiness(_ value: Int) -> Outcome<Int> {
        (0...200).contains(value) ? .valid(value) : .invalid(["must be between 0 and 200"])
    }

    /// Buyer preferences: amounts not negative, `min_price` ≤ `max_price`, regions short and not
    /// empty. Business types are checked by the contract's enum when the body is decoded.
    static func preferences(_ value: Components.Schemas.BuyerPreferences) -> (Components.Schemas.BuyerPreferences, [String: [String]]) {
        var errors: [String: [String]] = [:]
        var cleaned = value
        for (field, amount) in [("preferences.min_price", value.minPrice), ("preferences.max_price", value.maxPrice),
                                ("preferences.min_revenue", value.minRevenue)] {
            if let amount, amount < 0 { errors[field, default: []].append("must not be negative") }
        }
        if let min = value.minPrice, let max = value.maxPrice, min > max {
            errors["preferences.min_price", default: []].append("must not be more than max_price")
        }
        if let types = value.businessTypes {
            var seen = Set<Components.Schemas.BusinessType>()
            cleaned.businessTypes = types.filter { seen.insert($0).inserted }
        }
        if let regions = value.regions {
            let trimmed = regions.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if trimmed.contains(where: \.isEmpty) { errors["preferences.regions", default: []].append("must not contain empty names") }
            if trimmed.contains(where: { $0.count > 100 }) { errors["preferences.regions", default: []].append("each must be at most 100 characters") }
            if trimmed.count > 50 { errors["preferences.regions", default: []].append("must have at most 50 entries") }
            var seen = Set<String>()
            cleaned.regions = trimmed.filter { seen.insert($0.lowercased()).inserted }
        }
        if let notes = value.notes {
            let trimmed = notes.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.unicodeScalars.count > 2000 { errors["preferences.notes", default: []].append("must be at most 2000 characters") }
            cleaned.notes = trimmed.isEmpty ? nil : trimmed
        }
        return (cleaned, errors)
    }
}
