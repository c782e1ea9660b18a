import Foundation

/// How a card behaves at the local gateway: Stripe's test card numbers give Stripe's outcomes;
/// any other valid number succeeds.
enum TestCardOutcome: String, Codable, Sendable {
    case succeeds, declined, insufficientFunds = "insufficient_funds", requiresAuthentication = "requires_authentication"

    static let testCards: [(number: String, outcome: TestCardOutcome)] = [
        ("4242424242424242", .succeeds),
        ("4000000000000002", .declined),
        ("4000000000009995", .insufficientFunds),
        ("4000002500003155", .requiresAuthentication),
    ]

    init(number: String) {
        self = Self.testCards.first(where: { $0.number == number })?.outcome ?? .succeeds
    }
}

/// Checks of card details made before anything is sent or kept: plain Swift, tested directly.
enum CardRules {
    struct Checked: Equatable, Sendable {
        let number: String
        let brand: String
        let last4: String
        let expMonth: Int
        let expYear: Int
    }

    /// The digits of a card number with spaces and dashes removed, checked for length and Luhn,
    /// the expiry (the card works through the last day of its month) and the CVC; 422 field errors otherwise.
    static func check(number raw: String, expMonth: Int, expYear rawYear: Int, cvc: String, now: Date) -> Result<Checked, Problem> {
        var errors: [String: [String]] = [:]
        let number = raw.filter { $0 != " " && $0 != "-" }
        if !number.allSatisfy({ $0.isASCII && $0.isNumber }) || !(12...19).contains(number.count) {
            errors["number"] = ["must be 12 to 19 digits (spaces and dashes are ignored)"]
        } else if !luhnValid(number) {
            errors["number"] = ["is not a valid card number (the check digit is wrong); check it for a typing mistake"]
        }
        let expYear = (0...99).contains(rawYear) ? 2000 + rawYear : rawYear
        if !(1...12).contains(expMonth) {
            errors["exp_month"] = ["must be a month from 1 to 12"]
        } else if !(2000...2100).contains(expYear) {
            errors["exp_year"] = ["must be a year such as 2030"]
        } else if isExpired(month: expMonth, year: expYear, now: now) {
            errors["exp_year"] = ["the card expired at the end of \(String(format: "%02d", expMonth))/\(expYear)"]
        }
        let brand = brand(of: number)
        let cvcLength = brand == "amex" ? 4 : 3
        if !(cvc.allSatisfy { $0.isASCII && $0.isNumber }) || cvc.count != cvcLength {
            errors["cvc"] = ["must be the \(cvcLength) digits on the card"]
        }
        guard errors.isEmpty else { return .failure(.validation(errors)) }
        return .success(Checked(number: number, brand: brand, last4: String(number.suffix(4)), expMonth: expMonth, expYear: expYear))
    }

    static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard let digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func brand(of number: String) -> String {
        let two = Int(number.prefix(2)) ?? 0
        let four = Int(number.prefix(4)) ?? 0
        switch true {
        case number.hasPrefix("4"): return "visa"
        case (51...55).contains(two), (2221...2720).contains(four): return "mastercard"
        case two == 34 || two == 37: return "amex"
        case number.hasPrefix("6011") || number.hasPrefix("65"): return "discover"
        default: return "unknown"
        }
    }

    static func isExpired(month: Int, year: Int, now: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month], from: now)
        return (year, month) < (c.year!, c.month!)
    }
}

/// Net, VAT and total of a charge, in pence: VAT is rounded to the nearest penny, halves up.
struct ChargeAmounts: Equatable, Sendable {
    static let vatRatePercent = 20

    let net: Int64
    let vat: Int64
    var total: Int64 { net + vat }

    init(net: Int64, vatRatePercent: Int = ChargeAmounts.vatRatePercent) {
        self.net = net
        self.vat = (net * Int64(vatRatePercent) + 50) / 100
    }
}
