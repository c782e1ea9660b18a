import Vapor

extension Request {
    /// The address of the client: the peer's, or, when the peer is a trusted proxy
    /// (`TRUSTED_PROXIES`), the nearest address in `X-Forwarded-For` that is not one. Rate limits
    /// and logs count by it, so behind nginx every client is not "127.0.0.1".
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = application.settings.trustedProxies
        guard !trusted.isEmpty, trusted.contains(peer) else { return peer }
        let hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trusted.contains($0) } ?? peer
    }
}
