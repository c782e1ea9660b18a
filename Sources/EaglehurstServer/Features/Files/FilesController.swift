import EaglehurstAPI
import Foundation
import Vapor

extension APIHandler {
    /// Never reached: `routes(_:)` hands this operation's route to `FilesDownloadResponder`, because
    /// its answer carries each file's own Content-Type and byte ranges (206), which the generated
    /// answer types (one `application/octet-stream` body) cannot. It exists because the contract's
    /// protocol requires every operation.
    func filesDownload(_ input: Operations.FilesDownload.Input) async throws -> Operations.FilesDownload.Output {
        throw Problem(.internalServerError, slug: "internal", title: "Internal server error",
                      detail: "GET /api/v1/files/… is served by FilesDownloadResponder.")
    }
}

/// `GET /api/v1/files/{file_kind}/{file_id}`, the route of `filesDownload` in the contract: checks the
/// signed URL, re-checks access where it can have changed, and serves the bytes with ETag,
/// `If-None-Match` (304), `Range` (206, 416), `Cache-Control` until the URL expires and
/// `Content-Disposition`. Problems, the request log and metrics are the app's middleware, as for
/// every other route.
struct FilesDownloadResponder: AsyncResponder {
    /// The route pattern as the contract's transport registers it.
    static let pattern = "api/v1/files/:file_kind/:file_id"

    func respond(to request: Request) async throws -> Response {
        let app = request.application
        let now = app.serverEnvironment.now()
        let (kind, id, variant, expires, signature) = try Self.parse(request)
        switch app.fileURLSigner.verify(kind, id, variant: variant, expires: expires, signature: signature, now: now) {
        case .forged:
            throw Problem(.forbidden, slug: "bad-signature", title: "This file URL is not valid",
                          detail: "The URL's signature does not match it. Use a URL exactly as an answer of this API gave it.")
        case .expired:
            let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(expires)))
            throw Problem(.forbidden, slug: "url-expired", title: "This file URL has expired",
                          detail: "The URL expired at \(when): fetch the listing (or the document list) again for a fresh URL.")
        case .valid(let audience):
            let file = try await FilesService(app: app, db: request.db).file(kind, id, variant: variant, audience: audience)
            return try await serve(file, tag: Self.etag(kind, id, variant, file.key), expires: expires, now: now, to: request)
        }
    }

    private func serve(_ file: FilesService.ServedFile, tag: String, expires: Int64, now: Date, to request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: tag)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=\(max(0, expires - Int64(now.timeIntervalSince1970)))")
        headers.replaceOrAdd(name: .acceptRanges, value: "bytes")
        if ETag.matches(request.headers.first(name: .ifNoneMatch), tag) {
            return Response(status: .notModified, headers: headers)
        }
        let data: Data
        do {
            guard let stored = try await request.application.fileStore.get(file.key) else {
                request.logger.error("file missing from the file store", metadata: ["key": "\(file.key)"])
                throw Problem.notFound("The file")
            }
            data = stored
        } catch let error as FileEncryptionError {
            throw error.problem
        }
        headers.replaceOrAdd(name: .contentType, value: file.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: AttachmentHeader.value(file.fileName, disposition: file.isDocument ? "attachment" : "inline"))
        // A range applies only to the representation the client already holds part of.
        let ifRange = request.headers.first(name: .ifRange)
        let rangeHeader = ifRange == nil || ifRange == tag ? request.headers.first(name: .range) : nil
        switch ByteRange.parse(rangeHeader, size: data.count) {
        case .whole:
            return Response(status: .ok, headers: headers, body: .init(data: data))
        case .part(let range):
            headers.replaceOrAdd(name: .contentRange, value: "bytes \(range.lowerBound)-\(range.upperBound)/\(data.count)")
            return Response(status: .partialContent, headers: headers, body: .init(data: data.subdata(in: range.lowerBound..<(range.upperBound + 1))))
        case .unsatisfiable:
            throw Problem(.rangeNotSatisfiable, slug: "range-not-satisfiable", title: "The range is outside the file",
                          detail: "The file is \(data.count) bytes long; ask for a range that starts before its end.",
                          headers: ["Content-Range": "bytes */\(data.count)"])
        }
    }

    /// A strong validator: a stored key's bytes never change (a new upload gets a new key).
    static func etag(_ kind: FileURLSigner.Kind, _ id: UUID, _ variant: FileURLSigner.Variant, _ key: FileKey) -> String {
        let digest = SHA256.hash(data: Data("\(kind.rawValue)|\(id.uuidString.lowercased())|\(variant.rawValue)|\(key.rawValue)".utf8))
        return "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// The path and query as the contract defines them; an unknown kind or a malformed id is a 404,
    /// like any URL that names nothing.
    static func parse(_ request: Request) throws -> (FileURLSigner.Kind, UUID, FileURLSigner.Variant, Int64, String) {
        let kindText = request.parameters.get("file_kind") ?? ""
        let idText = request.parameters.get("file_id") ?? ""
        guard let kind = FileURLSigner.Kind(rawValue: kindText), let id = UUID(uuidString: idText) else {
            throw Problem.notFound("File \(kindText)/\(idText)")
        }
        var errors: [String: [String]] = [:]
        let variantText = try? request.query.get(String.self, at: "variant")
        let variant = variantText.map(FileURLSigner.Variant.init(rawValue:)) ?? .original
        if variant == nil { errors["variant"] = ["must be one of original, card, view"] }
        let expires = (try? request.query.get(String.self, at: "expires")).flatMap { Int64($0) }
        if expires == nil { errors["expires"] = ["is required: Unix time in seconds, as in the URL an answer gave"] }
        let signature = try? request.query.get(String.self, at: "signature")
        if signature?.isEmpty ?? true { errors["signature"] = ["is required, as in the URL an answer gave"] }
        if let signature, signature.count > 128 { errors["signature"] = ["must be at most 128 characters"] }
        guard errors.isEmpty, let variant, let expires, let signature else { throw Problem.validation(errors) }
        return (kind, id, variant, expires, signature)
    }
}
