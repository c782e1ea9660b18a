import Foundation

/// A card being typed: the number grouped in fours as it is typed and masked once left, the expiry as
/// MM/YY, the CVC hidden. Pure, so its rules (Luhn, expiry, lengths) are tested directly. Only digits
/// are kept; the CVC is dropped the moment the details go to the tokenizer.
package struct CardEntry: Equatable, Sendable {
    package enum Field: Int, CaseIterable, Sendable {
        case number, expiry, cvc, makeDefault

        var label: String {
            switch self {
            case .number: "Card number"
            case .expiry: "Expiry"
            case .cvc: "CVC"
            case .makeDefault: "Default card"
            }
        }
    }

    package private(set) var number = ""
    /// MMYY as typed.
    package private(set) var expiry = ""
    package private(set) var cvc = ""
    package var makeDefault: Bool
    package var focus: Field = .number
    /// Fields left or tried to submit: their problems show; a field being typed is not scolded.
    var checked: Set<Field> = []
    package var isSubmitting = false
    /// Why the tokenizer or the server refused the card, until it is edited.
    package var refusal: String?

    package init(makeDefault: Bool = false) {
        self.makeDefault = makeDefault
    }

    static let longestNumber = 19

    // MARK: editing

    /// Digits go into the focused field (anything else is swallowed, so letters never command while a
    /// card is typed); Space ticks "default card"; backspace and <c-u> delete. False for keys left to
    /// the bindings (Tab, Enter, Esc).
    package mutating func edit(_ key: Key) -> Bool {
        switch key {
        case .character(" ") where focus == .makeDefault:
            makeDefault.toggle()
        case .character(let c):
            guard c.isASCII, c.isNumber, focus != .makeDefault else { return true }
            switch focus {
            case .number where number.count < Self.longestNumber: number.append(c)
            case .expiry where expiry.count < 4: expiry.append(c)
            case .cvc where cvc.count < 4: cvc.append(c)
            default: return true
            }
        case .backspace:
            switch focus {
            case .number: _ = number.popLast()
            case .expiry: _ = expiry.popLast()
            case .cvc: _ = cvc.popLast()
            case .makeDefault: return true
            }
        case .control("u"):
            switch focus {
            case .number: number = ""
            case .expiry: expiry = ""
            case .cvc: cvc = ""
            case .makeDefault: return true
            }
        default:
            return false
        }
        refusal = nil
        return true
    }

    mutating func moveFocus(by step: Int) {
        checked.insert(focus)
        let count = Field.allCases.count
        focus = Field(rawValue: (focus.rawValue + step + count) % count)!
    }

    /// The CVC is never kept once the details have gone to the tokenizer; the number stays (masked) so
    /// a refused card can be corrected.
    mutating func forgetCVC() { cvc = "" }

    // MARK: showing

    /// `4242 4242 4242 4242` while typed.
    package var groupedNumber: String { Self.grouped(number) }

    /// `•••• •••• •••• 4242` once the field is left.
    package var maskedNumber: String {
        guard number.count > 4 else { return number }
        let hidden = String(repeating: "•", count: number.count - 4) + number.suffix(4)
        return Self.grouped(hidden)
    }

    package var expiryText: String { expiry.count > 2 ? "\(expiry.prefix(2))/\(expiry.dropFirst(2))" : expiry }

    package var brand: String? { Self.brand(of: number) }

    static func grouped(_ text: String) -> String {
        var result = ""
        for (index, c) in text.enumerated() {
            if index > 0, index % 4 == 0 { result.append(" ") }
            result.append(c)
        }
        return result
    }

    static func brand(of number: String) -> String? {
        if number.hasPrefix("4") { return "Visa" }
        if let two = Int(number.prefix(2)), number.count >= 2 {
            if (51...55).contains(two) { return "Mastercard" }
            if two == 34 || two == 37 { return "American Express" }
        }
        if let four = Int(number.prefix(4)), number.count >= 4, (2221...2720).contains(four) { return "Mastercard" }
        return nil
    }

    // MARK: rules

    /// The Luhn checksum every card number carries.
    static func passesLuhn(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == digits.count, !values.isEmpty else { return false }
        let sum = values.reversed().enumerated().reduce(0) { sum, pair in
            guard pair.offset % 2 == 1 else { return sum + pair.element }
            let doubled = pair.element * 2
            return sum + (doubled > 9 ? doubled - 9 : doubled)
        }
        return sum % 10 == 0
    }

    /// The expiry as month and four-digit year, when it reads as one.
    package var expiryDate: (month: Int, year: Int)? {
        guard expiry.count == 4, let month = Int(expiry.prefix(2)), let year = Int(expiry.suffix(2)), (1...12).contains(month) else { return nil }
        return (month, 2000 + year)
    }

    /// What is wrong with a field, by the card rules; nil when nothing is. A card is good through the
    /// last day of its expiry month.
    package func problem(_ field: Field, now: Date) -> String? {
        switch field {
        case .number:
            if number.count < 12 { return number.isEmpty ? "is required" : "is too short" }
            return Self.passesLuhn(number) ? nil : "does not add up (Luhn): check the digits"
        case .expiry:
            guard let expiry = expiryDate else { return "must be MM/YY, e.g. 12/30" }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let today = calendar.dateComponents([.year, .month], from: now)
            return (expiry.year, expiry.month) < (today.year!, today.month!) ? "has passed: the card has expired" : nil
        case .cvc:
            let wanted = brand == "American Express" ? 4 : 3
            return cvc.count == wanted ? nil : "must be the \(wanted) digits on the card"
        case .makeDefault:
            return nil
        }
    }

    /// The line under a field: its problem once checked, else the tokenizer's refusal under the number.
    func shownProblem(_ field: Field, now: Date) -> String? {
        guard !isSubmitting else { return nil }
        if field == .number, let refusal { return refusal }
        return checked.contains(field) ? problem(field, now: now) : nil
    }

    /// Marks every field checked; when one breaks a rule, focuses the first such and answers false.
    mutating func validateForSubmit(now: Date) -> Bool {
        checked = Set(Field.allCases)
        guard let bad = Field.allCases.first(where: { problem($0, now: now) != nil }) else { return true }
        focus = bad
        return false
    }

    /// What goes to the tokenizer, and nowhere else.
    var details: CardDetails? {
        guard let expiry = expiryDate else { return nil }
        return CardDetails(number: number, expMonth: expiry.month, expYear: expiry.year, cvc: cvc)
    }
}

/// Card details on their way to the gateway's tokenizer. Never logged, never stored, never sent to
/// this server's card endpoints (those take only the token).
package struct CardDetails: Equatable, Sendable, CustomStringConvertible {
    package var number: String
    package var expMonth: Int
    package var expYear: Int
    package var cvc: String

    /// Only the last four, should anything ever print an effect.
    package var description: String { "card ••••\(number.suffix(4)) \(expMonth)/\(expYear)" }
}
