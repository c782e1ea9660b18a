import Foundation

/// Validation rules that the server enforces and the terminal client checks inline, so both
/// give the same message for the same mistake. Each function returns the problems found,
/// empty when the value is acceptable.
public enum Validation {
    public static func email(_ value: String) -> [String] {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return ["is required"] }
        if trimmed.count > 254 { return ["must be at most 254 characters"] }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !trimmed.contains(where: { $0.isWhitespace }) else {
            return ["must be an email address like name@example.com"]
        }
        return []
    }

    /// At least 8 characters with a lower-case letter, an upper-case letter and a digit (the seed's rule).
    public static func password(_ value: String) -> [String] {
        var problems: [String] = []
        if value.count < 8 { problems.append("must be at least 8 characters") }
        if value.count > 128 { problems.append("must be at most 128 characters") }
        if !value.contains(where: { $0.isLowercase }) { problems.append("must contain a lower-case letter") }
        if !value.contains(where: { $0.isUppercase }) { problems.append("must contain an upper-case letter") }
        if !value.contains(where: { $0.isNumber }) { problems.append("must contain a digit") }
        return problems
    }

    /// A first or last name: 1 to 50 characters.
    public static func name(_ value: String) -> [String] {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return ["is required"] }
        if trimmed.count > 50 { return ["must be at most 50 characters"] }
        return []
    }

    /// The seed's phone pattern `^\+?1?\d{9,15}$`.
    public static func phone(_ value: String) -> [String] {
        var rest = Substring(value)
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        if rest.hasPrefix("1"), rest.dropFirst().count >= 9, rest.dropFirst().allSatisfy(\.isASCIIDigit) {
            rest = rest.dropFirst()
        }
        guard (9...15).contains(rest.count), rest.allSatisfy(\.isASCIIDigit) else {
            return ["must be 9 to 15 digits, optionally starting with +"]
        }
        return []
    }

    /// Collects the problems of several fields into the `errors` map of a 422 problem.
    public static func collect(_ checks: [(field: String, problems: [String])]) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        for check in checks where !check.problems.isEmpty {
            errors[check.field, default: []].append(contentsOf: check.problems)
        }
        return errors
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
