import Crypto
import Foundation

/// Short-lived signed URLs of files served by this API (`GET /api/v1/files/{kind}/{id}`).
///
/// The signature is the credential: HMAC-SHA256 over the audience, kind, id, variant and expiry,
/// so no bearer token is needed (an `<img>` or a terminal's downloader can fetch it) and a URL
/// handed on stops working when it expires.
///
/// Expiry is rounded: every URL made within one 15-minute window expires 15 minutes after that
/// window ends. The same listing answer then carries the same URLs for the whole window, so its
/// ETag and the client's cache stay valid, and a URL from any answer still works for at least
/// 15 minutes after it was handed out.
struct FileURLSigner: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case listingMedia = "listing-media"
        case kyc
        case serviceDocument = "service-document"
    }

    enum Variant: String, Sendable, CaseIterable {
        case original, card, view
    }

    /// Whom a URL was made for, bound into the signature (the URL does not say it). A `public` URL
    /// was handed to anyone who could see a published listing, and is served only while the item
    /// is still public, so unpublishing a listing or suspending its seller ends it at once. A
    /// `granted` URL was handed to someone with rights beyond the public (the owner, an admin, an
    /// accepted buyer): it is served until it expires.
    enum Audience: String, Sendable, CaseIterable {
        case `public`, granted
    }

    enum Verdict: Equatable, Sendable {
        case valid(Audience)
        case forged
        case expired
    }

    struct SignedURL: Sendable, Equatable {
        let path: String
        let expiresAt: Date
    }

    static let window: Int64 = 15 * 60

    private let key: SymmetricKey

    /// `secret` is the server's signing secret; the URL key is derived from it, so it is never
    /// the key that signs access tokens.
    init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data("eaglehurst-file-urls:\(secret)".utf8)))
    }

    /// The expiry of URLs made at `now`: the end of its 15-minute window plus 15 minutes.
    static func expiry(at now: Date) -> Int64 {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return (seconds / window) * window + 2 * window
    }

    func sign(_ kind: Kind, _ id: UUID, variant: Variant = .original, for audience: Audience, now: Date) -> SignedURL {
        let expires = Self.expiry(at: now)
        let signature = Self.base64URL(Data(HMAC<SHA256>.authenticationCode(
            for: Self.message(audience, kind, id, variant, expires), using: key)))
        let variantQuery = variant == .original ? "" : "variant=\(variant.rawValue)&"
        return SignedURL(
            path: "/api/v1/files/\(kind.rawValue)/\(id.uuidString.lowercased())?\(variantQuery)expires=\(expires)&signature=\(signature)",
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    /// Checks the signature first (in constant time, for each audience), then the expiry.
    func verify(_ kind: Kind, _ id: UUID, variant: Variant, expires: Int64, signature: String, now: Date) -> Verdict {
        // Only the canonical spelling: the last character of 32 bytes in base64 carries two unused
        // bits, and a URL with them changed is not a URL this server made.
        guard let code = Self.decodeBase64URL(signature), Self.base64URL(code) == signature else { return .forged }
        let audience = Audience.allCases.first { audience in
            HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Self.message(audience, kind, id, variant, expires), using: key)
        }
        guard let audience else { return .forged }
        guard Double(expires) > now.timeIntervalSince1970 else { return .expired }
        return .valid(audience)
    }

    private static func message(_ audience: Audience, _ kind: Kind, _ id: UUID, _ variant: Variant, _ expires: Int64) -> Data {
        Data("eaglehurst-file|v1|\(audience.rawValue)|\(kind.rawValue)|\(id.uuidString.lowercased())|\(variant.rawValue)|\(expires)".utf8)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        guard text.count <= 128, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// What DTOs need to carry signed URLs: the signer and the time of the answer.
struct FileLinks: Sendable {
    let signer: FileURLSigner
    let now: Date

    func sign(_ kind: FileURLSigner.Kind, _ id: UUID, variant: FileURLSigner.Variant = .original, for audience: FileURLSigner.Audience) -> FileURLSigner.SignedURL {
        signer.sign(kind, id, variant: variant, for: audience, now: now)
    }
}
