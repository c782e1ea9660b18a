import EaglehurstAPI
import EaglehurstClient
import Foundation

extension EffectRunner {
    func runPictures(_ effect: PicturesEffect) async -> PicturesMessage {
        switch effect {
        case .load(let key, let url, let maxWidth, let maxHeight):
            let bytes = await fetchFile(url)
            let picture = bytes.flatMap { data -> Result<Picture, RequestFailure> in
                // Decoding is CPU work on untrusted bytes: it runs here, off the UI loop, and a bad
                // file is a message, never a crash.
                do {
                    return .success(try Picture.decode(data, maxWidth: maxWidth, maxHeight: maxHeight))
                } catch {
                    return .failure(.file("not a picture (\(error))"))
                }
            }
            return .loaded(key, picture)
        }
    }

    /// The bytes behind a signed URL of an answer (`/api/v1/files/<kind>/<id>?variant=…&expires=…&signature=…`),
    /// through the contract's `filesDownload`; the bytes are kept in the file cache, so a photo seen
    /// once opens again without the network.
    func fetchFile(_ url: String) async -> Result<Data, RequestFailure> {
        guard let signed = SignedFileURL(url) else { return .failure(.unexpected("not a file URL of this server: \(url)")) }
        if let cached = await files.data(for: signed.cacheKey) { return .success(cached) }
        return await attempt {
            let query = Operations.FilesDownload.Input.Query(variant: signed.variant, expires: signed.expires, signature: signed.signature)
            switch try await client.filesDownload(path: .init(fileKind: signed.kind, fileId: signed.id), query: query) {
            case .ok(let ok):
                let data = try await Data(collecting: try ok.body.any, upTo: Self.largestUpload)
                await files.store(data, for: signed.cacheKey)
                return .success(data)
            case .partialContent:
                return .failure(.unexpected("the server sent part of a file that was asked for whole"))
            case .notModified:
                return .failure(.unexpected("the server answered 304 to a request without an ETag"))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the file"))
            }
        }
    }
}

/// A signed file URL taken apart into the operation's parameters.
struct SignedFileURL: Equatable {
    typealias Kind = Operations.FilesDownload.Input.Path.FileKindPayload
    typealias Variant = Operations.FilesDownload.Input.Query.VariantPayload

    var kind: Kind
    var id: UUID
    var variant: Variant?
    var expires: Int64
    var signature: String

    /// The file and size, whatever the signature: what the byte cache files it under.
    var cacheKey: String { "\(kind.rawValue)/\(id.uuidString)/\((variant ?? .original).rawValue)" }

    init?(_ text: String) {
        guard let components = URLComponents(string: text) else { return nil }
        let parts = components.path.split(separator: "/")
        guard parts.count >= 3, parts[parts.count - 3] == "files",
              let kind = Kind(rawValue: String(parts[parts.count - 2])),
              let id = UUID(uuidString: String(parts[parts.count - 1])) else { return nil }
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        guard let expires = items["expires"].flatMap(Int64.init), let signature = items["signature"] else { return nil }
        self.kind = kind
        self.id = id
        self.variant = items["variant"].flatMap(Variant.init(rawValue:))
        self.expires = expires
        self.signature = signature
    }
}
