import EaglehurstAPI
import Foundation

extension Drawing {
    static func thousands(_ value: Int64) -> String { String(pounds(value).drop { $0 == "£" || $0 == "-" }) }

    /// How long ago, in the fewest characters: 5m, 3h, 4d, 2w, 5mo, 2y.
    static func age(_ date: Date, now: Date) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        let minutes = Int(seconds / 60), hours = minutes / 60, days = hours / 24
        if minutes < 60 { return "\(minutes)m" }
        if hours < 24 { return "\(hours)h" }
        if days < 14 { return "\(days)d" }
        if days < 63 { return "\(days / 7)w" }
        if days < 730 { return "\(days / 30)mo" }
        return "\(days / 365)y"
    }

    static func money(_ value: Int64?) -> String { value.map(pounds) ?? "—" }

    /// Words into lines of at most `width` columns; a word longer than a line is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TextWidth.of(candidate) <= width {
                current = candidate
            } else {
                if !current.isEmpty { lines.append(current) }
                current = TextWidth.of(word) <= width ? String(word) : TextWidth.truncate(String(word), to: width)
            }
        }
        lines.append(current)
        return lines
    }

    static func priceRange(_ low: Int64?, _ high: Int64?) -> String {
        switch (low, high) {
        case (nil, nil): "any"
        case (let low?, nil): "from \(pounds(low))"
        case (nil, let high?): "up to \(pounds(high))"
        case (let low?, let high?): "\(pounds(low)) – \(pounds(high))"
        }
    }
}
