import Crypto
import Foundation

/// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// (several `v1` may be present while a secret rolls). Plain Swift, tested directly.
enum StripeSignature {
    static let tolerance = 5 * 60

    enum Failure: Error, Equatable, CustomStringConvertible {
        case missing, malformed, stale(seconds: Int), mismatch

        var description: String {
            switch self {
            case .missing: "The Stripe-Signature header is missing."
            case .malformed: "The Stripe-Signature header is not of the form t=<unix time>,v1=<hex signature>."
            case .stale(let seconds): "The signature's time is \(abs(seconds)) seconds away from now; at most \(StripeSignature.tolerance) are accepted."
            case .mismatch: "No v1 signature matches the body under the webhook secret."
            }
        }
    }

    static func verify(header: String?, payload: Data, secret: String, now: Date) throws(Failure) {
        guard let header, !header.isEmpty else { throw .missing }
        var timestamp: Int?
        var signatures: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int(pair[1])
            case "v1": signatures.append(pair[1].lowercased())
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformed }
        let skew = Int(now.timeIntervalSince1970) - timestamp
        guard abs(skew) <= tolerance else { throw .stale(seconds: skew) }
        let expected = sign(payload: payload, timestamp: timestamp, secret: secret)
        guard signatures.contains(where: { Secrets.constantTimeEquals($0, expected) }) else { throw .mismatch }
    }

    /// The hex signature of `payload` at `timestamp`.
    static func sign(payload: Data, timestamp: Int, secret: String) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(payload)
        return HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The header value for `payload`, as Stripe sends it.
    static func header(payload: Data, timestamp: Int, secret: String) -> String {
        "t=\(timestamp),v1=\(sign(payload: payload, timestamp: timestamp, secret: secret))"
    }
}
